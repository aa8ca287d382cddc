package io.driftdeploy.it;

import io.driftdeploy.aws.DriftLedger;
import io.driftdeploy.aws.DynamoDriftLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.fakes.DriftLedgerContract;
import io.driftdeploy.testing.TestEnvironment;
import java.util.UUID;

/** The DynamoDB drift ledger on the emulator, held to the contract the fast tests' fake keeps. */
class DynamoDriftLedgerIT extends DriftLedgerContract {

    /** One table for the class; each test keeps to its own names. */
    private static final TestEnvironment ENV = TestEnvironment.create();

    private final String unique = ENV.prefix + "-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected DriftLedger ledger() {
        return new DynamoDriftLedger(new Ledger(ENV.aws.dynamoDb(), ENV.tableName));
    }

    @Override
    protected String unique() {
        return unique;
    }
}
