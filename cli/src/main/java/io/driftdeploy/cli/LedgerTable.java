package io.driftdeploy.cli;

import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The ledger table a command works on ({@code --table}), else the functions' own setting. */
final class LedgerTable {

    @Option(names = "--table", paramLabel = "TABLE",
            description = "The ledger table. Default: " + Settings.PREFIX + "TABLE, as the functions read it.")
    private String table;

    /** The ledger on that table, through the command's AWS options. */
    Ledger open(Console console, AwsOptions aws) {
        return new Ledger(aws.clients(console.environment()).dynamoDb(), name(console));
    }

    /** The table's name: {@code --table}, else the functions' setting. */
    String name(Console console) {
        return Optional.ofNullable(table)
                .or(() -> Optional.ofNullable(console.environment().get(Settings.PREFIX + "TABLE")))
                .filter(candidate -> !candidate.isBlank())
                .orElseThrow(() -> new CliFailure("no ledger table: pass --table or set " + Settings.PREFIX + "TABLE"));
    }
}
