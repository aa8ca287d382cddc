package io.driftdeploy.fakes;

import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.RolloutLedger;
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
 * ({@link Ledger}): a rollout's claim follows the rule of every claim ({@link Claims}). A pending image is replaced only by a strictly newer one, to the
 * millisecond the ledger stores. RolloutLedgerContract runs the same scenarios against both.
 */
public final class FakeRolloutLedger implements RolloutLedger {

    private final Claims<List<String>> claims = new Claims<>();
    private final Map<String, ImageRef> pending = new HashMap<>();
    private final Map<String, StartedRefresh> started = new HashMap<>();
    private final Map<String, BadMark> badMarks = new HashMap<>();

    @Override
    public boolean claimRollout(String group, String imageId, String eventId, Instant now) {
        return claims.claim(rolloutKey(group, imageId), eventId, now.plus(ROLLOUT_IN_PROGRESS), now).isEmpty();
    }

    @Override
    public void completeRollout(String group, String imageId, String eventId) {
        claims.complete(rolloutKey(group, imageId), eventId);
    }

    @Override
    public void releaseRollout(String group, String imageId, String eventId) {
        claims.release(rolloutKey(group, imageId), eventId);
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
        cleared.ifPresent(mark -> claims.forget(rolloutKey(mark.group(), imageId)));
        return cleared;
    }

    private static List<String> rolloutKey(String group, String imageId) {
        return List.of("ROLLOUT", group, imageId);
    }
}
