package io.driftdeploy.fakes;

import io.driftdeploy.aws.DriftLedger;
import java.util.UUID;

/** The in-memory drift ledger keeps the contract the DynamoDB one keeps ({@code DynamoDriftLedgerIT}). */
class FakeDriftLedgerTest extends DriftLedgerContract {

    private final String unique = "fake-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected DriftLedger ledger() {
        return new FakeDriftLedger();
    }

    @Override
    protected String unique() {
        return unique;
    }
}
