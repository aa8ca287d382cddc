package io.driftdeploy.it;

import io.driftdeploy.aws.DynamoEventClaims;
import io.driftdeploy.aws.EventClaims;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.fakes.EventClaimsContract;
import io.driftdeploy.testing.TestEnvironment;

/** The event claims' contract, held by the ledger on the emulator (the fake's run: FakeEventClaimsTest). */
class EventClaimsIT extends EventClaimsContract {

    @Override
    protected EventClaims emptyClaims() {
        TestEnvironment env = TestEnvironment.create();
        return new DynamoEventClaims(new Ledger(env.aws.dynamoDb(), env.tableName));
    }
}
