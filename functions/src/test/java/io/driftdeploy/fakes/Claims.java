package io.driftdeploy.fakes;

import java.time.Instant;
import java.util.Optional;

/**
 * The rule every claim in the ledger follows ({@code Ledger.claim}), for the fake ledgers: a claim
 * is taken when it is free, when its holder claims it again, or when it is still in progress past
 * its holder's deadline, compared in milliseconds as the ledger stores it.
 */
final class Claims {

    private Claims() {
    }

    /** The holder died: still in progress at its deadline. */
    static boolean lapsed(Optional<Instant> heldUntil, Instant now) {
        return heldUntil.filter(until -> until.toEpochMilli() < now.toEpochMilli()).isPresent();
    }

    /** Whether {@code holder} may take a claim found held by {@code foundHolder} until {@code heldUntil}. */
    static boolean takeable(String foundHolder, Optional<Instant> heldUntil, String holder, Instant now) {
        return foundHolder.equals(holder) || lapsed(heldUntil, now);
    }
}
