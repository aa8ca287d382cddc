package io.driftdeploy.aws;

import io.driftdeploy.policy.GroupFacts;
import io.driftdeploy.policy.InstanceFacts;
import io.driftdeploy.policy.InstanceState;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefreshStatus;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

/** The fleet as EC2 and Auto Scaling see it: what the drift rules judge, and the one action they take. */
public final class Fleet {

    /** Auto Scaling tags every instance it launches with its group's name; users cannot set aws: tags. */
    public static final String GROUP_NAME_TAG = "aws:autoscaling:groupName";

    private static final String INSTANCE_NOT_FOUND = "InvalidInstanceID.NotFound";
    private static final String HEALTHY = "Healthy";
    private static final Set<InstanceRefreshStatus> ACTIVE_REFRESH = EnumSet.of(
            InstanceRefreshStatus.PENDING, InstanceRefreshStatus.IN_PROGRESS, InstanceRefreshStatus.CANCELLING,
            InstanceRefreshStatus.ROLLBACK_IN_PROGRESS, InstanceRefreshStatus.BAKING);

    private final Ec2Client ec2;
    private final AutoScalingClient autoScaling;

    public Fleet(Ec2Client ec2, AutoScalingClient autoScaling) {
        this.ec2 = ec2;
        this.autoScaling = autoScaling;
    }

    /**
     * The instance with its group: DescribeInstances, then DescribeAutoScalingGroups when the
     * instance carries a group's name. Empty when EC2 no longer knows the instance. The group is
     * left out when it no longer lists the instance (detached): nothing would replace it.
     */
    @RequiresIam({"ec2:DescribeInstances", "autoscaling:DescribeAutoScalingGroups"})
    public Optional<InstanceFacts> describe(String instanceId) {
        Optional<Instance> found;
        try {
            found = ec2.describeInstances(request -> request.instanceIds(instanceId)).reservations().stream()
                    .flatMap(reservation -> reservation.instances().stream())
                    .filter(instance -> instance.instanceId().equals(instanceId))
                    .findFirst();
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null && INSTANCE_NOT_FOUND.equals(e.awsErrorDetails().errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
        return found.map(instance -> {
            Map<String, String> tags = instance.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
            Optional<GroupFacts> group = Optional.ofNullable(tags.get(GROUP_NAME_TAG))
                    .flatMap(groupName -> describeGroup(groupName, instanceId));
            return new InstanceFacts(instanceId, state(instance), tags, group);
        });
    }

    /** DescribeInstanceRefreshes: whether a refresh is under way (or rolling back) on the group. */
    @RequiresIam("autoscaling:DescribeInstanceRefreshes")
    public boolean refreshInProgress(String groupName) {
        return autoScaling.describeInstanceRefreshes(request -> request.autoScalingGroupName(groupName))
                .instanceRefreshes().stream()
                .anyMatch(refresh -> ACTIVE_REFRESH.contains(refresh.status()));
    }

    /**
     * TerminateInstanceInAutoScalingGroup without decrementing the desired capacity, so the group
     * launches a replacement from its launch template. Returns the scaling activity id.
     */
    @RequiresIam("autoscaling:TerminateInstanceInAutoScalingGroup")
    public String terminate(String instanceId) {
        return autoScaling.terminateInstanceInAutoScalingGroup(request -> request
                .instanceId(instanceId)
                .shouldDecrementDesiredCapacity(false)).activity().activityId();
    }

    private Optional<GroupFacts> describeGroup(String groupName, String instanceId) {
        List<AutoScalingGroup> groups = autoScaling.describeAutoScalingGroups(request -> request.autoScalingGroupNames(groupName))
                .autoScalingGroups();
        return groups.stream().findFirst().flatMap(group -> group.instances().stream()
                .filter(member -> member.instanceId().equals(instanceId))
                .findFirst()
                .map(member -> new GroupFacts(
                        group.autoScalingGroupName(),
                        group.tags().stream().collect(Collectors.toMap(TagDescription::key, TagDescription::value, (a, b) -> b)),
                        group.desiredCapacity(),
                        (int) group.instances().stream()
                                .filter(instance -> instance.lifecycleState() == LifecycleState.IN_SERVICE
                                        && HEALTHY.equalsIgnoreCase(instance.healthStatus()))
                                .count(),
                        member.lifecycleStateAsString(),
                        Boolean.TRUE.equals(member.protectedFromScaleIn()))));
    }

    private static InstanceState state(Instance instance) {
        return switch (instance.state().name()) {
            case PENDING -> InstanceState.PENDING;
            case RUNNING -> InstanceState.RUNNING;
            case STOPPING -> InstanceState.STOPPING;
            case STOPPED -> InstanceState.STOPPED;
            case SHUTTING_DOWN -> InstanceState.SHUTTING_DOWN;
            case TERMINATED -> InstanceState.TERMINATED;
            // A state this SDK does not know: not pending or running, so never acted on.
            case UNKNOWN_TO_SDK_VERSION -> InstanceState.STOPPED;
        };
    }
}
