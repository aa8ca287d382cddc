package io.driftdeploy.aws;

import java.time.Duration;

/** The audit trail in the ledger's table: each record one PutItem, kept for {@code retention}. */
record LedgerAuditTrail(Ledger ledger, Duration retention) implements AuditTrail {

    @Override
    public void record(Ledger.Put entry) {
        ledger.put(entry);
    }
}
