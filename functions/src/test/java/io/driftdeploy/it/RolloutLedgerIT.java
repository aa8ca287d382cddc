package io.driftdeploy.it;

import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.RolloutLedger;
import io.driftdeploy.fakes.RolloutLedgerContract;
import io.driftdeploy.testing.TestEnvironment;

/** The rollout ledger's contract, held by the real ledger on the emulator (the fake's run: FakeRolloutLedgerTest). */
class RolloutLedgerIT extends RolloutLedgerContract {

    @Override
    protected RolloutLedger emptyLedger() {
        TestEnvironment env = TestEnvironment.create();
        return new DynamoRolloutLedger(new Ledger(env.aws.dynamoDb(), env.tableName));
    }
}
