package io.driftdeploy.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Which events each function has handled: one claim per event, function and scope, taken before
 * anything is decided and held by one attempt at a time (the rule of {@link Ledger#claim}). Every
 * function keys its events the same way, {@code EVENT#<function>#<event id>} / {@code <scope>}
 * ({@link DynamoEventClaims}); the drift function claims its events in a transaction of its own
 * ({@link DriftLedger#claimEvent}) on the same key.
 */
public interface EventClaims {

    /**
     * EventBridge retries a delivery for up to 24 hours and Lambda's asynchronous retries last up
     * to 6 ("Event retry policy and using dead-letter queues", Amazon EventBridge User Guide; "How Lambda handles errors and retries
     * with asynchronous invocation", AWS Lambda Developer Guide): a week covers both, and a replay
     * by hand soon after.
     */
    Duration RETENTION = Duration.ofDays(7);

    /** The scope of a function that handles an event once whatever its mode. */
    String ONCE = "claim";

    /**
     * One event as one function handles it.
     *
     * @param scope what the claim covers within the function: {@link #ONCE}, or the mode for the
     *     rollout functions, so that a dry run of an event does not keep enforce from acting on it
     */
    record EventKey(String function, String eventId, String scope) {

        /** The event, handled once by the function whatever its mode. */
        public static EventKey once(String function, String eventId) {
            return new EventKey(function, eventId, ONCE);
        }

        public String partitionKey() {
            return "EVENT#" + function + "#" + eventId;
        }
    }

    /**
     * What claiming an event found.
     *
     * @param won the attempt holds the event now
     * @param heldElsewhereUntil when refused while another attempt holds the event in progress:
     *     that attempt's deadline; empty when won, and when the event was decided already
     */
    record EventClaim(boolean won, Optional<Instant> heldElsewhereUntil) {
    }

    /**
     * Won when the attempt holds the event: the first delivery, an SDK retry meeting its own
     * claim, or a retry after an attempt that died in progress; refused for a redelivery of an
     * event decided or being decided.
     */
    EventClaim claim(EventKey event, Attempt attempt, Instant now);

    /** The event is decided: later deliveries are duplicates. Does nothing unless the attempt still holds it. */
    void complete(EventKey event, Attempt attempt);

    /** Gives the event back, when handling it failed before it was done, so that a retry can act; only the holder can. */
    void release(EventKey event, Attempt attempt);
}
