package io.driftdeploy.policy;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Auto Scaling group of an instance, as described at decision time.
 *
 * @param healthyInService     how many of its instances are InService and Healthy now
 * @param memberLifecycleState the evaluated instance's lifecycle state in the group (InService,
 *                             Standby, Pending, Terminating, ...), as Auto Scaling names it
 * @param memberScaleInProtected whether the evaluated instance is protected from scale in
 * @param launchTemplate       the launch template and version the group launches replacements
 *                             from, as the group names them; empty for a launch configuration, or
 *                             a mixed instances policy whose overrides name other templates
 * @param members              the ids of every instance the group lists now
 * @param maxSize              the group's maximum size
 * @param maintenancePolicy    the group's instance maintenance policy, if it has one
 * @param markedUnhealthy      the ids of the instances the group lists as Unhealthy and not yet
 *                             Terminating: the group is replacing them (a surge waiting for its
 *                             replacement is one of them)
 */
public record GroupFacts(
        String name,
        Map<String, String> tags,
        int desiredCapacity,
        int healthyInService,
        String memberLifecycleState,
        boolean memberScaleInProtected,
        Optional<LaunchTemplateRef> launchTemplate,
        Set<String> members,
        int maxSize,
        Optional<MaintenancePolicy> maintenancePolicy,
        Set<String> markedUnhealthy) {

    public static final String IN_SERVICE = "InService";

    public GroupFacts {
        Objects.requireNonNull(name, "name");
        tags = Map.copyOf(tags);
        Objects.requireNonNull(memberLifecycleState, "memberLifecycleState");
        Objects.requireNonNull(launchTemplate, "launchTemplate");
        members = Set.copyOf(members);
        Objects.requireNonNull(maintenancePolicy, "maintenancePolicy");
        markedUnhealthy = Set.copyOf(markedUnhealthy);
    }

    /**
     * An Auto Scaling instance maintenance policy: the share of the desired capacity kept healthy
     * InService, and the share that may be InService or Pending, while instances are replaced
     * (InstanceMaintenancePolicy, Amazon EC2 Auto Scaling API Reference).
     */
    public record MaintenancePolicy(int minHealthyPercentage, int maxHealthyPercentage) {
    }

    /** A launch template as a group names it: the version may be a number, {@code $Latest} or {@code $Default}. */
    public record LaunchTemplateRef(String launchTemplateId, String version) {
        public LaunchTemplateRef {
            Objects.requireNonNull(launchTemplateId, "launchTemplateId");
            Objects.requireNonNull(version, "version");
        }
    }
}
