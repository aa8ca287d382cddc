package io.driftdeploy.infra;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ExampleFleetStackTest {

    private final Template blueActive = SynthesizedApp.everything().template(SynthesizedApp.everything().stacks.fleet());

    @Test
    void fleetOnlyWhenContextAsksForIt() {
        org.assertj.core.api.Assertions.assertThat(SynthesizedApp.defaults().stacks.fleet()).isNull();
    }

    @Test
    void blueCarriesTheSeedsCapacityWhileBlueIsActiveAndGreenIsEmpty() {
        blueActive.resourceCountIs("AWS::AutoScaling::AutoScalingGroup", 2);
        group(blueActive, "blue", "2", "2");
        group(blueActive, "green", "0", "0");
    }

    @Test
    void theSwitchMovesCapacityToGreen() {
        App app = new App(AppProps.builder().context(Map.of(
                "fleetBlueActive", "false", "goldenAmiId", "ami-0123456789abcdef0")).build());
        Settings settings = Settings.from(app.getNode()::tryGetContext);
        Template greenActive = Template.fromStack(new ExampleFleetStack(app, "Fleet", StackProps.builder().build(), settings));
        group(greenActive, "blue", "0", "0");
        group(greenActive, "green", "2", "2");
        // A fixed AMI from context instead of the pipeline's parameter.
        greenActive.allResourcesProperties("AWS::EC2::LaunchTemplate", Map.of("LaunchTemplateData",
                Map.of("ImageId", "ami-0123456789abcdef0")));
    }

    @Test
    void bothGroupsAttachToOneTargetGroupBehindTheAlb() {
        blueActive.resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 1);
        blueActive.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
        blueActive.allResourcesProperties("AWS::AutoScaling::AutoScalingGroup", Map.of(
                "TargetGroupARNs", List.of(Map.of("Ref", Match.stringLikeRegexp("TargetGroup.*"))),
                "HealthCheckType", "ELB",
                "HealthCheckGracePeriod", 300,
                "VPCZoneIdentifier", Match.anyValue()));
    }

    @Test
    void rollingReplacementKeepsNinetyPercentHealthy() {
        blueActive.allResourcesProperties("AWS::AutoScaling::AutoScalingGroup", Map.of(
                "InstanceMaintenancePolicy", Map.of("MinHealthyPercentage", 90, "MaxHealthyPercentage", 100)));
    }

    @Test
    void launchTemplatesUseTheGoldenAmiParameterImdsv2AndEncryptedVolumes() {
        blueActive.hasParameter("*", Map.of(
                "Type", "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                "Default", "/drift-deploy/golden-ami-id"));
        blueActive.resourceCountIs("AWS::EC2::LaunchTemplate", 2);
        blueActive.allResourcesProperties("AWS::EC2::LaunchTemplate", Map.of("LaunchTemplateData", Map.of(
                "ImageId", Map.of("Ref", Match.stringLikeRegexp(".*Parameter.*")),
                "InstanceType", "t3.medium",
                "MetadataOptions", Map.of("HttpTokens", "required"),
                "BlockDeviceMappings", List.of(Map.of("DeviceName", "/dev/xvda",
                        "Ebs", Map.of("Encrypted", true, "VolumeType", "gp3"))))));
        blueActive.allResourcesProperties("AWS::EC2::LaunchTemplate", Map.of("TagSpecifications", Match.arrayWith(List.of(
                Map.of("ResourceType", "launch-template",
                        "Tags", Match.arrayWith(List.of(Map.of("Key", "drift-deploy:app", "Value", "app"))))))));
    }

    @Test
    void groupsAreTaggedSoDriftDeployManagesThem() {
        blueActive.allResourcesProperties("AWS::AutoScaling::AutoScalingGroup", Map.of("Tags", Match.arrayWith(List.of(
                Map.of("Key", "drift-deploy:app", "Value", "app", "PropagateAtLaunch", true),
                Map.of("Key", "drift-deploy:remediation", "Value", "terminate", "PropagateAtLaunch", true),
                Map.of("Key", "drift-deploy:rollout", "Value", "refresh", "PropagateAtLaunch", true)))));
    }

    private static void group(Template template, String color, String min, String desired) {
        template.hasResourceProperties("AWS::AutoScaling::AutoScalingGroup", Map.of(
                "MinSize", min,
                "DesiredCapacity", desired,
                "MaxSize", "4",
                "Tags", Match.arrayWith(List.of(Map.of("Key", "Name", "Value", "app-" + color, "PropagateAtLaunch", true)))));
    }
}
