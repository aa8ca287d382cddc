package io.driftdeploy.orchestration;

import io.driftdeploy.aws.Ledger;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Another attempt holds the event and may still be deciding it. The delivery fails so that Lambda
 * delivers it again later (a minute, then two: "How Lambda handles errors and retries with
 * asynchronous invocation", AWS Lambda Developer Guide): by then the other attempt has finished,
 * and the event is a duplicate, or has died, and its claim has lapsed for this one to take over.
 * Returning normally instead would lose the event whenever the holder dies, since Lambda does
 * not retry a delivery that succeeded.
 */
public final class EventInProgressException extends RuntimeException {

    private EventInProgressException(String function, String eventId, Instant heldUntil) {
        super(function + " event " + eventId + " is being handled by another invocation until " + heldUntil
                + " at the latest; delivered again later, it is decided then");
    }

    /** Throws when the claim the delivery was refused is still in progress, not done. */
    static void throwIfHeld(String function, String eventId, Ledger.Claim claim, Telemetry telemetry) {
        throwIfHeld(function, eventId, claim.heldUntil(), telemetry);
    }

    /** Throws when another attempt holds the event in progress, until {@code heldUntil}. */
    static void throwIfHeld(String function, String eventId, Optional<Instant> heldUntil, Telemetry telemetry) {
        if (heldUntil.isPresent()) {
            telemetry.count(Map.of("EventsInProgressElsewhere", 1), Map.of());
            throw new EventInProgressException(function, eventId, heldUntil.get());
        }
    }
}
