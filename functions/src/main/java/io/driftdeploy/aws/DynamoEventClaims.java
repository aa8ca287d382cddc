package io.driftdeploy.aws;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The event claims in the ledger table, one item each (see {@link Ledger#claim}). */
public final class DynamoEventClaims implements EventClaims {

    private final Ledger ledger;

    public DynamoEventClaims(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public EventClaim claim(EventKey event, Attempt attempt, Instant now) {
        Ledger.Claim claim = ledger.claim(event.partitionKey(), event.scope(), attempt.id(), attempt.decision(), now,
                attempt.deadline(), now.plus(RETENTION),
                Map.of("eventId", Ledger.text(event.eventId()), "claimedAt", Ledger.text(now.toString())));
        return new EventClaim(claim.won(), claim.won() ? Optional.empty() : claim.heldUntil());
    }

    @Override
    public void complete(EventKey event, Attempt attempt) {
        ledger.complete(event.partitionKey(), event.scope(), attempt.id(), Map.of(), List.of());
    }

    @Override
    public void release(EventKey event, Attempt attempt) {
        ledger.release(event.partitionKey(), event.scope(), attempt.id());
    }
}
