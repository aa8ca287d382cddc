package io.driftdeploy.cli;

import io.driftdeploy.config.Settings;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The ledger table a command works on ({@code --table}), else the functions' own setting. */
final class LedgerTable {

    @Option(names = "--table", paramLabel = "TABLE",
            description = "The ledger table. Default: " + Settings.PREFIX + "TABLE, as the functions read it.")
    private String table;

    String name(Console console) {
        return Optional.ofNullable(table)
                .or(() -> Optional.ofNullable(console.environment().get(Settings.PREFIX + "TABLE")))
                .filter(name -> !name.isBlank())
                .orElseThrow(() -> new CliFailure("no ledger table: pass --table or set " + Settings.PREFIX + "TABLE"));
    }
}
