package io.driftdeploy.aws;

import io.driftdeploy.policy.QuarantinePolicy;
import io.driftdeploy.policy.QuarantinePolicy.NetworkInterface;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Quarantine on EC2 and Auto Scaling. Isolation is per network interface
 * (ModifyNetworkInterfaceAttribute), not ModifyInstanceAttribute, because the instance attribute
 * changes only the primary interface's groups and is refused for an instance with several
 * interfaces; every interface is isolated.
 */
public final class Ec2Quarantine implements Quarantine {

    private static final String INSTANCE_NOT_FOUND = "InvalidInstanceID.NotFound";
    /** Instances the sweep considers: not shutting-down or terminated, whose end is already under way. */
    private static final List<String> LIVE_STATES = List.of("pending", "running", "stopping", "stopped");

    private final Ec2Client ec2;
    private final AutoScalingClient autoScaling;

    public Ec2Quarantine(Ec2Client ec2, AutoScalingClient autoScaling) {
        this.ec2 = ec2;
        this.autoScaling = autoScaling;
    }

    @RequiresIam("ec2:DescribeInstances")
    @Override
    public List<NetworkInterface> interfaces(String instanceId) {
        try {
            return ec2.describeInstances(request -> request.instanceIds(instanceId)).reservations().stream()
                    .flatMap(reservation -> reservation.instances().stream())
                    .filter(instance -> instance.instanceId().equals(instanceId))
                    .flatMap(instance -> instance.networkInterfaces().stream())
                    .map(Ec2Quarantine::networkInterface)
                    .toList();
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null && INSTANCE_NOT_FOUND.equals(e.awsErrorDetails().errorCode())) {
                return List.of();
            }
            throw e;
        }
    }

    @RequiresIam("ec2:CreateTags")
    @Override
    public void tag(String instanceId, Map<String, String> tags) {
        ec2.createTags(request -> request.resources(instanceId).tags(tags(tags)));
    }

    @RequiresIam("ec2:ModifyNetworkInterfaceAttribute")
    @Override
    public void isolate(String networkInterfaceId, String securityGroupId) {
        ec2.modifyNetworkInterfaceAttribute(request -> request.networkInterfaceId(networkInterfaceId).groups(securityGroupId));
    }

    @RequiresIam("ec2:DescribeSnapshots")
    @Override
    public List<String> snapshots(String auditId) {
        return ec2.describeSnapshots(request -> request
                        .ownerIds("self")
                        .filters(Filter.builder().name("tag:" + QuarantinePolicy.MARKER_TAG).values(auditId).build()))
                .snapshots().stream().map(Snapshot::snapshotId).sorted().toList();
    }

    /**
     * CreateSnapshots of every attached volume, tagged on creation: tagging on create is
     * authorised as ec2:CreateTags with ec2:CreateAction CreateSnapshots ("Grant permission to tag
     * resources during creation", Amazon EC2 User Guide,
     * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html).
     */
    @RequiresIam({"ec2:CreateSnapshots", "ec2:CreateTags"})
    @Override
    public List<String> snapshot(String instanceId, Map<String, String> tags) {
        return ec2.createSnapshots(request -> request
                        .instanceSpecification(spec -> spec.instanceId(instanceId))
                        .description("drift-deploy quarantine of " + instanceId)
                        .copyTagsFromSource("volume")
                        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SNAPSHOT).tags(tags(tags)).build()))
                .snapshots().stream().map(snapshot -> snapshot.snapshotId()).sorted().toList();
    }

    /**
     * DetachInstances with ShouldDecrementDesiredCapacity false: the group launches a replacement
     * and deregisters the instance from its load balancers and target groups
     * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DetachInstances.html). The
     * group is read first, so that a repeated call for an instance already detached is not made.
     */
    @RequiresIam({"autoscaling:DescribeAutoScalingGroups", "autoscaling:DetachInstances"})
    @Override
    public Optional<String> detach(String instanceId, String groupName) {
        boolean member = autoScaling.describeAutoScalingGroups(request -> request.autoScalingGroupNames(groupName))
                .autoScalingGroups().stream()
                .map(AutoScalingGroup::instances)
                .flatMap(List::stream)
                .anyMatch(instance -> instance.instanceId().equals(instanceId));
        if (!member) {
            return Optional.empty();
        }
        return autoScaling.detachInstances(request -> request
                        .autoScalingGroupName(groupName)
                        .instanceIds(instanceId)
                        .shouldDecrementDesiredCapacity(false))
                .activities().stream().findFirst().map(activity -> activity.activityId());
    }

    @RequiresIam("ec2:DescribeInstances")
    @Override
    public List<Quarantined> quarantined() {
        return ec2.describeInstancesPaginator(request -> request.filters(
                        Filter.builder().name("tag-key").values(QuarantinePolicy.MARKER_TAG).build(),
                        Filter.builder().name("instance-state-name").values(LIVE_STATES).build()))
                .reservations().stream()
                .flatMap(reservation -> reservation.instances().stream())
                .map(Ec2Quarantine::quarantined)
                .toList();
    }

    @RequiresIam("ec2:TerminateInstances")
    @Override
    public void terminate(String instanceId) {
        ec2.terminateInstances(request -> request.instanceIds(instanceId));
    }

    private static NetworkInterface networkInterface(InstanceNetworkInterface nic) {
        return new NetworkInterface(nic.networkInterfaceId(), nic.vpcId(),
                nic.groups().stream().map(GroupIdentifier::groupId).toList());
    }

    private static Quarantined quarantined(Instance instance) {
        return new Quarantined(instance.instanceId(), instance.tags().stream()
                .collect(java.util.stream.Collectors.toMap(Tag::key, Tag::value, (a, b) -> b)));
    }

    private static List<Tag> tags(Map<String, String> tags) {
        return tags.entrySet().stream().map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build()).toList();
    }
}
