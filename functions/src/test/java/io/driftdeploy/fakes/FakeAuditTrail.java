package io.driftdeploy.fakes;

import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.Ledger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Keeps the audit records written alone; a fake ledger keeps those it writes with its own writes. */
public final class FakeAuditTrail implements AuditTrail {

    private final List<Ledger.Put> records = new ArrayList<>();

    @Override
    public void record(Ledger.Put entry) {
        records.add(entry);
    }

    @Override
    public Duration retention() {
        return Duration.ofDays(400);
    }

    public List<Ledger.Put> records() {
        return List.copyOf(records);
    }
}
