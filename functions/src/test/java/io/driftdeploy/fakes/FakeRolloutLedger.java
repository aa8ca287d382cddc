package io.driftdeploy.fakes;

import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.RolloutLedger;
import io.driftdeploy.config.Mode;
import io.driftdeploy.policy.BadMark;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.ObservedRefresh;
import io.driftdeploy.policy.StartedRefresh;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rollout ledger in memory, with the conditions {@link DynamoRolloutLedger} writes under
 * ({@link Ledger}): a claim is won when it is free, when its holder claims it again (whether in
 * progress or done), or when it is still in progress past its holder's deadline; only the holder
 * completes or gives it back. A pending image is replaced only by a strictly newer one, to the
 * millisecond the ledger stores. RolloutLedgerContract runs the same scenarios against both.
 */
public final class FakeRolloutLedger implements RolloutLedger {

    /** A claim as the ledger keeps it: its holder, and until when it is in progress (empty once done). */
    private record Claim(String holder, Optional<Instant> heldUntil) {

        boolean takeableBy(String claimant, Instant now) {
            return Claims.takeable(holder, heldUntil, claimant, now);
        }
    }

    private final Map<List<String>, Claim> claims = new HashMap<>();
    private final Map<String, ImageRef> pending = new HashMap<>();
    private final Map<String, StartedRefresh> started = new HashMap<>();
    private final Map<String, BadMark> badMarks = new HashMap<>();

    @Override
    public EventClaim claimEvent(String function, String eventId, Mode mode, Attempt attempt, Instant now) {
        Optional<Claim> refusedBy = claim(eventKey(function, eventId, mode), attempt.id(), attempt.deadline(), now);
        return new EventClaim(refusedBy.isEmpty(), refusedBy.flatMap(Claim::heldUntil));
    }

    @Override
    public void completeEvent(String function, String eventId, Mode mode, Attempt attempt) {
        complete(eventKey(function, eventId, mode), attempt.id());
    }

    @Override
    public void releaseEvent(String function, String eventId, Mode mode, Attempt attempt) {
        release(eventKey(function, eventId, mode), attempt.id());
    }

    @Override
    public boolean claimRollout(String group, String imageId, String eventId, Instant now) {
        return claim(rolloutKey(group, imageId), eventId, now.plus(ROLLOUT_IN_PROGRESS), now).isEmpty();
    }

    @Override
    public void completeRollout(String group, String imageId, String eventId) {
        complete(rolloutKey(group, imageId), eventId);
    }

    @Override
    public void releaseRollout(String group, String imageId, String eventId) {
        release(rolloutKey(group, imageId), eventId);
    }

    @Override
    public boolean storePending(String group, ImageRef image, String eventId, Instant now) {
        ImageRef stored = new ImageRef(image.imageId(), Instant.ofEpochMilli(image.created().toEpochMilli()));
        ImageRef waiting = pending.get(group);
        if (waiting != null && !waiting.created().isBefore(stored.created())) {
            return false;
        }
        pending.put(group, stored);
        return true;
    }

    @Override
    public Optional<ImageRef> pending(String group) {
        return Optional.ofNullable(pending.get(group));
    }

    @Override
    public void clearPending(String group, String imageId) {
        pending.computeIfPresent(group, (key, waiting) -> waiting.imageId().equals(imageId) ? null : waiting);
    }

    @Override
    public void recordStartedRefresh(StartedRefresh refresh, Instant now) {
        started.put(refresh.refreshId(), refresh);
    }

    @Override
    public Optional<StartedRefresh> startedRefresh(String refreshId) {
        return Optional.ofNullable(started.get(refreshId));
    }

    @Override
    public void markBad(StartedRefresh refresh, ObservedRefresh evidence, String eventId, Instant now) {
        badMarks.put(refresh.imageId(), new BadMark(refresh.imageId(), refresh.refreshId(), refresh.group(), evidence.status(),
                evidence.statusReason(), Optional.of(evidence.readAt()), now.toString()));
    }

    @Override
    public Optional<BadMark> badMark(String imageId) {
        return Optional.ofNullable(badMarks.get(imageId));
    }

    @Override
    public Optional<BadMark> clearBadMark(String imageId) {
        Optional<BadMark> cleared = Optional.ofNullable(badMarks.remove(imageId));
        cleared.ifPresent(mark -> claims.remove(rolloutKey(mark.group(), imageId)));
        return cleared;
    }

    /** Claims the key for {@code holder}; the claim that refused it, if one did. */
    private Optional<Claim> claim(List<String> key, String holder, Instant heldUntil, Instant now) {
        Claim found = claims.get(key);
        if (found != null && !found.takeableBy(holder, now)) {
            return Optional.of(found);
        }
        claims.put(key, new Claim(holder, Optional.of(heldUntil)));
        return Optional.empty();
    }

    private void complete(List<String> key, String holder) {
        claims.computeIfPresent(key, (k, claim) -> claim.holder().equals(holder) ? new Claim(holder, Optional.empty()) : claim);
    }

    private void release(List<String> key, String holder) {
        claims.computeIfPresent(key, (k, claim) -> claim.holder().equals(holder) ? null : claim);
    }

    private static List<String> eventKey(String function, String eventId, Mode mode) {
        return List.of("EVENT", eventId, function, mode.label());
    }

    private static List<String> rolloutKey(String group, String imageId) {
        return List.of("ROLLOUT", group, imageId);
    }
}
