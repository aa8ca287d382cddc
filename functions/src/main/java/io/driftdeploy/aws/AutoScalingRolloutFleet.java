package io.driftdeploy.aws;

import io.driftdeploy.policy.GroupState.Capacity;
import io.driftdeploy.policy.GroupState.LaunchSource;
import io.driftdeploy.policy.GuardedRefresh;
import io.driftdeploy.policy.ObservedRefresh;
import io.driftdeploy.policy.GroupState.TemplateVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.DesiredConfiguration;
import software.amazon.awssdk.services.autoscaling.model.Filter;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefresh;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefreshInProgressException;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.autoscaling.model.RefreshStrategy;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The rollout fleet as Auto Scaling and EC2 keep it: groups and their refreshes from Auto Scaling,
 * launch template versions from EC2.
 *
 * <p>A listing that reads only the groups' names and tags asks for them without their instances
 * (IncludeInstances false): DescribeAutoScalingGroups otherwise lists every member of every group,
 * and "might be throttled when retrieving details for an Auto Scaling group that contains many
 * instances" (Amazon EC2 Auto Scaling API Reference,
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAutoScalingGroups.html).
 * A rollout's targets keep them: the capacity they report counts the members that serve.
 */
public final class AutoScalingRolloutFleet implements RolloutFleet {

    private final AutoScalingClient autoScaling;
    private final Ec2Client ec2;

    public AutoScalingRolloutFleet(AutoScalingClient autoScaling, Ec2Client ec2) {
        this.autoScaling = autoScaling;
        this.ec2 = ec2;
    }

    /**
     * autoscaling:DescribeAutoScalingGroups (filtered by the application tag), then per group
     * autoscaling:DescribeInstanceRefreshes, ec2:DescribeLaunchTemplateVersions and
     * ec2:DescribeLaunchTemplates.
     */
    @Override
    @RequiresIam({
            "autoscaling:DescribeAutoScalingGroups",
            "autoscaling:DescribeInstanceRefreshes",
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:DescribeLaunchTemplates"})
    public List<TargetGroup> targets(String appTag, String app) {
        Filter byApp = Filter.builder().name("tag:" + appTag).values(app).build();
        return autoScaling.describeAutoScalingGroupsPaginator(request -> request.filters(byApp))
                .autoScalingGroups().stream()
                .map(this::target)
                .toList();
    }

    /** autoscaling:DescribeAutoScalingGroups filtered by the tag key, all pages: the tag's values. */
    @Override
    @RequiresIam("autoscaling:DescribeAutoScalingGroups")
    public Set<String> apps(String appTag) {
        return carrying(appTag)
                .flatMap(group -> group.tags().stream())
                .filter(tag -> appTag.equals(tag.key()) && tag.value() != null && !tag.value().isEmpty())
                .map(TagDescription::value)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * ec2:CreateLaunchTemplateVersion. The client token, derived from the source version and the
     * image, makes a retried call return the version the first call created.
     */
    @Override
    @RequiresIam("ec2:CreateLaunchTemplateVersion")
    public long createImageVersion(TemplateVersion source, String imageId) {
        return ec2.createLaunchTemplateVersion(request -> request
                        .launchTemplateId(source.launchTemplateId())
                        .sourceVersion(source.version())
                        .versionDescription("drift-deploy: golden image " + imageId)
                        .clientToken(clientToken(source, imageId))
                        .launchTemplateData(data -> data.imageId(imageId)))
                .launchTemplateVersion().versionNumber();
    }

    /**
     * autoscaling:StartInstanceRefresh.
     *
     * <p>A DesiredConfiguration naming a launch template is authorised as the caller's use of that
     * template, as for CreateAutoScalingGroup/UpdateAutoScalingGroup: ec2:RunInstances on the
     * template and the resources it launches, ec2:CreateTags when it tags on launch, and
     * iam:PassRole when it names an instance profile ("Control Amazon EC2 launch template usage in
     * Auto Scaling groups", https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-launch-template-permissions.html,
     * and "Amazon EC2 Auto Scaling API permissions",
     * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-api-permissions.html).
     */
    @Override
    @RequiresIam({"autoscaling:StartInstanceRefresh", "ec2:RunInstances", "ec2:CreateTags", "iam:PassRole"})
    public RefreshStart startRefresh(RefreshRequest refresh) {
        try {
            return new RefreshStart.Started(autoScaling.startInstanceRefresh(request -> request
                    .autoScalingGroupName(refresh.group())
                    .strategy(RefreshStrategy.ROLLING)
                    // AutoRollback needs a desired configuration naming an explicit version.
                    .desiredConfiguration(desired -> desired.launchTemplate(template -> template
                            .launchTemplateId(refresh.launchTemplateId())
                            .version(Long.toString(refresh.version()))))
                    .preferences(preferences -> {
                        preferences
                                .minHealthyPercentage(refresh.minHealthyPercent())
                                .instanceWarmup(refresh.instanceWarmupSeconds())
                                .skipMatching(true)
                                .autoRollback(true);
                        if (!refresh.guardAlarms().isEmpty()) {
                            preferences.alarmSpecification(alarms -> alarms.alarms(refresh.guardAlarms()));
                        }
                    })).instanceRefreshId());
        } catch (InstanceRefreshInProgressException alreadyRunning) {
            return new RefreshStart.Busy();
        } catch (AwsServiceException error) {
            String code = error.awsErrorDetails() == null ? null : error.awsErrorDetails().errorCode();
            String message = error.awsErrorDetails() == null ? error.getMessage() : error.awsErrorDetails().errorMessage();
            // A 5xx may come after the work was done; a 4xx is a refusal.
            return error.statusCode() >= 500
                    ? new RefreshStart.Unknown("HTTP " + error.statusCode() + " " + code + ": " + message)
                    : new RefreshStart.Refused(code == null ? "HTTP " + error.statusCode() : code, message);
        } catch (SdkClientException noAnswer) {
            return new RefreshStart.Unknown(noAnswer.getMessage());
        }
    }

    /** autoscaling:DescribeInstanceRefreshes, the group's ten newest. */
    @Override
    @RequiresIam("autoscaling:DescribeInstanceRefreshes")
    public Optional<String> refreshTo(String group, String launchTemplateId, long version, Instant notBefore) {
        String wanted = Long.toString(version);
        return autoScaling.describeInstanceRefreshes(request -> request.autoScalingGroupName(group).maxRecords(10))
                .instanceRefreshes().stream()
                .filter(refresh -> refresh.desiredConfiguration() != null && refresh.desiredConfiguration().launchTemplate() != null)
                .filter(refresh -> launchTemplateId.equals(refresh.desiredConfiguration().launchTemplate().launchTemplateId())
                        && wanted.equals(refresh.desiredConfiguration().launchTemplate().version()))
                .filter(refresh -> ACTIVE_REFRESH_STATUSES.contains(refresh.statusAsString())
                        || refresh.startTime() != null && !refresh.startTime().isBefore(notBefore))
                .map(InstanceRefresh::instanceRefreshId)
                .findFirst();
    }

    /**
     * autoscaling:DescribeInstanceRefreshes for the one refresh, by group and id. Empty for an empty
     * answer, and for the ValidationError of an id AWS does not accept.
     */
    @Override
    @RequiresIam("autoscaling:DescribeInstanceRefreshes")
    public Optional<ObservedRefresh> refreshStatus(String group, String refreshId, Instant now) {
        List<InstanceRefresh> found;
        try {
            found = autoScaling.describeInstanceRefreshes(request -> request.autoScalingGroupName(group)
                    .instanceRefreshIds(refreshId)).instanceRefreshes();
        } catch (AwsServiceException error) {
            if (error.awsErrorDetails() != null && "ValidationError".equals(error.awsErrorDetails().errorCode())) {
                return Optional.empty();
            }
            throw error;
        }
        return found.stream()
                .filter(refresh -> refreshId.equals(refresh.instanceRefreshId()))
                .findFirst()
                .map(refresh -> new ObservedRefresh(refreshId, group, refresh.statusAsString(),
                        Optional.ofNullable(refresh.statusReason()).filter(reason -> !reason.isBlank()), now));
    }

    /**
     * The running refreshes whose {@code Preferences.AlarmSpecification.Alarms} name the alarm, on
     * the groups drift-deploy rolls out to (those carrying the application tag, whatever the
     * application): autoscaling:DescribeAutoScalingGroups, then per group
     * DescribeInstanceRefreshes. The image is left to the caller, who knows from the ledger what
     * drift-deploy rolls out and can read any other refresh's with {@link #imageOf}. The alarms
     * function's, not on the rollout port.
     */
    @RequiresIam({"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeInstanceRefreshes"})
    public List<GuardedRefresh> refreshesGuardedBy(String alarmName, String appTag) {
        return carrying(appTag)
                .flatMap(group -> activeRefreshOf(group.autoScalingGroupName())
                        .filter(refresh -> guardAlarms(refresh).contains(alarmName))
                        .map(refresh -> guarded(group, appTag, refresh))
                        .stream())
                .toList();
    }

    /** Every group carrying the tag key, all pages, without its instances (see the class comment). */
    private Stream<AutoScalingGroup> carrying(String tagKey) {
        Filter tagged = Filter.builder().name("tag-key").values(tagKey).build();
        return autoScaling.describeAutoScalingGroupsPaginator(request -> request.filters(tagged).includeInstances(false))
                .autoScalingGroups().stream();
    }

    /**
     * ec2:DescribeLaunchTemplateVersions: the ImageId a launch template version holds, as written
     * (an AMI id or an SSM parameter alias).
     */
    @RequiresIam("ec2:DescribeLaunchTemplateVersions")
    public Optional<String> imageOf(String launchTemplateId, String version) {
        return ec2.describeLaunchTemplateVersions(request -> request.launchTemplateId(launchTemplateId).versions(version))
                .launchTemplateVersions().stream()
                .findFirst()
                .map(LaunchTemplateVersion::launchTemplateData)
                .map(data -> data.imageId());
    }

    private static List<String> guardAlarms(InstanceRefresh refresh) {
        return refresh.preferences() == null || refresh.preferences().alarmSpecification() == null
                ? List.of() : refresh.preferences().alarmSpecification().alarms();
    }

    private static GuardedRefresh guarded(AutoScalingGroup group, String appTag, InstanceRefresh refresh) {
        Optional<LaunchTemplateSpecification> desired = Optional.ofNullable(refresh.desiredConfiguration())
                .map(DesiredConfiguration::launchTemplate);
        return new GuardedRefresh(
                group.autoScalingGroupName(),
                group.tags().stream().filter(tag -> tag.key().equals(appTag)).map(TagDescription::value).findFirst(),
                refresh.instanceRefreshId(),
                refresh.statusAsString(),
                refresh.percentageComplete() == null ? OptionalInt.empty() : OptionalInt.of(refresh.percentageComplete()),
                Optional.ofNullable(refresh.startTime()),
                desired.map(LaunchTemplateSpecification::launchTemplateId),
                desired.map(LaunchTemplateSpecification::version),
                Optional.empty());
    }

    private TargetGroup target(AutoScalingGroup group) {
        Map<String, String> tags = group.tags().stream()
                .collect(Collectors.toMap(TagDescription::key, TagDescription::value, (first, second) -> second));
        LaunchSource source;
        Optional<TemplateVersion> template = Optional.empty();
        if (group.mixedInstancesPolicy() != null) {
            source = LaunchSource.MIXED_INSTANCES_POLICY;
        } else if (group.launchTemplate() != null) {
            source = LaunchSource.LAUNCH_TEMPLATE;
            template = Optional.of(templateVersion(group.launchTemplate()));
        } else {
            source = LaunchSource.LAUNCH_CONFIGURATION;
        }
        return new TargetGroup(group.autoScalingGroupName(), tags, source, template, activeRefresh(group.autoScalingGroupName()),
                new Capacity(group.desiredCapacity(), AutoScalingFleet.healthyInService(group)));
    }

    private TemplateVersion templateVersion(LaunchTemplateSpecification spec) {
        // A group created without a version uses the template's default version.
        String version = spec.version() == null ? "$Default" : spec.version();
        return new TemplateVersion(spec.launchTemplateId(), version, imageOf(spec.launchTemplateId(), version),
                templateTags(spec.launchTemplateId()));
    }

    /** The template's own tags: IAM lets drift-deploy version only templates tagged with the application. */
    private Map<String, String> templateTags(String launchTemplateId) {
        return ec2.describeLaunchTemplates(request -> request.launchTemplateIds(launchTemplateId)).launchTemplates().stream()
                .flatMap(template -> template.tags().stream())
                .collect(Collectors.toMap(Tag::key, Tag::value, (first, second) -> second));
    }

    private Optional<RefreshInFlight> activeRefresh(String group) {
        return activeRefreshOf(group)
                .map(refresh -> new RefreshInFlight(refresh.instanceRefreshId(), refresh.statusAsString(), targetImage(refresh)));
    }

    private Optional<InstanceRefresh> activeRefreshOf(String group) {
        // Newest first; at most one refresh per group can be active.
        return autoScaling.describeInstanceRefreshes(request -> request.autoScalingGroupName(group).maxRecords(10))
                .instanceRefreshes().stream()
                .filter(refresh -> ACTIVE_REFRESH_STATUSES.contains(refresh.statusAsString()))
                .findFirst();
    }

    private Optional<String> targetImage(InstanceRefresh refresh) {
        if (refresh.desiredConfiguration() == null || refresh.desiredConfiguration().launchTemplate() == null) {
            return Optional.empty();
        }
        LaunchTemplateSpecification desired = refresh.desiredConfiguration().launchTemplate();
        String version = desired.version() == null ? "$Default" : desired.version();
        return imageOf(desired.launchTemplateId(), version);
    }

    private static String clientToken(TemplateVersion source, String imageId) {
        String identity = source.launchTemplateId() + "|" + source.version() + "|" + imageId;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "drift-deploy-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
