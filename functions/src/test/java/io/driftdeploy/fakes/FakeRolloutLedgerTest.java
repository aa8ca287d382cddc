package io.driftdeploy.fakes;

import io.driftdeploy.aws.RolloutLedger;

/** The rollout ledger's contract, held by the fake (the real ledger's run: RolloutLedgerIT). */
class FakeRolloutLedgerTest extends RolloutLedgerContract {

    @Override
    protected RolloutLedger emptyLedger() {
        return new FakeRolloutLedger();
    }
}
