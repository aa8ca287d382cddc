package io.driftdeploy.fakes;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.RolloutLedger;
import io.driftdeploy.policy.BadMark;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.ObservedRefresh;
import io.driftdeploy.policy.StartedRefresh;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a rollout ledger does, run against the real one on the emulator (RolloutLedgerIT) and the
 * fake the fast tests use (FakeRolloutLedgerTest): the same scenarios, so the fake cannot drift
 * from the conditional writes it stands in for.
 */
public abstract class RolloutLedgerContract {

    private static final Instant NOW = Instant.parse("2025-06-12T08:00:00Z");
    private static final ImageRef OLDER = new ImageRef("ami-0000000000000000a", Instant.parse("2025-06-12T07:00:00Z"));
    private static final ImageRef NEWER = new ImageRef("ami-0000000000000000b", Instant.parse("2025-06-12T07:30:00Z"));
    private static final ObservedRefresh EVIDENCE = new ObservedRefresh("r-1", "blue", "RollbackSuccessful",
            Optional.of("The instance refresh failed because new instances could not be launched"),
            Instant.parse("2025-06-12T07:59:58Z"));

    private RolloutLedger ledger;

    /** A ledger with nothing in it, one per test. */
    protected abstract RolloutLedger emptyLedger();

    @BeforeEach
    void start() {
        ledger = emptyLedger();
    }

    // --- rollout claims ------------------------------------------------------------------------

    @Test
    void aRolloutIsClaimedByOneEventAndItsRetriesUntilItIsGivenBack() {
        assertThat(ledger.claimRollout("blue", NEWER.imageId(), "e-1", NOW)).isTrue();
        assertThat(ledger.claimRollout("blue", NEWER.imageId(), "e-2", NOW)).isFalse();
        assertThat(ledger.claimRollout("blue", NEWER.imageId(), "e-1", NOW)).as("the event's retry").isTrue();
        assertThat(ledger.claimRollout("green", NEWER.imageId(), "e-2", NOW)).as("another group").isTrue();
        assertThat(ledger.claimRollout("blue", OLDER.imageId(), "e-2", NOW)).as("another image").isTrue();

        ledger.releaseRollout("blue", NEWER.imageId(), "e-2");
        assertThat(ledger.claimRollout("blue", NEWER.imageId(), "e-3", NOW)).as("only its holder gives it back").isFalse();

        ledger.releaseRollout("blue", NEWER.imageId(), "e-1");
        assertThat(ledger.claimRollout("blue", NEWER.imageId(), "e-3", NOW)).isTrue();
    }

    @Test
    void aRolloutClaimOfAnAttemptThatDiedLapsesAfterFifteenMinutes() {
        ledger.claimRollout("blue", NEWER.imageId(), "e-1", NOW);
        Instant lapse = NOW.plus(RolloutLedger.ROLLOUT_IN_PROGRESS);

        assertThat(ledger.claimRollout("blue", NEWER.imageId(), "e-2", lapse)).isFalse();
        assertThat(ledger.claimRollout("blue", NEWER.imageId(), "e-2", lapse.plusMillis(1))).isTrue();
    }

    /** Only the ordering rule keeps the event that started a refresh from starting it again: its claim lets it in. */
    @Test
    void aStartedRolloutRefusesEveryOtherEventForGoodButNotTheEventThatStartedIt() {
        ledger.claimRollout("blue", NEWER.imageId(), "e-1", NOW);

        ledger.completeRollout("blue", NEWER.imageId(), "e-1");
        ledger.completeRollout("blue", NEWER.imageId(), "e-2");

        assertThat(ledger.claimRollout("blue", NEWER.imageId(), "e-2", NOW.plus(Duration.ofDays(1)))).isFalse();
        assertThat(ledger.claimRollout("blue", NEWER.imageId(), "e-1", NOW.plus(Duration.ofDays(1)))).isTrue();
    }

    // --- pending images --------------------------------------------------------------------------

    @Test
    void theNewestPendingImageWinsWhateverTheOrderTheyArrive() {
        assertThat(ledger.storePending("blue", NEWER, "e-2", NOW)).isTrue();
        assertThat(ledger.storePending("blue", OLDER, "e-1", NOW)).isFalse();
        assertThat(ledger.storePending("blue", NEWER, "e-3", NOW)).as("not newer than itself").isFalse();

        assertThat(ledger.pending("blue")).contains(NEWER);
        assertThat(ledger.pending("green")).isEmpty();
    }

    /** The ledger keeps an image's creation time to the millisecond: a later instant within it is not newer. */
    @Test
    void pendingImagesAreOrderedToTheMillisecond() {
        ImageRef created = new ImageRef("ami-0000000000000000c", NEWER.created().plusNanos(400_000));
        ImageRef withinTheSameMillisecond = new ImageRef("ami-0000000000000000d", NEWER.created().plusNanos(900_000));

        assertThat(ledger.storePending("blue", created, "e-1", NOW)).isTrue();
        assertThat(ledger.storePending("blue", withinTheSameMillisecond, "e-2", NOW)).isFalse();

        assertThat(ledger.pending("blue")).contains(new ImageRef(created.imageId(), NEWER.created()));
    }

    @Test
    void clearingAPendingImageKeepsANewerOneWrittenMeanwhile() {
        ledger.storePending("blue", OLDER, "e-1", NOW);
        ledger.storePending("blue", NEWER, "e-2", NOW);

        ledger.clearPending("blue", OLDER.imageId());
        assertThat(ledger.pending("blue")).contains(NEWER);

        ledger.clearPending("blue", NEWER.imageId());
        assertThat(ledger.pending("blue")).isEmpty();
        assertThat(ledger.storePending("blue", OLDER, "e-3", NOW)).as("cleared, any image may wait again").isTrue();
    }

    // --- started refreshes and bad marks -------------------------------------------------------

    @Test
    void aStartedRefreshIsRememberedAndItsImageCanBeMarkedBadWithTheEvidence() {
        StartedRefresh refresh = new StartedRefresh("r-1", "blue", NEWER.imageId(), "shop", "lt-0123", 4);
        ledger.recordStartedRefresh(refresh, NOW);

        assertThat(ledger.startedRefresh("r-1")).contains(refresh);
        assertThat(ledger.startedRefresh("r-2")).isEmpty();
        assertThat(ledger.isBad(NEWER.imageId())).isFalse();

        ledger.markBad(refresh, EVIDENCE, "e-9", NOW);

        assertThat(ledger.isBad(NEWER.imageId())).isTrue();
        assertThat(ledger.isBad(OLDER.imageId())).isFalse();
        assertThat(ledger.badMark(NEWER.imageId())).contains(new BadMark(NEWER.imageId(), "r-1", "blue", "RollbackSuccessful",
                EVIDENCE.statusReason(), Optional.of(EVIDENCE.readAt()), NOW.toString()));
    }

    @Test
    void aBadMarkWithoutAStatusReasonHasNone() {
        StartedRefresh refresh = new StartedRefresh("r-1", "blue", NEWER.imageId(), "shop", "lt-0123", 4);
        ObservedRefresh failed = new ObservedRefresh("r-1", "blue", "Failed", Optional.empty(), EVIDENCE.readAt());

        ledger.markBad(refresh, failed, "e-9", NOW);

        assertThat(ledger.badMark(NEWER.imageId())).hasValueSatisfying(mark -> {
            assertThat(mark.status()).isEqualTo("Failed");
            assertThat(mark.statusReason()).isEmpty();
        });
    }

    @Test
    void clearingABadMarkLetsTheImageRollOutAgainOnTheMarksGroupOnly() {
        StartedRefresh refresh = new StartedRefresh("r-1", "blue", NEWER.imageId(), "shop", "lt-0123", 4);
        ledger.claimRollout("blue", NEWER.imageId(), "e-1", NOW);
        ledger.completeRollout("blue", NEWER.imageId(), "e-1");
        ledger.claimRollout("green", NEWER.imageId(), "e-1", NOW);
        ledger.completeRollout("green", NEWER.imageId(), "e-1");
        ledger.markBad(refresh, EVIDENCE, "e-9", NOW);

        assertThat(ledger.clearBadMark(NEWER.imageId())).hasValueSatisfying(mark -> assertThat(mark.refreshId()).isEqualTo("r-1"));

        assertThat(ledger.isBad(NEWER.imageId())).isFalse();
        assertThat(ledger.claimRollout("blue", NEWER.imageId(), "e-2", NOW)).as("the rollout claim went with the mark").isTrue();
        assertThat(ledger.claimRollout("green", NEWER.imageId(), "e-2", NOW)).as("another group's stays").isFalse();
        assertThat(ledger.clearBadMark(NEWER.imageId())).as("nothing left to clear").isEmpty();
    }
}
