package io.driftdeploy.policy;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The instance as EC2 and Auto Scaling describe it now.
 *
 * @param group the Auto Scaling group it belongs to; empty for a standalone instance, or one the
 *              group no longer lists (detached), since in both cases nothing would replace it
 */
public record InstanceFacts(String instanceId, InstanceState state, Map<String, String> tags, Optional<GroupFacts> group) {

    public InstanceFacts {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(state, "state");
        tags = Map.copyOf(tags);
        Objects.requireNonNull(group, "group");
    }
}
