package io.driftdeploy.fakes;

import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.Ledger;
import java.util.ArrayList;
import java.util.List;

/** Keeps the audit records written alone; a fake ledger keeps those it writes with its own writes. */
public final class FakeAuditTrail implements AuditTrail {

    private final List<Ledger.Put> records = new ArrayList<>();

    @Override
    public void record(Ledger.Put entry) {
        records.add(entry);
    }

    public List<Ledger.Put> records() {
        return List.copyOf(records);
    }
}
