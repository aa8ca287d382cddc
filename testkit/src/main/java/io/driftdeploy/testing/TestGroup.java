package io.driftdeploy.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.autoscaling.model.Tag;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/** An Auto Scaling group seeded for a test, launched from its own launch template. */
public final class TestGroup {

    public final String name;
    public final String launchTemplateId;
    private final Sandbox env;

    private TestGroup(Sandbox env, String name, String launchTemplateId) {
        this.env = env;
        this.name = name;
        this.launchTemplateId = launchTemplateId;
    }

    public AutoScalingGroup describe() {
        return env.clients.autoScaling().describeAutoScalingGroups(r -> r.autoScalingGroupNames(name)).autoScalingGroups().get(0);
    }

    public List<String> instanceIds() {
        return describe().instances().stream().map(Instance::instanceId).toList();
    }

    public List<String> inServiceInstanceIds() {
        return describe().instances().stream()
                .filter(instance -> instance.lifecycleState() == LifecycleState.IN_SERVICE)
                .map(Instance::instanceId)
                .toList();
    }

    public void protectFromScaleIn(String instanceId) {
        env.clients.autoScaling().setInstanceProtection(r -> r.autoScalingGroupName(name).instanceIds(instanceId)
                .protectedFromScaleIn(true));
    }

    /** Tags the group (not its instances), as a person would to change how drift-deploy treats it. */
    public void tag(String key, String value) {
        env.clients.autoScaling().createOrUpdateTags(r -> r.tags(Tag.builder().resourceId(name).resourceType("auto-scaling-group")
                .key(key).value(value).propagateAtLaunch(false).build()));
    }

    public void untag(String key) {
        env.clients.autoScaling().deleteTags(r -> r.tags(Tag.builder().resourceId(name).resourceType("auto-scaling-group")
                .key(key).build()));
    }

    /** Moves the instance to Standby without launching a replacement for it. */
    public void enterStandby(String instanceId) {
        env.clients.autoScaling().enterStandby(r -> r.autoScalingGroupName(name).instanceIds(instanceId)
                .shouldDecrementDesiredCapacity(true));
    }

    /** Adds a launch template version with only the image changed; returns its version number. */
    public long newTemplateVersion(String imageId) {
        return env.clients.ec2().createLaunchTemplateVersion(r -> r
                .launchTemplateId(launchTemplateId)
                .sourceVersion("$Latest")
                .launchTemplateData(d -> d.imageId(imageId))).launchTemplateVersion().versionNumber();
    }

    /** Makes the group launch another version of its template, e.g. {@code $Latest}. */
    public void launchTemplateVersion(String version) {
        env.clients.autoScaling().updateAutoScalingGroup(r -> r.autoScalingGroupName(name)
                .launchTemplate(lt -> lt.launchTemplateId(launchTemplateId).version(version)));
    }

    public static final class Builder {
        private final Sandbox env;
        private final String name;
        private int instances = 2;
        private Integer minSize;
        private Integer maxSize;
        private String imageId;
        private final Map<String, String> tags = new LinkedHashMap<>();
        private boolean tagTemplate = true;
        private String httpTokens;
        private List<String> subnetIds;
        private int[] maintenancePolicy;

        Builder(Sandbox env, String name) {
            this.env = env;
            this.name = name;
        }

        /** Desired capacity; min defaults to 1 and max to twice the desired capacity. */
        public Builder instances(int desired) {
            this.instances = desired;
            return this;
        }

        public Builder minSize(int min) {
            this.minSize = min;
            return this;
        }

        public Builder maxSize(int max) {
            this.maxSize = max;
            return this;
        }

        public Builder image(String id) {
            this.imageId = id;
            return this;
        }

        public Builder tag(String key, String value) {
            tags.put(key, value);
            return this;
        }

        /** The template's MetadataOptions.HttpTokens ({@code required}: IMDSv2 only); by default the template sets none. */
        public Builder httpTokens(String tokens) {
            this.httpTokens = tokens;
            return this;
        }

        /** The group's subnets; by default the sandbox's two, which hold about 500 instances in all. */
        public Builder subnets(List<String> ids) {
            this.subnetIds = List.copyOf(ids);
            return this;
        }

        /** The group's instance maintenance policy (MinHealthyPercentage, MaxHealthyPercentage); by default it has none. */
        public Builder maintenancePolicy(int minHealthyPercentage, int maxHealthyPercentage) {
            this.maintenancePolicy = new int[] {minHealthyPercentage, maxHealthyPercentage};
            return this;
        }

        /** By default the launch template carries the group's tags, as the CDK example fleet tags both. */
        public Builder untaggedTemplate() {
            this.tagTemplate = false;
            return this;
        }

        public TestGroup create() {
            String image = imageId != null ? imageId : env.baseImageId;
            List<software.amazon.awssdk.services.ec2.model.Tag> templateTags = tagTemplate
                    ? tags.entrySet().stream().map(e -> software.amazon.awssdk.services.ec2.model.Tag.builder()
                            .key(e.getKey()).value(e.getValue()).build()).toList()
                    : List.of();
            String templateId = env.clients.ec2().createLaunchTemplate(r -> {
                r.launchTemplateName(name + "-lt")
                        .launchTemplateData(d -> {
                            d.imageId(image).instanceType(InstanceType.T3_MICRO);
                            if (httpTokens != null) {
                                d.metadataOptions(options -> options.httpTokens(httpTokens));
                            }
                        });
                if (!templateTags.isEmpty()) {
                    r.tagSpecifications(spec -> spec.resourceType(ResourceType.LAUNCH_TEMPLATE).tags(templateTags));
                }
            }).launchTemplate().launchTemplateId();
            List<Tag> groupTags = tags.entrySet().stream()
                    .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).propagateAtLaunch(false).build())
                    .toList();
            env.clients.autoScaling().createAutoScalingGroup(r -> {
                r.autoScalingGroupName(name)
                        .launchTemplate(lt -> lt.launchTemplateId(templateId).version("1"))
                        .minSize(minSize != null ? minSize : Math.min(1, instances))
                        .maxSize(maxSize != null ? maxSize : Math.max(1, instances * 2))
                        .desiredCapacity(instances)
                        .vpcZoneIdentifier(String.join(",", subnetIds != null ? subnetIds : env.subnetIds))
                        .tags(groupTags);
                if (maintenancePolicy != null) {
                    r.instanceMaintenancePolicy(policy -> policy.minHealthyPercentage(maintenancePolicy[0])
                            .maxHealthyPercentage(maintenancePolicy[1]));
                }
            });
            return new TestGroup(env, name, templateId);
        }
    }
}
