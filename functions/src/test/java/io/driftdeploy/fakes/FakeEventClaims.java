package io.driftdeploy.fakes;

import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.DynamoEventClaims;
import io.driftdeploy.aws.EventClaims;
import java.time.Instant;
import java.util.Optional;

/**
 * The event claims in memory, under the rule of every claim ({@link Claims}) that
 * {@link DynamoEventClaims} writes under; EventClaimsContract runs the same scenarios against both.
 */
public final class FakeEventClaims implements EventClaims {

    private final Claims<EventKey> claims = new Claims<>();

    @Override
    public EventClaim claim(EventKey event, Attempt attempt, Instant now) {
        Optional<Claims.Claim> refusedBy = claims.claim(event, attempt.id(), attempt.deadline(), now);
        return new EventClaim(refusedBy.isEmpty(), refusedBy.flatMap(Claims.Claim::heldUntil));
    }

    @Override
    public void complete(EventKey event, Attempt attempt) {
        claims.complete(event, attempt.id());
    }

    @Override
    public void release(EventKey event, Attempt attempt) {
        claims.release(event, attempt.id());
    }
}
