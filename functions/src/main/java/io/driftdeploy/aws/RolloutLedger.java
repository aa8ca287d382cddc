package io.driftdeploy.aws;

import io.driftdeploy.policy.BadMark;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.ObservedRefresh;
import io.driftdeploy.policy.StartedRefresh;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The rollout's state ({@link DynamoRolloutLedger}): which (image, group) rollouts are claimed,
 * the image each group has pending, the refreshes drift-deploy started and the images marked bad. Every write that guards an action is conditional and safe to repeat, as
 * in {@link Ledger}: a claim is held by one holder until it is completed, given back, or its
 * holder's deadline passes while it is still in progress (the holder died).
 */
public interface RolloutLedger {

    /**
     * How long a rollout claim stays in progress when its attempt dies before the refresh starts:
     * Lambda's longest timeout, 900 seconds, so no live attempt loses it.
     */
    Duration ROLLOUT_IN_PROGRESS = Duration.ofSeconds(900);

    /**
     * True for the first event that starts rolling this image out to this group, and for that
     * event's own retries: the claim's holder is the event, so a retry after a lost reply or a
     * dead attempt meets its own claim, while another event is refused until the claim is
     * released, or for {@link #ROLLOUT_IN_PROGRESS} after an attempt died holding it.
     */
    boolean claimRollout(String group, String imageId, String eventId, Instant now);

    /** The refresh started: the rollout is done, and no other event starts it again. */
    void completeRollout(String group, String imageId, String eventId);

    /** Gives the (image, group) rollout back, when it did not start after all; only the holding event can. */
    void releaseRollout(String group, String imageId, String eventId);

    /** Lets the image wait for the group's refresh, unless an image at least as new already waits. */
    boolean storePending(String group, ImageRef image, String eventId, Instant now);

    Optional<ImageRef> pending(String group);

    /** Clears the pending image, unless a newer one replaced it meanwhile. */
    void clearPending(String group, String imageId);

    void recordStartedRefresh(StartedRefresh refresh, Instant now);

    Optional<StartedRefresh> startedRefresh(String refreshId);

    /**
     * Marks the image of the refresh bad, with the evidence: the refresh as Auto Scaling reported
     * it (status, status reason, when it was read) and the event that led there.
     */
    void markBad(StartedRefresh refresh, ObservedRefresh evidence, String eventId, Instant now);

    default boolean isBad(String imageId) {
        return badMark(imageId).isPresent();
    }

    Optional<BadMark> badMark(String imageId);

    /**
     * A person clears the mark: it is deleted only while it is still the mark read (a mark made
     * again meanwhile stays), and then the rollout claim of the image on the mark's group, so that
     * the image may roll out there again. Returns the mark cleared; empty when none was there.
     */
    Optional<BadMark> clearBadMark(String imageId);
}
