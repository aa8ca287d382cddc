package io.driftdeploy.cli;

import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.message.Report;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Mixin;

/**
 * A person's decision to clear a guard kept in the ledger: cleared only if it is still the one
 * read, and the clearing is written to the audit trail with the guard's evidence.
 *
 * @param <T> the guard as it was cleared
 */
abstract class ClearCommand<T> extends AwsCommand {

    @Mixin
    LedgerTable table;

    @Override
    public final Integer call() {
        Console console = console();
        Ledger ledger = table.open(console, aws);
        Optional<T> cleared = clear(ledger);
        if (cleared.isEmpty()) {
            console.out().println(nothingToClear() + ": nothing to clear");
            return 0;
        }
        Instant now = Instant.now();
        AuditTrail.in(ledger, Settings.auditRetention(console.environment())).record(clearing(cleared.get(), now), now);
        console.out().println("cleared   " + cleared(cleared.get()));
        return 0;
    }

    /** Clears the guard; empty when there was none. */
    abstract Optional<T> clear(Ledger ledger);

    /** Why nothing was cleared. */
    abstract String nothingToClear();

    /** The clearing as the audit trail keeps it. */
    abstract Report clearing(T cleared, Instant now);

    /** What was cleared and what that lets happen again. */
    abstract String cleared(T cleared);
}
