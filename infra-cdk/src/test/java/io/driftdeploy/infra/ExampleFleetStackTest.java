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
    void everyReplacementPathKeepsHalfOfTheGroupSoTwoInstancesCanBeReplacedOneAtATime() {
        // At 90 % drift-deploy's capacity guard refused every termination in a 2-instance group.
        blueActive.allResourcesProperties("AWS::AutoScaling::AutoScalingGroup", Map.of(
                "InstanceMaintenancePolicy", Map.of("MinHealthyPercentage", 50, "MaxHealthyPercentage", 100),
                "Tags", Match.arrayWith(List.of(
                        Map.of("Key", "drift-deploy:min-healthy-percent", "Value", "50", "PropagateAtLaunch", false)))));
    }

    @Test
    void aStackUpdateThatChangesTheTemplateRollsTheInstancesInsteadOfSwitchingTheVersionUnderThem() {
        // CloudFormation has no instance-refresh update policy; a rolling update, one at a time, keeps half.
        blueActive.hasResource("AWS::AutoScaling::AutoScalingGroup", Map.of(
                "Properties", Map.of("Tags", Match.arrayWith(List.of(Map.of("Key", "Name", "Value", "app-blue",
                        "PropagateAtLaunch", true)))),
                "UpdatePolicy", Map.of("AutoScalingRollingUpdate", Map.of(
                        "MaxBatchSize", 1, "MinInstancesInService", 1))));
        blueActive.hasResource("AWS::AutoScaling::AutoScalingGroup", Map.of(
                "Properties", Map.of("Tags", Match.arrayWith(List.of(Map.of("Key", "Name", "Value", "app-green",
                        "PropagateAtLaunch", true)))),
                "UpdatePolicy", Map.of("AutoScalingRollingUpdate", Map.of(
                        "MaxBatchSize", 1, "MinInstancesInService", 0))));
        // The group pins an explicit version (drift-deploy refuses $Latest/$Default groups).
        blueActive.allResourcesProperties("AWS::AutoScaling::AutoScalingGroup", Map.of("LaunchTemplate", Map.of(
                "LaunchTemplateId", Match.anyValue(),
                "Version", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp(".*LaunchTemplate.*"), "LatestVersionNumber")))));
    }

    @Test
    void instanceRoleLivesUnderTheInstanceRolePathDriftDeployMayPass() {
        blueActive.hasResourceProperties("AWS::IAM::Role", Map.of("Path", "/drift-deploy/",
                "AssumeRolePolicyDocument", Match.objectLike(Map.of("Statement", List.of(Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "ec2.amazonaws.com"))))))));
        blueActive.hasOutput("BlueGroupName", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp("BlueGroup.*"))));
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
