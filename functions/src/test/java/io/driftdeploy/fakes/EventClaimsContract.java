package io.driftdeploy.fakes;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.EventClaims;
import io.driftdeploy.aws.EventClaims.EventClaim;
import io.driftdeploy.aws.EventClaims.EventKey;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What event claims do, run against the real ones on the emulator (EventClaimsIT) and the fake the
 * fast tests use (FakeEventClaimsTest): the same scenarios, so the fake cannot drift from the
 * conditional writes it stands in for.
 */
public abstract class EventClaimsContract {

    private static final Instant NOW = Instant.parse("2025-06-12T08:00:00Z");
    private static final Instant DEADLINE = NOW.plusSeconds(60);
    private static final EventClaim WON = new EventClaim(true, Optional.empty());
    private static final EventClaim DONE_ELSEWHERE = new EventClaim(false, Optional.empty());
    private static final EventKey IMAGES_ENFORCE = new EventKey("images", "e-1", "enforce");

    private EventClaims claims;

    /** Event claims with nothing in them, one per test. */
    protected abstract EventClaims emptyClaims();

    @BeforeEach
    void start() {
        claims = emptyClaims();
    }

    @Test
    void anEventIsClaimedOncePerFunctionAndScope() {
        Attempt attempt = Attempt.until(DEADLINE);
        assertThat(claims.claim(new EventKey("images", "e-1", "dry-run"), attempt, NOW)).isEqualTo(WON);
        assertThat(claims.claim(new EventKey("images", "e-1", "dry-run"), Attempt.until(DEADLINE), NOW).won()).isFalse();
        // A dry run of an event does not stop enforce from acting on it later.
        assertThat(claims.claim(IMAGES_ENFORCE, attempt, NOW)).isEqualTo(WON);
        assertThat(claims.claim(new EventKey("refreshes", "e-1", "enforce"), attempt, NOW)).isEqualTo(WON);
        assertThat(claims.claim(EventKey.once("alarms", "e-1"), attempt, NOW)).isEqualTo(WON);
    }

    @Test
    void aRefusedClaimSaysUntilWhenAnotherAttemptHoldsItAndNothingOnceItIsDone() {
        Attempt first = Attempt.until(DEADLINE);
        claims.claim(IMAGES_ENFORCE, first, NOW);

        assertThat(claims.claim(IMAGES_ENFORCE, Attempt.until(NOW.plusSeconds(90)), NOW))
                .isEqualTo(new EventClaim(false, Optional.of(DEADLINE)));

        claims.complete(IMAGES_ENFORCE, first);

        assertThat(claims.claim(IMAGES_ENFORCE, Attempt.until(NOW.plusSeconds(90)), NOW)).isEqualTo(DONE_ELSEWHERE);
    }

    /** An SDK retry of the claim's write meets its own claim: the holder wins it again, done or not. */
    @Test
    void anAttemptMeetsItsOwnClaimAgainEvenDone() {
        Attempt attempt = Attempt.until(DEADLINE);
        claims.claim(IMAGES_ENFORCE, attempt, NOW);

        assertThat(claims.claim(IMAGES_ENFORCE, attempt, NOW)).isEqualTo(WON);
        claims.complete(IMAGES_ENFORCE, attempt);
        assertThat(claims.claim(IMAGES_ENFORCE, attempt, NOW)).isEqualTo(WON);
    }

    /** The holder died: after its deadline (not at it) another attempt takes the claim, and the dead one can no longer end it. */
    @Test
    void aClaimStillInProgressAfterItsDeadlineIsTakenOverAndTheDeadHolderCanNeitherCompleteNorReleaseIt() {
        Attempt dead = Attempt.until(DEADLINE);
        claims.claim(IMAGES_ENFORCE, dead, NOW);

        assertThat(claims.claim(IMAGES_ENFORCE, Attempt.until(DEADLINE.plusSeconds(60)), DEADLINE).won()).isFalse();
        Attempt retry = Attempt.until(DEADLINE.plusSeconds(60));
        assertThat(claims.claim(IMAGES_ENFORCE, retry, DEADLINE.plusMillis(1))).isEqualTo(WON);

        claims.complete(IMAGES_ENFORCE, dead);
        claims.release(IMAGES_ENFORCE, dead);

        assertThat(claims.claim(IMAGES_ENFORCE, Attempt.until(DEADLINE.plusSeconds(90)), DEADLINE.plusSeconds(1)))
                .isEqualTo(new EventClaim(false, Optional.of(retry.deadline())));
    }

    @Test
    void anEventGivenBackIsClaimedByTheNextAttempt() {
        Attempt first = Attempt.until(DEADLINE);
        claims.claim(IMAGES_ENFORCE, first, NOW);

        claims.release(IMAGES_ENFORCE, first);

        assertThat(claims.claim(IMAGES_ENFORCE, Attempt.until(DEADLINE), NOW)).isEqualTo(WON);
    }

    /** Another attempt's release changes nothing: only the holder gives a claim back. */
    @Test
    void onlyTheHolderGivesAClaimBack() {
        Attempt holder = Attempt.until(DEADLINE);
        claims.claim(IMAGES_ENFORCE, holder, NOW);

        claims.release(IMAGES_ENFORCE, Attempt.until(DEADLINE));
        claims.complete(IMAGES_ENFORCE, Attempt.until(DEADLINE));

        assertThat(claims.claim(IMAGES_ENFORCE, Attempt.until(DEADLINE), NOW))
                .isEqualTo(new EventClaim(false, Optional.of(DEADLINE)));
    }
}
