package io.driftdeploy.aws;

import io.driftdeploy.policy.GroupState.Capacity;
import io.driftdeploy.policy.GroupState.LaunchSource;
import io.driftdeploy.policy.GroupState.TemplateVersion;
import io.driftdeploy.policy.ObservedRefresh;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Auto Scaling groups a golden image rolls out to, and the two calls that roll it out: a new
 * launch template version and an instance refresh to it ({@link AutoScalingRolloutFleet}).
 */
public interface RolloutFleet {

    /** Statuses of a refresh that has not ended: a new one cannot start on the group meanwhile. */
    Set<String> ACTIVE_REFRESH_STATUSES = Set.of("Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking");

    /**
     * An Auto Scaling group as the rollout rules need it.
     *
     * @param template for launch template groups: the template and version the group names, with
     *     the ImageId that version holds
     * @param capacity its desired capacity and healthy InService instances, as the same
     *     DescribeAutoScalingGroups answer lists them
     */
    record TargetGroup(String name, Map<String, String> tags, LaunchSource launchSource,
                       Optional<TemplateVersion> template, Optional<RefreshInFlight> activeRefresh, Capacity capacity) {
    }

    /** A refresh that has not ended, and the image its desired configuration rolls out, when known. */
    record RefreshInFlight(String refreshId, String status, Optional<String> targetImageId) {
    }

    /**
     * What StartInstanceRefresh is asked for: rolling replacement to one explicit template version,
     * skipping instances already on it, rolled back automatically on failure or a guard alarm.
     */
    record RefreshRequest(String group, String launchTemplateId, long version, int minHealthyPercent,
                          int instanceWarmupSeconds, List<String> guardAlarms) {
    }

    /** What became of a StartInstanceRefresh call. */
    sealed interface RefreshStart {

        /** AWS started the refresh (or, after {@link #refreshTo}, it was found to have started). */
        record Started(String refreshId) implements RefreshStart {
        }

        /**
         * AWS answered InstanceRefreshInProgress: another refresh runs on the group (the race with
         * a refresh started since the group was described is lost) — or, after a retry inside the
         * SDK, ours, which {@link #refreshTo} tells apart.
         */
        record Busy() implements RefreshStart {
        }

        /** AWS answered with an error (AccessDenied, ValidationError, Throttling ...): nothing started. */
        record Refused(String errorCode, String message) implements RefreshStart {
        }

        /**
         * No answer came (timeout, connection lost) or a server error: the refresh may have started.
         * Only {@link #refreshTo} can tell.
         */
        record Unknown(String problem) implements RefreshStart {
        }
    }

    /** The groups tagged {@code appTag=app}, each with its launch template version and the refresh running on it. */
    List<TargetGroup> targets(String appTag, String app);

    /**
     * A new version of the group's launch template, from {@code source} with only the ImageId
     * changed; returns its number. Asked again for the same source and image, it returns the
     * version the first call created instead of making a second one.
     */
    long createImageVersion(TemplateVersion source, String imageId);

    /** Starts the refresh. Never throws for what AWS does with the request: the answer, or the lack of one, is the result. */
    RefreshStart startRefresh(RefreshRequest refresh);

    /**
     * The refresh on the group whose desired configuration is this launch template version, if one
     * is running or started at or after {@code notBefore}: how a start whose answer was lost is
     * told from one that never happened.
     */
    Optional<String> refreshTo(String group, String launchTemplateId, long version, Instant notBefore);

    /**
     * The one refresh, by group and id: its status as Auto Scaling reports it, read at {@code now}.
     * Empty when AWS knows no such refresh on that group.
     */
    Optional<ObservedRefresh> refreshStatus(String group, String refreshId, Instant now);
}
