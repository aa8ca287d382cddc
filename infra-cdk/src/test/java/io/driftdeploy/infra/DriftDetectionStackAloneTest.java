package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/**
 * The drift detection stack built alone, from context alone: the rule names it hands the functions
 * stack follow the drift rule prefix, the golden-image rule checks the context's tag, and a
 * recorder comes only when asked for. DriftDetectionStackTest checks the defaults inside the whole app.
 */
class DriftDetectionStackAloneTest {

    private static DriftDetectionStack stack(Map<String, Object> context) {
        return new DriftDetectionStack(new App(), "Detection", StackProps.builder().build(), Settings.from(context::get));
    }

    @Test
    void theRuleNamesItHandsOnFollowTheDriftRulePrefixAndAreTheRulesItMakes() {
        DriftDetectionStack detection = stack(Map.of("driftRulePrefix", "org-"));
        Template template = Template.fromStack(detection);

        assertThat(detection.ruleNames()).containsExactly("org-ec2-managedinstance-inventory-blacklisted",
                "org-approved-amis-by-tag", "org-ec2-instance-managed-by-ssm", "org-ec2-imdsv2-check");
        assertThat(detection.templateInheritedRuleNames()).containsExactly("org-ec2-managedinstance-inventory-blacklisted");
        template.resourceCountIs("AWS::Config::ConfigRule", 4);
        detection.ruleNames().forEach(name ->
                template.hasResourceProperties("AWS::Config::ConfigRule", Map.of("ConfigRuleName", name)));
        template.hasOutput("DriftRuleNames", Map.of("Value", String.join(",", detection.ruleNames())));
    }

    @Test
    void theGoldenImageRuleAndTheInventoryRuleTakeTheirParametersFromContext() {
        Template template = Template.fromStack(stack(Map.of("goldenImageTag", "approved=yes",
                "blacklistedInventoryNames", "AWS:Application,AWS:Network")));

        template.hasResourceProperties("AWS::Config::ConfigRule", Map.of(
                "Source", Map.of("Owner", "AWS", "SourceIdentifier", "APPROVED_AMIS_BY_TAG"),
                "InputParameters", Map.of("amisByTagKeyAndValue", "approved:yes")));
        template.hasResourceProperties("AWS::Config::ConfigRule", Map.of(
                "Source", Map.of("Owner", "AWS", "SourceIdentifier", "EC2_MANAGEDINSTANCE_INVENTORY_BLACKLISTED"),
                "InputParameters", Map.of("inventoryNames", "AWS:Application,AWS:Network")));
    }

    @Test
    void theDriftAlarmIsNamedFromContextAndNoRecorderIsMadeUnlessAskedFor() {
        Template template = Template.fromStack(stack(Map.of("driftAlarmName", "org-drift")));

        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "org-drift"));
        template.resourceCountIs("AWS::Config::ConfigurationRecorder", 0);
        template.resourceCountIs("AWS::S3::Bucket", 0);
        template.resourceCountIs("AWS::IAM::Role", 0);
        Template.fromStack(stack(Map.of("createConfigRecorder", "true"))).resourceCountIs("AWS::Config::ConfigurationRecorder", 1);
    }
}
