package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.RolloutLedger;
import io.driftdeploy.config.Mode;
import io.driftdeploy.policy.BadMark;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.ObservedRefresh;
import io.driftdeploy.policy.StartedRefresh;
import io.driftdeploy.testing.TestEnvironment;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollout's state in the ledger: newest pending wins, clearing never drops a newer one. */
class RolloutLedgerIT {

    private final TestEnvironment env = TestEnvironment.create();
    private final RolloutLedger ledger = new DynamoRolloutLedger(new Ledger(env.aws.dynamoDb(), env.tableName));
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
        Attempt attempt = Attempt.until(now.plusSeconds(60));
        assertThat(ledger.claimEvent("images", "e-1", Mode.DRY_RUN, attempt, now).won()).isTrue();
        assertThat(ledger.claimEvent("images", "e-1", Mode.DRY_RUN, Attempt.until(now.plusSeconds(60)), now).won()).isFalse();
        // A dry run of an event does not stop enforce from acting on it later.
        assertThat(ledger.claimEvent("images", "e-1", Mode.ENFORCE, attempt, now).won()).isTrue();
        assertThat(ledger.claimEvent("refreshes", "e-1", Mode.ENFORCE, attempt, now).won()).isTrue();
    }

    @Test
    void aStartedRefreshIsRememberedAndItsImageCanBeMarkedBad() {
        StartedRefresh refresh = new StartedRefresh("r-1", "blue", newer.imageId(), "shop", "lt-0123", 4);
        ledger.recordStartedRefresh(refresh, now);

        assertThat(ledger.startedRefresh("r-1")).contains(refresh);
        assertThat(ledger.startedRefresh("r-2")).isEmpty();
        assertThat(ledger.isBad(newer.imageId())).isFalse();

        ledger.markBad(refresh, EVIDENCE, "e-9", now);

        assertThat(ledger.isBad(newer.imageId())).isTrue();
    }

    @Test
    void aBadMarkKeepsItsEvidenceAndClearingItLetsTheImageRollOutOnItsGroupAgain() {
        StartedRefresh refresh = new StartedRefresh("r-1", "blue", newer.imageId(), "shop", "lt-0123", 4);
        assertThat(ledger.claimRollout("blue", newer.imageId(), "e-1", now)).isTrue();
        ledger.markBad(refresh, EVIDENCE, "e-9", now);

        assertThat(ledger.badMark(newer.imageId())).contains(new BadMark(newer.imageId(), "r-1", "blue", "RollbackSuccessful",
                EVIDENCE.statusReason(), Optional.of(EVIDENCE.readAt()), now.toString()));

        assertThat(ledger.clearBadMark(newer.imageId())).hasValueSatisfying(mark -> assertThat(mark.refreshId()).isEqualTo("r-1"));
        assertThat(ledger.isBad(newer.imageId())).isFalse();
        assertThat(ledger.claimRollout("blue", newer.imageId(), "e-2", now)).as("the rollout claim went with the mark").isTrue();
        assertThat(ledger.clearBadMark(newer.imageId())).as("nothing left to clear").isEmpty();
    }

    private static final ObservedRefresh EVIDENCE = new ObservedRefresh("r-1", "blue", "RollbackSuccessful",
            Optional.of("The instance refresh failed because new instances could not be launched"),
            Instant.parse("2025-06-12T07:59:58Z"));
}
