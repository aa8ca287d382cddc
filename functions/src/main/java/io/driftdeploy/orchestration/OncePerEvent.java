package io.driftdeploy.orchestration;

import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.EventClaims.EventKey;
import io.driftdeploy.aws.EventClaims;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * How a function handles an event once: claim it, run, then complete the claim, or give it back
 * when the run failed or asks for a retry, so that Lambda's retry or a replay by hand acts on it.
 * A redelivery of an event already decided is a duplicate; one that another attempt still holds
 * fails ({@link EventInProgressException}), so that it comes back once that attempt has finished
 * or died. If this attempt dies, its claim lapses at its deadline. The drift function takes the
 * same steps on the same key with writes of its own in the claim's transactions
 * ({@link DriftRemediation}).
 */
final class OncePerEvent {

    /**
     * What a run decided.
     *
     * @param retry nothing was done that a retry would repeat, and a retry may succeed: the
     *     event is given back rather than completed
     */
    record Ran<T>(T result, boolean retry) {
    }

    private final EventClaims claims;
    private final Telemetry telemetry;
    private final Clock clock;

    OncePerEvent(EventClaims claims, Telemetry telemetry, Clock clock) {
        this.claims = claims;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /**
     * Runs {@code run} if this attempt, which ends by {@code deadline}, wins the event's claim;
     * otherwise answers {@code duplicate}.
     */
    <T> T handle(EventKey event, Instant deadline, Supplier<T> duplicate, Supplier<Ran<T>> run) {
        Attempt attempt = Attempt.until(deadline);
        EventClaims.EventClaim claim = claims.claim(event, attempt, clock.instant());
        if (!claim.won()) {
            EventInProgressException.throwIfHeld(event.function(), event.eventId(), claim.heldElsewhereUntil(), telemetry);
            return duplicate.get();
        }
        Ran<T> ran;
        try {
            ran = run.get();
        } catch (RuntimeException failed) {
            claims.release(event, attempt);
            throw failed;
        }
        if (ran.retry()) {
            claims.release(event, attempt);
        } else {
            claims.complete(event, attempt);
        }
        return ran.result();
    }
}
