package io.driftdeploy.fakes;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The rule every claim in the ledger follows ({@code Ledger.claim}), for the fake ledgers: a claim
 * is taken when it is free, when its holder claims it again (in progress or done), or when it is
 * still in progress past its holder's deadline, compared in milliseconds as the ledger stores it;
 * only its holder completes it or gives it back. An instance keeps claims by key.
 */
final class Claims<K> {

    /** A claim as the ledger keeps it: its holder, and until when it is in progress (empty once done). */
    record Claim(String holder, Optional<Instant> heldUntil) {
    }

    private final Map<K, Claim> claims = new HashMap<>();

    /** Claims the key for {@code holder}, in progress until {@code heldUntil}; the claim that refused it, if one did. */
    Optional<Claim> claim(K key, String holder, Instant heldUntil, Instant now) {
        Claim found = claims.get(key);
        if (found != null && !takeable(found.holder(), found.heldUntil(), holder, now)) {
            return Optional.of(found);
        }
        claims.put(key, new Claim(holder, Optional.of(heldUntil)));
        return Optional.empty();
    }

    void complete(K key, String holder) {
        claims.computeIfPresent(key, (k, claim) -> claim.holder().equals(holder) ? new Claim(holder, Optional.empty()) : claim);
    }

    void release(K key, String holder) {
        claims.computeIfPresent(key, (k, claim) -> claim.holder().equals(holder) ? null : claim);
    }

    /** Forgets the claim whoever holds it: a person's decision, never an attempt's. */
    void forget(K key) {
        claims.remove(key);
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
