package io.driftdeploy.policy;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The instance as EC2 and Auto Scaling describe it now.
 *
 * @param imageId    the AMI it was launched from
 * @param launchTime when EC2 launched it (to the second, as EC2 reports it)
 * @param group      the Auto Scaling group it belongs to; empty for a standalone instance, or one the
 *                   group no longer lists (detached), since in both cases nothing would replace it
 */
public record InstanceFacts(String instanceId, InstanceState state, Map<String, String> tags, Optional<String> imageId,
                            Optional<Instant> launchTime, Optional<GroupFacts> group) {

    public InstanceFacts {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(state, "state");
        tags = Map.copyOf(tags);
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(launchTime, "launchTime");
        Objects.requireNonNull(group, "group");
    }
}
