package io.driftdeploy.aws;

import java.time.Instant;
import java.util.UUID;

/**
 * One invocation's attempt at an event: the holder of every claim it makes, and its deadline,
 * until which those claims count as in progress. A Lambda function dies at its timeout without
 * running any cleanup, so after the deadline a claim still in progress belongs to a dead attempt
 * and the next attempt may take it over (the idempotency records of Powertools for AWS Lambda
 * expire the same way, from the context's remaining time).
 *
 * @param id       unique to this attempt: an SDK retry of its write meets its own claim
 * @param decision the decision token this attempt proposes; a takeover adopts the dead attempt's
 * @param deadline when the invocation ends at the latest
 */
public record Attempt(String id, String decision, Instant deadline) {

    public static Attempt until(Instant deadline) {
        return new Attempt(UUID.randomUUID().toString(), UUID.randomUUID().toString(), deadline);
    }
}
