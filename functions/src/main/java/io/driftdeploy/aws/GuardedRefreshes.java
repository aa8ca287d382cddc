package io.driftdeploy.aws;

import io.driftdeploy.policy.GuardedRefresh;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.DesiredConfiguration;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefresh;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefreshStatus;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Finds the instance refreshes a CloudWatch alarm guards: the running refreshes whose
 * {@code Preferences.AlarmSpecification.Alarms} name it, on the groups drift-deploy rolls out to
 * (those carrying the application tag), and the image each one rolls out.
 */
public final class GuardedRefreshes {

    /** A refresh in these states still changes the group; the alarm is about it. */
    private static final Set<InstanceRefreshStatus> RUNNING = Set.of(
            InstanceRefreshStatus.PENDING,
            InstanceRefreshStatus.IN_PROGRESS,
            InstanceRefreshStatus.BAKING,
            InstanceRefreshStatus.CANCELLING,
            InstanceRefreshStatus.ROLLBACK_IN_PROGRESS);

    private final AutoScalingClient autoScaling;
    private final Ec2Client ec2;

    public GuardedRefreshes(AutoScalingClient autoScaling, Ec2Client ec2) {
        this.autoScaling = autoScaling;
        this.ec2 = ec2;
    }

    public List<GuardedRefresh> guardedBy(String alarmName, String appTag) {
        return autoScaling.describeAutoScalingGroupsPaginator(request -> request
                        .filters(filter -> filter.name("tag-key").values(appTag)))
                .autoScalingGroups().stream()
                .flatMap(group -> runningRefreshGuardedBy(group, alarmName)
                        .map(refresh -> describe(group, appTag, refresh)).stream())
                .toList();
    }

    /** Auto Scaling lists a group's refreshes newest first, and runs at most one at a time. */
    private Optional<InstanceRefresh> runningRefreshGuardedBy(AutoScalingGroup group, String alarmName) {
        return autoScaling.describeInstanceRefreshes(request -> request.autoScalingGroupName(group.autoScalingGroupName()))
                .instanceRefreshes().stream()
                .filter(refresh -> RUNNING.contains(refresh.status()))
                .filter(refresh -> refresh.preferences() != null
                        && refresh.preferences().alarmSpecification() != null
                        && refresh.preferences().alarmSpecification().alarms().contains(alarmName))
                .findFirst();
    }

    private GuardedRefresh describe(AutoScalingGroup group, String appTag, InstanceRefresh refresh) {
        Optional<LaunchTemplateSpecification> template = rolledOutTemplate(refresh.desiredConfiguration());
        Optional<String> templateIdOrName = template.map(spec ->
                spec.launchTemplateId() != null ? spec.launchTemplateId() : spec.launchTemplateName());
        Optional<String> version = template.map(LaunchTemplateSpecification::version);
        return new GuardedRefresh(
                group.autoScalingGroupName(),
                group.tags().stream().filter(tag -> tag.key().equals(appTag)).map(TagDescription::value).findFirst(),
                refresh.instanceRefreshId(),
                refresh.statusAsString(),
                refresh.percentageComplete() == null ? OptionalInt.empty() : OptionalInt.of(refresh.percentageComplete()),
                Optional.ofNullable(refresh.startTime()),
                templateIdOrName,
                version,
                template.flatMap(this::imageOf));
    }

    private static Optional<LaunchTemplateSpecification> rolledOutTemplate(DesiredConfiguration desired) {
        if (desired == null) {
            return Optional.empty();
        }
        if (desired.launchTemplate() != null) {
            return Optional.of(desired.launchTemplate());
        }
        return Optional.ofNullable(desired.mixedInstancesPolicy())
                .map(policy -> policy.launchTemplate())
                .map(launchTemplate -> launchTemplate.launchTemplateSpecification());
    }

    /** The image of the exact template version being rolled out (drift-deploy always names one). */
    private Optional<String> imageOf(LaunchTemplateSpecification template) {
        if (template.version() == null) {
            return Optional.empty();
        }
        return ec2.describeLaunchTemplateVersions(request -> {
                    if (template.launchTemplateId() != null) {
                        request.launchTemplateId(template.launchTemplateId());
                    } else {
                        request.launchTemplateName(template.launchTemplateName());
                    }
                    request.versions(template.version());
                })
                .launchTemplateVersions().stream()
                .findFirst()
                .map(version -> version.launchTemplateData().imageId());
    }
}
