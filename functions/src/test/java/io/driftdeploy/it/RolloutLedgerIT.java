package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.RolloutLedger;
import io.driftdeploy.fakes.RolloutLedgerContract;
import io.driftdeploy.policy.ObservedRefresh;
import io.driftdeploy.policy.StartedRefresh;
import io.driftdeploy.testing.TestEnvironment;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollout ledger's contract, held by the real ledger on the emulator (the fake's run: FakeRolloutLedgerTest). */
class RolloutLedgerIT extends RolloutLedgerContract {

    @Override
    protected RolloutLedger emptyLedger() {
        TestEnvironment env = TestEnvironment.create();
        return new DynamoRolloutLedger(new Ledger(env.aws.dynamoDb(), env.tableName));
    }

    /**
     * A member group's image marked bad is cleared by the CLI, which reads the ledger as the
     * functions' own account: the member group's rollout claim, keyed with its account, goes too.
     */
    @Test
    void clearingAMemberGroupsBadMarkFromTheCentralLedgerLetsItRollOutThereAgain() {
        TestEnvironment env = TestEnvironment.create();
        Ledger table = new Ledger(env.aws.dynamoDb(), env.tableName);
        String own = "123456789012";
        RolloutLedger member = DynamoRolloutLedger.inAccount(table, "210987654321", own);
        RolloutLedger central = DynamoRolloutLedger.inAccount(table, own, own);
        Instant now = Instant.parse("2025-06-12T08:00:00Z");
        String image = "ami-0000000000000000c";
        member.claimRollout("blue", image, "e-1", now);
        member.completeRollout("blue", image, "e-1");
        central.claimRollout("blue", image, "e-1", now);
        central.completeRollout("blue", image, "e-1");
        member.markBad(new StartedRefresh("r-1", "blue", image, "shop", "lt-0123", 4),
                new ObservedRefresh("r-1", "blue", "Failed", Optional.empty(), now), "e-9", now);

        assertThat(new DynamoRolloutLedger(table).clearBadMark(image)).isPresent();

        assertThat(member.claimRollout("blue", image, "e-2", now)).as("the member group's claim went with the mark").isTrue();
        assertThat(central.claimRollout("blue", image, "e-2", now)).as("the central group of the same name keeps its own")
                .isFalse();
    }
}
