package io.driftdeploy.aws;

import io.driftdeploy.policy.GroupFacts.LaunchTemplateRef;
import io.driftdeploy.policy.GroupFacts;
import io.driftdeploy.policy.GroupFacts.MaintenancePolicy;
import io.driftdeploy.policy.InstanceFacts;
import io.driftdeploy.policy.InstanceState;
import io.driftdeploy.policy.ReplacementChoice;
import io.driftdeploy.policy.ReplacementPolicy.TemplateVersionFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.InstanceMaintenancePolicy;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefresh;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefreshStatus;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.autoscaling.model.MixedInstancesPolicy;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResponseLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.Tag;

/** The fleet as EC2 and Auto Scaling see it: what the drift rules judge, and the actions they take. */
public final class AutoScalingFleet implements Fleet {

    /** Auto Scaling tags every instance it launches with its group's name; users cannot set aws: tags. */
    public static final String GROUP_NAME_TAG = "aws:autoscaling:groupName";

    private static final String INSTANCE_NOT_FOUND = "InvalidInstanceID.NotFound";
    private static final String LAUNCH_TEMPLATE_NOT_FOUND = "InvalidLaunchTemplate";
    private static final String IMAGE_NOT_FOUND = "InvalidAMIID";
    private static final String AMI_PREFIX = "ami-";
    private static final String DEFAULT_VERSION = "$Default";
    private static final String HEALTHY = "Healthy";
    private static final String UNHEALTHY = "Unhealthy";
    /**
     * Instance ids a DescribeInstances filter is given at once. EC2 refuses a call with too many
     * filter values (FilterLimitExceeded) without documenting the number; 200 is the limit it is
     * commonly reported to enforce, and a sweep's batch is far smaller.
     */
    public static final int FILTER_VALUES = 200;
    /** DescribeInstances' largest page. */
    private static final int MAX_INSTANCES_PER_PAGE = 1000;
    /**
     * Group names one DescribeAutoScalingGroups call takes: up to its MaxRecords, at most 100
     * (DescribeAutoScalingGroups, Amazon EC2 Auto Scaling API Reference).
     */
    static final int GROUP_NAMES = 100;
    private static final Set<InstanceRefreshStatus> ACTIVE_REFRESH = EnumSet.of(
            InstanceRefreshStatus.PENDING, InstanceRefreshStatus.IN_PROGRESS, InstanceRefreshStatus.CANCELLING,
            InstanceRefreshStatus.ROLLBACK_IN_PROGRESS, InstanceRefreshStatus.BAKING);

    private final Ec2Client ec2;
    private final AutoScalingClient autoScaling;

    public AutoScalingFleet(Ec2Client ec2, AutoScalingClient autoScaling) {
        this.ec2 = ec2;
        this.autoScaling = autoScaling;
    }

    /**
     * The instance with its group: DescribeInstances, then DescribeAutoScalingGroups when the
     * instance carries a group's name. Empty when EC2 no longer knows the instance. The group is
     * left out when it no longer lists the instance (detached): nothing would replace it.
     */
    @RequiresIam({"ec2:DescribeInstances", "autoscaling:DescribeAutoScalingGroups"})
    @Override
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
        return found.map(instance -> facts(instance, groupName -> autoScaling
                .describeAutoScalingGroups(request -> request.autoScalingGroupNames(groupName))
                .autoScalingGroups().stream().findFirst()));
    }

    /**
     * The instances with their groups in as few calls as the APIs allow: DescribeInstances by an
     * {@code instance-id} filter, {@link #FILTER_VALUES} ids a call, and DescribeAutoScalingGroups,
     * {@link #GROUP_NAMES} groups a call. A filter, unlike InstanceIds, answers an unknown id by
     * leaving it out rather than failing the whole call with InvalidInstanceID.NotFound
     * (DescribeInstances, Amazon EC2 API Reference), and a sweep's batch may well hold an instance
     * terminated an hour ago.
     */
    @RequiresIam({"ec2:DescribeInstances", "autoscaling:DescribeAutoScalingGroups"})
    @Override
    public Map<String, Optional<InstanceFacts>> describeAll(Collection<String> instanceIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(instanceIds));
        Map<String, Instance> found = new HashMap<>();
        for (List<String> chunk : chunks(ids, FILTER_VALUES)) {
            ec2.describeInstancesPaginator(request -> request
                            .filters(Filter.builder().name("instance-id").values(chunk).build())
                            .maxResults(MAX_INSTANCES_PER_PAGE))
                    .reservations().stream()
                    .flatMap(reservation -> reservation.instances().stream())
                    .forEach(instance -> found.put(instance.instanceId(), instance));
        }
        List<String> groupNames = found.values().stream()
                .map(AutoScalingFleet::groupName)
                .flatMap(Optional::stream)
                .distinct()
                .toList();
        Map<String, AutoScalingGroup> groups = new HashMap<>();
        for (List<String> chunk : chunks(groupNames, GROUP_NAMES)) {
            autoScaling.describeAutoScalingGroupsPaginator(request -> request
                            .autoScalingGroupNames(chunk)
                            .maxRecords(GROUP_NAMES))
                    .autoScalingGroups()
                    .forEach(group -> groups.put(group.autoScalingGroupName(), group));
        }
        Map<String, Optional<InstanceFacts>> described = new LinkedHashMap<>();
        ids.forEach(id -> described.put(id, Optional.ofNullable(found.get(id))
                .map(instance -> facts(instance, groupName -> Optional.ofNullable(groups.get(groupName))))));
        return described;
    }

    /** The instance as the drift rules judge it, with the group its tag names as {@code groups} finds it. */
    private static InstanceFacts facts(Instance instance, Function<String, Optional<AutoScalingGroup>> groups) {
        Map<String, String> tags = instance.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
        Optional<GroupFacts> group = Optional.ofNullable(tags.get(GROUP_NAME_TAG))
                .flatMap(groups)
                .flatMap(found -> groupFacts(found, instance.instanceId()));
        return new InstanceFacts(instance.instanceId(), state(instance), tags, Optional.ofNullable(instance.imageId()),
                Optional.ofNullable(instance.launchTime()), group);
    }

    private static Optional<String> groupName(Instance instance) {
        return instance.tags().stream().filter(tag -> GROUP_NAME_TAG.equals(tag.key())).map(Tag::value).findFirst();
    }

    private static <T> List<List<T>> chunks(List<T> items, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += size) {
            chunks.add(items.subList(from, Math.min(items.size(), from + size)));
        }
        return chunks;
    }

    /** DescribeInstanceRefreshes: whether a refresh is under way on the group, and when the last one started. */
    @RequiresIam("autoscaling:DescribeInstanceRefreshes")
    @Override
    public Refreshes refreshes(String groupName) {
        List<InstanceRefresh> refreshes = autoScaling.describeInstanceRefreshes(request -> request.autoScalingGroupName(groupName))
                .instanceRefreshes();
        return new Refreshes(refreshes.stream().anyMatch(refresh -> ACTIVE_REFRESH.contains(refresh.status())),
                refreshes.stream().map(InstanceRefresh::startTime).filter(Objects::nonNull).max(Comparator.naturalOrder()));
    }

    /**
     * TerminateInstanceInAutoScalingGroup without decrementing the desired capacity, so the group
     * launches a replacement from its launch template. Returns the scaling activity id.
     */
    @RequiresIam("autoscaling:TerminateInstanceInAutoScalingGroup")
    @Override
    public String terminate(String instanceId) {
        return autoScaling.terminateInstanceInAutoScalingGroup(request -> request
                .instanceId(instanceId)
                .shouldDecrementDesiredCapacity(false)).activity().activityId();
    }

    /**
     * SetInstanceHealth Unhealthy, not respecting the health check grace period (a drifted
     * instance is no less drifted for being new). Auto Scaling then replaces it as a health check
     * replacement, which the group's instance maintenance policy governs: with a minimum of 100 %
     * and a maximum above it, launch before terminating ("Instance maintenance policies", Amazon
     * EC2 Auto Scaling User Guide, docs/safety-rules.md "Surge replacement"). Setting Unhealthy
     * twice is the same as once, so a retried call is harmless.
     */
    @RequiresIam("autoscaling:SetInstanceHealth")
    @Override
    public void surge(String instanceId) {
        autoScaling.setInstanceHealth(request -> request
                .instanceId(instanceId)
                .healthStatus(UNHEALTHY)
                .shouldRespectGracePeriod(false));
    }

    /** How many of the group's instances serve now: InService and Healthy, as the capacity floor and the budgets count them. */
    public static int healthyInService(AutoScalingGroup group) {
        return (int) group.instances().stream()
                .filter(instance -> instance.lifecycleState() == LifecycleState.IN_SERVICE
                        && HEALTHY.equalsIgnoreCase(instance.healthStatus()))
                .count();
    }

    /** The group's facts as the instance's decision sees them; empty when the group no longer lists the instance. */
    private static Optional<GroupFacts> groupFacts(AutoScalingGroup group, String instanceId) {
        return group.instances().stream()
                .filter(member -> member.instanceId().equals(instanceId))
                .findFirst()
                .map(member -> new GroupFacts(
                        group.autoScalingGroupName(),
                        tags(group),
                        group.desiredCapacity(),
                        healthyInService(group),
                        member.lifecycleStateAsString(),
                        Boolean.TRUE.equals(member.protectedFromScaleIn()),
                        launchTemplate(group),
                        group.instances().stream().map(software.amazon.awssdk.services.autoscaling.model.Instance::instanceId)
                                .collect(Collectors.toSet()),
                        group.maxSize(),
                        maintenancePolicy(group),
                        markedUnhealthy(group)));
    }

    /** The group's room to surge, as its DescribeAutoScalingGroups answer shows it. */
    public static ReplacementChoice.Room room(AutoScalingGroup group) {
        return new ReplacementChoice.Room(group.desiredCapacity(), group.maxSize(), maintenancePolicy(group),
                group.instances().size(), markedUnhealthy(group).size());
    }

    /** The group's instances marked Unhealthy and not terminating yet: each is being replaced. */
    private static Set<String> markedUnhealthy(AutoScalingGroup group) {
        return group.instances().stream()
                .filter(instance -> UNHEALTHY.equalsIgnoreCase(instance.healthStatus())
                        && !instance.lifecycleStateAsString().startsWith("Terminat"))
                .map(software.amazon.awssdk.services.autoscaling.model.Instance::instanceId)
                .collect(Collectors.toSet());
    }

    /** The group's tags, by key. */
    public static Map<String, String> tags(AutoScalingGroup group) {
        return group.tags().stream().collect(Collectors.toMap(TagDescription::key, TagDescription::value, (a, b) -> b));
    }

    /**
     * ec2:DescribeLaunchTemplateVersions for the version the group launches, {@code $Latest} and
     * {@code $Default} resolved by EC2. Empty when the template or version no longer exists.
     */
    @RequiresIam("ec2:DescribeLaunchTemplateVersions")
    @Override
    public Optional<TemplateVersionFacts> templateVersion(LaunchTemplateRef template) {
        try {
            return ec2.describeLaunchTemplateVersions(request -> request
                            .launchTemplateId(template.launchTemplateId())
                            .versions(template.version()))
                    .launchTemplateVersions().stream()
                    .findFirst()
                    .map(version -> {
                        ResponseLaunchTemplateData data = version.launchTemplateData();
                        Optional<String> httpTokens = Optional.ofNullable(data == null ? null : data.metadataOptions())
                                .map(options -> options.httpTokensAsString());
                        return new TemplateVersionFacts(version.launchTemplateId(), version.versionNumber(),
                                Optional.ofNullable(data == null ? null : data.imageId()), httpTokens);
                    });
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                    && e.awsErrorDetails().errorCode().startsWith(LAUNCH_TEMPLATE_NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * ec2:DescribeImages: the image's tags; an empty map when EC2 knows no such image, and empty
     * when the id is no AMI id (an SSM parameter alias is resolved only at launch).
     */
    @RequiresIam("ec2:DescribeImages")
    @Override
    public Optional<Map<String, String>> imageTags(String imageId) {
        if (!imageId.startsWith(AMI_PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ec2.describeImages(request -> request.imageIds(imageId)).images().stream()
                    .flatMap(image -> image.tags().stream())
                    .collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b)));
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                    && e.awsErrorDetails().errorCode().startsWith(IMAGE_NOT_FOUND)) {
                return Optional.of(Map.of());
            }
            throw e;
        }
    }

    /**
     * The template replacements are launched from: the group's own, or a mixed instances policy's
     * when no override names another template (then no single template decides).
     */
    private static Optional<LaunchTemplateRef> launchTemplate(AutoScalingGroup group) {
        if (group.launchTemplate() != null) {
            return Optional.of(ref(group.launchTemplate()));
        }
        MixedInstancesPolicy mixed = group.mixedInstancesPolicy();
        if (mixed == null || mixed.launchTemplate() == null || mixed.launchTemplate().launchTemplateSpecification() == null
                || mixed.launchTemplate().overrides().stream().anyMatch(override -> override.launchTemplateSpecification() != null)) {
            return Optional.empty();
        }
        return Optional.of(ref(mixed.launchTemplate().launchTemplateSpecification()));
    }

    /** The group's instance maintenance policy; none when it has none, or a value was cleared (-1 or absent). */
    private static Optional<MaintenancePolicy> maintenancePolicy(AutoScalingGroup group) {
        InstanceMaintenancePolicy policy = group.instanceMaintenancePolicy();
        if (policy == null || policy.minHealthyPercentage() == null || policy.maxHealthyPercentage() == null
                || policy.minHealthyPercentage() < 0 || policy.maxHealthyPercentage() < 0) {
            return Optional.empty();
        }
        return Optional.of(new MaintenancePolicy(policy.minHealthyPercentage(), policy.maxHealthyPercentage()));
    }

    private static LaunchTemplateRef ref(LaunchTemplateSpecification spec) {
        // A group that names no version launches the template's default one.
        return new LaunchTemplateRef(spec.launchTemplateId(), spec.version() == null ? DEFAULT_VERSION : spec.version());
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
