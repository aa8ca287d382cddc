package io.driftdeploy.infra;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class DriftDetectionStackTest {

    private final Template defaults = SynthesizedApp.defaults().template(SynthesizedApp.defaults().stacks.detection());
    private final Template everything =
            SynthesizedApp.everything().template(SynthesizedApp.everything().stacks.detection());

    @Test
    void theSeedsInventoryRuleWithItsParameters() {
        defaults.hasResourceProperties("AWS::Config::ConfigRule", Map.of(
                "ConfigRuleName", "DriftDeploy-ec2-managedinstance-inventory-blacklisted",
                "Source", Map.of("Owner", "AWS", "SourceIdentifier", "EC2_MANAGEDINSTANCE_INVENTORY_BLACKLISTED"),
                "InputParameters", Map.of("inventoryNames", "AWS:Application")));
    }

    @Test
    void approvedAmisByTheGoldenImageTag() {
        defaults.hasResourceProperties("AWS::Config::ConfigRule", Map.of(
                "ConfigRuleName", "DriftDeploy-approved-amis-by-tag",
                "Source", Map.of("Owner", "AWS", "SourceIdentifier", "APPROVED_AMIS_BY_TAG"),
                "InputParameters", Map.of("amisByTagKeyAndValue", "drift-deploy-golden:true"),
                "Scope", Map.of("ComplianceResourceTypes", List.of("AWS::EC2::Instance"))));
    }

    @Test
    void instancesManagedBySsmAndImdsv2Required() {
        defaults.hasResourceProperties("AWS::Config::ConfigRule", Map.of(
                "ConfigRuleName", "DriftDeploy-ec2-instance-managed-by-ssm",
                "Source", Map.of("Owner", "AWS", "SourceIdentifier", "EC2_INSTANCE_MANAGED_BY_SSM"),
                "Scope", Map.of("ComplianceResourceTypes", List.of("AWS::EC2::Instance"))));
        defaults.hasResourceProperties("AWS::Config::ConfigRule", Map.of(
                "ConfigRuleName", "DriftDeploy-ec2-imdsv2-check",
                "Source", Map.of("Owner", "AWS", "SourceIdentifier", "EC2_IMDSV2_CHECK"),
                "Scope", Map.of("ComplianceResourceTypes", List.of("AWS::EC2::Instance"))));
        defaults.resourceCountIs("AWS::Config::ConfigRule", 4);
    }

    @Test
    void driftAlarmWatchesDriftDeploysOwnMetricAndReachesPeopleOnlyThroughTheAlarmsFunction() {
        defaults.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmName", "DriftDeploy-drift-detected",
                "Namespace", "DriftDeploy",
                "MetricName", "NonCompliantInstances",
                "Statistic", "Maximum",
                "Period", 300,
                "EvaluationPeriods", 1,
                "Threshold", 0,
                "ComparisonOperator", "GreaterThanThreshold",
                "TreatMissingData", "notBreaching",
                // No SNS action: a raw copy without message attributes would arrive beside the alarms
                // function's own notification.
                "AlarmActions", Match.absent()));
        defaults.hasResourceProperties("AWS::CloudWatch::Alarm", Match.not(Match.objectLike(Map.of("Dimensions", Match.anyValue()))));
    }

    @Test
    void outputsNameTheDriftAlarmAndRules() {
        defaults.hasOutput("DriftAlarmName", Map.of("Value", "DriftDeploy-drift-detected"));
        defaults.hasOutput("DriftRuleNames", Map.of("Value", Match.stringLikeRegexp("DriftDeploy-ec2-managedinstance.*")));
    }

    @Test
    void configurationRecorderOnlyWhenContextAsksForOne() {
        defaults.resourceCountIs("AWS::Config::ConfigurationRecorder", 0);
        defaults.resourceCountIs("AWS::Config::DeliveryChannel", 0);

        everything.hasResourceProperties("AWS::Config::ConfigurationRecorder", Map.of("RecordingGroup", Map.of(
                "AllSupported", false,
                "ResourceTypes", List.of("AWS::EC2::Instance", "AWS::SSM::ManagedInstanceInventory"))));
        everything.resourceCountIs("AWS::Config::DeliveryChannel", 1);
        // Rules can be created only once the recorder and its channel exist.
        everything.hasResource("AWS::Config::ConfigRule", Map.of(
                "DependsOn", Match.arrayWith(List.of(Match.stringLikeRegexp("ConfigDeliveryChannel.*")))));
        everything.hasResourceProperties("AWS::S3::Bucket", Map.of("BucketEncryption", Match.anyValue(),
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true)));
    }
}
