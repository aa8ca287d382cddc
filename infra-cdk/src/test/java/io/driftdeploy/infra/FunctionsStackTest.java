package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.infra.DriftDeployFunction.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class FunctionsStackTest {

    private final Template defaults = SynthesizedApp.defaults().template(SynthesizedApp.defaults().stacks.functions());
    private final Template everything =
            SynthesizedApp.everything().template(SynthesizedApp.everything().stacks.functions());

    private static final List<String> DRIFT_RULES = List.of("ec2-managedinstance-inventory-blacklisted",
            "approved-amis-by-tag", "ec2-instance-managed-by-ssm", "ec2-imdsv2-check");

    @ParameterizedTest
    @EnumSource(Kind.class)
    void eachFunctionIsJava21OnArmWithSnapStartFromTheShadedJar(Kind kind) {
        defaults.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.driftdeploy.handler." + kind.id() + "Handler::handleRequest",
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "MemorySize", 1024,
                "Timeout", kind == Kind.ALARMS ? 900 : 120,
                "Code", Map.of("S3Key", Match.stringLikeRegexp("[0-9a-f]{64}\\.jar")),
                "LoggingConfig", Map.of("LogGroup", Map.of("Ref", Match.stringLikeRegexp(kind.id() + "Logs.*")))));
    }

    @Test
    void rulesTargetTheLiveAliasOfAPublishedVersion() {
        defaults.resourceCountIs("AWS::Lambda::Function", 4);
        defaults.resourceCountIs("AWS::Lambda::Version", 4);
        defaults.resourceCountIs("AWS::Lambda::Alias", 4);
        defaults.allResourcesProperties("AWS::Lambda::Alias", Map.of(
                "Name", "live",
                "FunctionVersion", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp(".*FunctionCurrentVersion.*"), "Version"))));
        defaults.allResourcesProperties("AWS::Events::Rule", Map.of("Targets", List.of(Map.of(
                "Arn", Map.of("Ref", Match.stringLikeRegexp(".*Alias.*")),
                "Id", Match.anyValue(),
                "DeadLetterConfig", Map.of("Arn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp(".*DeadLetters.*"), "Arn"))),
                "RetryPolicy", Map.of("MaximumRetryAttempts", 8, "MaximumEventAgeInSeconds", 7200)))));
    }

    @Test
    void environmentCarriesEverySettingWithItsDefaultAndDryRunByDefault() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("DRIFT_DEPLOY_TOPIC_ARN", Map.of("Fn::ImportValue", Match.stringLikeRegexp(".*Topic.*")));
        expected.put("DRIFT_DEPLOY_TABLE", Map.of("Ref", Match.stringLikeRegexp("Ledger.*")));
        expected.put("DRIFT_DEPLOY_MODE", "dry-run");
        expected.put("DRIFT_DEPLOY_MODE_TAG", "drift-deploy:mode");
        expected.put("DRIFT_DEPLOY_DRIFT_RULES", String.join(",", DRIFT_RULES));
        expected.put("DRIFT_DEPLOY_OPT_IN_TAG", "drift-deploy:remediation=terminate");
        expected.put("DRIFT_DEPLOY_PROTECT_TAG", "drift-deploy:protect");
        expected.put("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "90");
        expected.put("DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "2");
        expected.put("DRIFT_DEPLOY_MAX_TERMINATIONS_PER_ACCOUNT", "10");
        expected.put("DRIFT_DEPLOY_RATE_WINDOW_MINUTES", "60");
        expected.put("DRIFT_DEPLOY_TEMPLATE_INHERITED_RULES", DRIFT_RULES.get(0));
        expected.put("DRIFT_DEPLOY_GOLDEN_IMAGE_TAG", "drift-deploy-golden=true");
        expected.put("DRIFT_DEPLOY_DRIFT_ALARMS", Map.of("Fn::ImportValue", Match.stringLikeRegexp(".*DriftAlarm.*")));
        expected.put("DRIFT_DEPLOY_APP_TAG", "drift-deploy:app");
        expected.put("DRIFT_DEPLOY_STRATEGY_TAG", "drift-deploy:rollout");
        expected.put("DRIFT_DEPLOY_GUARD_ALARMS_TAG", "drift-deploy:guard-alarms");
        expected.put("DRIFT_DEPLOY_INSTANCE_WARMUP_SECONDS", "300");
        expected.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        // Exact: optional settings left empty are absent, so the functions apply their own defaults.
        defaults.allResourcesProperties("AWS::Lambda::Function",
                Map.of("Environment", Map.of("Variables", Match.exact(expected))));

        everything.allResourcesProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Map.of(
                "DRIFT_DEPLOY_MODE", "enforce",
                "DRIFT_DEPLOY_DRIFT_RULES", String.join(",", DRIFT_RULES) + ",org-ec2-baseline",
                "DRIFT_DEPLOY_TRUSTED_ACCOUNTS", "111111111111,222222222222",
                "DRIFT_DEPLOY_GUARD_ALARMS", "app-5xx"))));
    }

    @Test
    void driftRuleMatchesComplianceChangesOfInstancesUnderTheDriftRulesOnly() {
        assertRule("Drift", Map.of(
                "source", List.of("aws.config"),
                "detail-type", List.of("Config Rules Compliance Change"),
                "detail", Map.of(
                        "configRuleName", DRIFT_RULES,
                        "resourceType", List.of("AWS::EC2::Instance", "AWS::SSM::ManagedInstanceInventory"),
                        "resourceId", List.of(Map.of("prefix", "i-")),
                        "newEvaluationResult", Map.of("complianceType", List.of("NON_COMPLIANT", "COMPLIANT")))));
    }

    @Test
    void imagesRulesOnePerEventKind() {
        assertRule("Images", Map.of(
                "source", List.of("aws.ec2"),
                "detail-type", List.of("EC2 AMI State Change"),
                "detail", Map.of("State", List.of("available"))));
        assertRule("Images", Map.of(
                "source", List.of("aws.imagebuilder"),
                "detail-type", List.of("EC2 Image Builder Image State Change"),
                "detail", Map.of("state", Map.of("status", List.of("AVAILABLE")))));
        assertRule("Images", Map.of(
                "source", List.of("drift-deploy.images"),
                "detail-type", List.of("Golden Image Published")));
    }

    @Test
    void refreshesAndAlarmsRules() {
        assertRule("Refreshes", Map.of(
                "source", List.of("aws.autoscaling"),
                "detail-type", List.of(Map.of("prefix", "EC2 Auto Scaling Instance Refresh"))));
        assertRule("Alarms", Map.of(
                "source", List.of("aws.cloudwatch"),
                "detail-type", List.of("CloudWatch Alarm State Change")));
        defaults.resourceCountIs("AWS::Events::Rule", 6);
    }

    @Test
    void everyRuleHasAnArchiveWithTheSamePatternForReplay() {
        Map<String, Map<String, Object>> rules = defaults.findResources("AWS::Events::Rule");
        Map<String, Map<String, Object>> archives = defaults.findResources("AWS::Events::Archive");
        assertThat(archives).hasSameSizeAs(rules);
        List<Object> rulePatterns = rules.values().stream().map(FunctionsStackTest::eventPattern).toList();
        List<Object> archivePatterns = archives.values().stream().map(FunctionsStackTest::eventPattern).toList();
        assertThat(archivePatterns).containsExactlyInAnyOrderElementsOf(rulePatterns);
        defaults.allResourcesProperties("AWS::Events::Archive", Map.of("RetentionDays", 30,
                "SourceArn", Match.anyValue()));
    }

    @Test
    void deadLetterQueuesAreEncryptedTlsOnlyAndAlarmedWhenTheyHoldAMessage() {
        defaults.resourceCountIs("AWS::SQS::Queue", 4);
        defaults.allResourcesProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true,
                "MessageRetentionPeriod", 1_209_600));
        defaults.allResourcesProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        // Failed asynchronous invocations (after Lambda's retries) land in the same queue.
        defaults.allResourcesProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                "Qualifier", Match.anyValue(),
                "MaximumRetryAttempts", 2,
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination",
                        Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp(".*DeadLetters.*"), "Arn"))))));
        Map<String, Map<String, Object>> dlqAlarms = defaults.findResources("AWS::CloudWatch::Alarm", Map.of(
                "Properties", Map.of(
                        "Namespace", "AWS/SQS",
                        "MetricName", "ApproximateNumberOfMessagesVisible",
                        "Threshold", 0,
                        "ComparisonOperator", "GreaterThanThreshold",
                        "AlarmActions", List.of(Map.of("Fn::ImportValue", Match.stringLikeRegexp(".*Topic.*"))))));
        assertThat(dlqAlarms).hasSize(4);
    }

    @Test
    void ledgerIsOnDemandWithPointInTimeRecoveryTtlAndEncryption() {
        defaults.hasResource("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Map.of(
                        "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"),
                                Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                        "AttributeDefinitions", List.of(Map.of("AttributeName", "pk", "AttributeType", "S"),
                                Map.of("AttributeName", "sk", "AttributeType", "S")),
                        "BillingMode", "PAY_PER_REQUEST",
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                        "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                        "SSESpecification", Map.of("SSEEnabled", true),
                        "DeletionProtectionEnabled", true)));
    }

    @Test
    void logGroupsKeepLogsForTheConfiguredRetention() {
        defaults.resourceCountIs("AWS::Logs::LogGroup", 4);
        defaults.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90));
    }

    @Test
    void alarmsFunctionSubscribesToExistingAlarmTopicsOnlyFromContext() {
        defaults.resourceCountIs("AWS::SNS::Subscription", 0);
        everything.hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "lambda",
                "TopicArn", "arn:aws:sns:us-east-1:111111111111:existing-alarms",
                "Endpoint", Map.of("Ref", Match.stringLikeRegexp("AlarmsAlias.*"))));
    }

    private void assertRule(String function, Map<String, Object> pattern) {
        defaults.hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventPattern", Match.exact(pattern),
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", Match.stringLikeRegexp(function + "Alias.*")))))));
    }

    @SuppressWarnings("unchecked")
    private static Object eventPattern(Map<String, Object> resource) {
        return ((Map<String, Object>) resource.get("Properties")).get("EventPattern");
    }
}
