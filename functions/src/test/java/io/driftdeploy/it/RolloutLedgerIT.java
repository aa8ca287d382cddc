package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.RolloutLedger;
import io.driftdeploy.config.Mode;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.StartedRefresh;
import io.driftdeploy.testing.TestEnvironment;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The rollout's state in the ledger: newest pending wins, clearing never drops a newer one. */
class RolloutLedgerIT {

    private final TestEnvironment env = TestEnvironment.create();
    private final RolloutLedger ledger = new RolloutLedger(new Ledger(env.aws.dynamoDb(), env.tableName));
    private final Instant now = Instant.parse("2025-06-12T08:00:00Z");
    private final ImageRef older = new ImageRef("ami-0000000000000000a", Instant.parse("2025-06-12T07:00:00Z"));
    private final ImageRef newer = new ImageRef("ami-0000000000000000b", Instant.parse("2025-06-12T07:30:00Z"));

    @Test
    void theNewestPendingImageWinsWhateverTheOrderTheyArrive() {
        assertThat(ledger.storePending("blue", newer, "e-2", now)).isTrue();
        assertThat(ledger.storePending("blue", older, "e-1", now)).isFalse();

        assertThat(ledger.pending("blue")).contains(newer);
    }

    @Test
    void clearingAPendingImageKeepsANewerOneWrittenMeanwhile() {
        ledger.storePending("blue", older, "e-1", now);
        ledger.storePending("blue", newer, "e-2", now);

        ledger.clearPending("blue", older.imageId());
        assertThat(ledger.pending("blue")).contains(newer);

        ledger.clearPending("blue", newer.imageId());
        assertThat(ledger.pending("blue")).isEmpty();
    }

    @Test
    void eventsAreClaimedOncePerFunctionAndMode() {
        assertThat(ledger.claimEvent("images", "e-1", Mode.DRY_RUN, now)).isTrue();
        assertThat(ledger.claimEvent("images", "e-1", Mode.DRY_RUN, now)).isFalse();
        // A dry run of an event does not stop enforce from acting on it later.
        assertThat(ledger.claimEvent("images", "e-1", Mode.ENFORCE, now)).isTrue();
        assertThat(ledger.claimEvent("refreshes", "e-1", Mode.ENFORCE, now)).isTrue();
    }

    @Test
    void aStartedRefreshIsRememberedAndItsImageCanBeMarkedBad() {
        StartedRefresh refresh = new StartedRefresh("r-1", "blue", newer.imageId(), "shop", "lt-0123", 4);
        ledger.recordStartedRefresh(refresh, now);

        assertThat(ledger.startedRefresh("r-1")).contains(refresh);
        assertThat(ledger.startedRefresh("r-2")).isEmpty();
        assertThat(ledger.isBad(newer.imageId())).isFalse();

        ledger.markBad(refresh, "EC2 Auto Scaling Instance Refresh Failed", now);

        assertThat(ledger.isBad(newer.imageId())).isTrue();
    }
}
