package io.driftdeploy.policy;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One Auto Scaling group that carries an image's application tag, as AWS and the ledger describe
 * it when the rollout is decided.
 *
 * @param launchSource what the group launches from
 * @param template the group's launch template and version as the group names them, for
 *     {@link LaunchSource#LAUNCH_TEMPLATE} groups
 * @param running the image the group's template version launches, when EC2 still describes it
 *     (a deregistered AMI has no creation time any more)
 * @param activeRefresh the instance refresh running on the group, if any
 * @param pending the image waiting for that refresh to end, if any
 * @param capacity its desired capacity and how many of its instances serve now, which the
 *     disruption budgets and the refresh's minimum healthy percentage are measured against
 */
public record GroupState(
        String name,
        Map<String, String> tags,
        LaunchSource launchSource,
        Optional<TemplateVersion> template,
        Optional<ImageRef> running,
        Optional<ActiveRefresh> activeRefresh,
        Optional<ImageRef> pending,
        Capacity capacity) {

    public GroupState {
        Objects.requireNonNull(name, "name");
        tags = Map.copyOf(tags);
        Objects.requireNonNull(launchSource, "launchSource");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(running, "running");
        Objects.requireNonNull(activeRefresh, "activeRefresh");
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(capacity, "capacity");
    }

    /** The group's desired capacity, and how many of its instances are InService and Healthy. */
    public record Capacity(int desired, int healthyInService) {
    }

    public enum LaunchSource { LAUNCH_TEMPLATE, MIXED_INSTANCES_POLICY, LAUNCH_CONFIGURATION }

    /**
     * A launch template version as an Auto Scaling group refers to it.
     *
     * @param version a version number, or {@code $Latest} / {@code $Default}
     * @param imageId the ImageId that version holds as written: an AMI id, an SSM parameter alias
     *     ({@code resolve:ssm:...}), or empty when the template leaves the image to the launch request
     * @param templateTags the tags of the launch template itself (not of the version)
     */
    public record TemplateVersion(String launchTemplateId, String version, Optional<String> imageId,
                                  Map<String, String> templateTags) {

        public static final String SSM_ALIAS_PREFIX = "resolve:ssm:";

        public TemplateVersion {
            Objects.requireNonNull(launchTemplateId, "launchTemplateId");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(imageId, "imageId");
            templateTags = Map.copyOf(templateTags);
        }

        /** A numbered version; {@code $Latest} and {@code $Default} move under the group's feet. */
        public boolean pinned() {
            return version.chars().allMatch(Character::isDigit) && !version.isEmpty();
        }

        public boolean usesSsmAlias() {
            return imageId.map(id -> id.startsWith(SSM_ALIAS_PREFIX)).orElse(false);
        }
    }

    /**
     * An instance refresh that has not ended yet.
     *
     * @param target the image its desired configuration rolls out, when known
     */
    public record ActiveRefresh(String refreshId, String status, Optional<ImageRef> target) {
        public ActiveRefresh {
            Objects.requireNonNull(refreshId, "refreshId");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(target, "target");
        }
    }
}
