package io.driftdeploy.policy;

import java.util.Map;
import java.util.Objects;

/**
 * The Auto Scaling group of an instance, as described at decision time.
 *
 * @param healthyInService     how many of its instances are InService and Healthy now
 * @param memberLifecycleState the evaluated instance's lifecycle state in the group (InService,
 *                             Standby, Pending, Terminating, ...), as Auto Scaling names it
 * @param memberScaleInProtected whether the evaluated instance is protected from scale in
 */
public record GroupFacts(
        String name,
        Map<String, String> tags,
        int desiredCapacity,
        int healthyInService,
        String memberLifecycleState,
        boolean memberScaleInProtected) {

    public static final String IN_SERVICE = "InService";

    public GroupFacts {
        Objects.requireNonNull(name, "name");
        tags = Map.copyOf(tags);
        Objects.requireNonNull(memberLifecycleState, "memberLifecycleState");
    }
}
