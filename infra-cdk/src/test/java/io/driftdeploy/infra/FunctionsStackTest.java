package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.AuditTrail;
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

    private static final List<String> DRIFT_RULES = List.of("DriftDeploy-ec2-managedinstance-inventory-blacklisted",
            "DriftDeploy-approved-amis-by-tag", "DriftDeploy-ec2-instance-managed-by-ssm", "DriftDeploy-ec2-imdsv2-check");
    /** The topic's ARN from its name: no Fn::ImportValue of the Notifications stack's export. */
    static final Map<String, Object> TOPIC_ARN = SynthesizedApp.joined(
            "arn:", "AWS::Partition", ":sns:", "AWS::Region", ":", "AWS::AccountId", ":DriftDeploy-notifications");

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
        defaults.resourceCountIs("AWS::Lambda::Function", Kind.values().length);
        defaults.resourceCountIs("AWS::Lambda::Version", Kind.values().length);
        defaults.resourceCountIs("AWS::Lambda::Alias", Kind.values().length);
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
        expected.put("DRIFT_DEPLOY_TOPIC_ARN", TOPIC_ARN);
        expected.put("DRIFT_DEPLOY_TABLE", Map.of("Ref", Match.stringLikeRegexp("Ledger.*")));
        expected.put("DRIFT_DEPLOY_ACCOUNT_ID", Map.of("Ref", "AWS::AccountId"));
        // No trustedAccounts in context: the deploying account, explicitly, not "whatever the event says".
        expected.put("DRIFT_DEPLOY_TRUSTED_ACCOUNTS", Map.of("Ref", "AWS::AccountId"));
        expected.put("DRIFT_DEPLOY_MODE", "dry-run");
        expected.put("DRIFT_DEPLOY_MODE_TAG", "drift-deploy:mode");
        expected.put("DRIFT_DEPLOY_DRIFT_RULES", String.join(",", DRIFT_RULES));
        expected.put("DRIFT_DEPLOY_OPT_IN_TAG", "drift-deploy:remediation=terminate");
        expected.put("DRIFT_DEPLOY_PROTECT_TAG", "drift-deploy:protect");
        expected.put("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "90");
        expected.put("DRIFT_DEPLOY_MIN_HEALTHY_TAG", "drift-deploy:min-healthy-percent");
        expected.put("DRIFT_DEPLOY_GOLDEN_IMAGE_TAG", "drift-deploy-golden=true");
        expected.put("DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "2");
        expected.put("DRIFT_DEPLOY_MAX_TERMINATIONS_PER_ACCOUNT", "10");
        expected.put("DRIFT_DEPLOY_MAX_TERMINATIONS_PER_ORGANIZATION", "10");
        expected.put("DRIFT_DEPLOY_MEMBER_ROLE_NAME", "drift-deploy-member");
        expected.put("DRIFT_DEPLOY_RATE_WINDOW_MINUTES", "60");
        expected.put("DRIFT_DEPLOY_BUDGET_TAG", "drift-deploy:budget");
        expected.put("DRIFT_DEPLOY_ACTION_TAG", "drift-deploy:action");
        expected.put("DRIFT_DEPLOY_KEEP_TAG", "drift-deploy:keep");
        expected.put("DRIFT_DEPLOY_QUARANTINE_RETENTION_DAYS", "7");
        expected.put("DRIFT_DEPLOY_REPLACEMENT_TAG", "drift-deploy:replacement");
        expected.put("DRIFT_DEPLOY_DEFAULT_REPLACEMENT", "terminate");
        expected.put("DRIFT_DEPLOY_DRIFT_ALARMS", "DriftDeploy-drift-detected");
        expected.put("DRIFT_DEPLOY_TEMPLATE_INHERITED_RULES", DRIFT_RULES.get(0));
        expected.put("DRIFT_DEPLOY_APP_TAG", "drift-deploy:app");
        expected.put("DRIFT_DEPLOY_STRATEGY_TAG", "drift-deploy:rollout");
        expected.put("DRIFT_DEPLOY_GUARD_ALARMS_TAG", "drift-deploy:guard-alarms");
        expected.put("DRIFT_DEPLOY_INSTANCE_WARMUP_SECONDS", "300");
        expected.put("DRIFT_DEPLOY_AUDIT_RETENTION_DAYS", "400");
        expected.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        // Exact: optional settings left empty are absent, so the functions apply their own defaults. Only the
        // sweep function has a queue.
        defaults.resourceCountIs("AWS::Lambda::Function", Kind.values().length);
        for (Kind kind : Kind.values()) {
            Map<String, Object> variables = new LinkedHashMap<>(expected);
            if (kind == Kind.SWEEP) {
                variables.put("DRIFT_DEPLOY_SWEEP_QUEUE_URL", Map.of("Ref", Match.stringLikeRegexp("SweepQueue.*")));
            }
            defaults.hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "Description", "drift-deploy " + kind.id().toLowerCase(java.util.Locale.ROOT),
                    "Environment", Map.of("Variables", Match.exact(variables))));
        }

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
        // Only the alarms drift-deploy acts on: the drift alarm by name, guard alarms by the opt-in prefix.
        assertRule("Alarms", Map.of(
                "source", List.of("aws.cloudwatch"),
                "detail-type", List.of("CloudWatch Alarm State Change"),
                "detail", Map.of("alarmName", List.of("DriftDeploy-drift-detected",
                        Map.of("prefix", "DriftDeploy-guard-")))));
        // Configured guard alarms by name too.
        everything.hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Map.of(
                "source", List.of("aws.cloudwatch"),
                "detail", Map.of("alarmName", List.of("DriftDeploy-drift-detected", "app-5xx",
                        Map.of("prefix", "DriftDeploy-guard-"))))));
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
    void archivesCarryNoEmptyKmsKeyIdentifier() {
        // An empty KmsKeyIdentifier fails the deploy; absent, the archive uses an AWS owned key.
        defaults.resourceCountIs("AWS::Events::Archive", 6);
        defaults.allResourcesProperties("AWS::Events::Archive",
                Match.not(Match.objectLike(Map.of("KmsKeyIdentifier", Match.anyValue()))));
    }

    /** The example's cdk.json leaves the scheduled sweep off; the stack's default (everything's context names it) is on. */
    @Test
    void theSweepIsScheduledOnlyWhenSweepScheduleIsSet() {
        defaults.resourceCountIs("AWS::Scheduler::Schedule", 0);
        everything.resourceCountIs("AWS::Scheduler::Schedule", 1);
        everything.hasOutput("SweepQueueUrl", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp("SweepQueue.*"))));
    }

    @Test
    void deadLetterQueuesAreEncryptedTlsOnlyAndAlarmedWhenTheyHoldAMessage() {
        // A dead-letter queue a function, and the sweep's queue (SweepQueueTest).
        defaults.resourceCountIs("AWS::SQS::Queue", Kind.values().length + 1);
        defaults.allResourcesProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true));
        assertThat(defaults.findResources("AWS::SQS::Queue", Map.of("Properties", Map.of("MessageRetentionPeriod", 1_209_600))))
                .hasSize(Kind.values().length);
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
                        // Straight to the topic: these say the functions fail, so no function relays them.
                        "AlarmActions", List.of(TOPIC_ARN))));
        assertThat(dlqAlarms).hasSize(Kind.values().length);
        for (Kind kind : Kind.values()) {
            defaults.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName",
                    "DriftDeploy-" + kind.id().toLowerCase(java.util.Locale.ROOT) + "-dead-letters"));
        }
    }

    @Test
    void synthFailsWhenTheAlarmsRuleWouldAlsoDeliverTheDeadLetterAlarms() {
        // Each change of a dead-letter alarm would arrive twice: from its SNS action and via the function.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DriftDeployApp.define(new software.amazon.awscdk.App(
                        software.amazon.awscdk.AppProps.builder().context(SynthesizedApp.context(
                                Map.of("alarmNamePrefix", "DriftDeploy-"))).build())))
                .hasMessageContaining("dead-letter alarm DriftDeploy-drift-dead-letters");
    }

    @Test
    void outputsNameWhatAnOperatorInvokesAndInspectsWithoutExports() {
        for (Kind kind : Kind.values()) {
            defaults.hasOutput(kind.id() + "FunctionName", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp(kind.id() + "Function.*"))));
            defaults.hasOutput(kind.id() + "LiveAliasArn", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp(kind.id() + "Alias.*"))));
            defaults.hasOutput(kind.id() + "DeadLetterQueueName", Map.of("Value", Match.anyValue()));
            defaults.hasOutput(kind.id() + "DeadLetterQueueUrl", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp(kind.id() + "DeadLetters.*"))));
        }
        defaults.hasOutput("LedgerTableName", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp("Ledger.*"))));
        for (String rule : List.of("ConfigCompliance", "AmiAvailable", "ImageBuilderAvailable", "GoldenImagePublished",
                "InstanceRefresh", "AlarmStateChange")) {
            defaults.hasOutput(rule + "ArchiveName", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp(".*" + rule + "Archive.*"))));
        }
    }

    @Test
    void ledgerIsOnDemandWithPointInTimeRecoveryTtlAndEncryption() {
        defaults.hasResource("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Map.of(
                        "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"),
                                Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                        "BillingMode", "PAY_PER_REQUEST",
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                        "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                        "SSESpecification", Map.of("SSEEnabled", true),
                        "DeletionProtectionEnabled", true)));
    }

    @Test
    void ledgerHasOneHistoryIndexKeyedAsTheFunctionsWriteIt() {
        defaults.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "AttributeDefinitions", List.of(Map.of("AttributeName", "pk", "AttributeType", "S"),
                        Map.of("AttributeName", "sk", "AttributeType", "S"),
                        Map.of("AttributeName", AuditTrail.HISTORY_KEY, "AttributeType", "S")),
                "GlobalSecondaryIndexes", List.of(Map.of(
                        "IndexName", AuditTrail.HISTORY_INDEX,
                        "KeySchema", List.of(Map.of("AttributeName", AuditTrail.HISTORY_KEY, "KeyType", "HASH"),
                                Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                        "Projection", Map.of("ProjectionType", "ALL")))));
    }

    @Test
    void logGroupsKeepLogsForTheConfiguredRetention() {
        defaults.resourceCountIs("AWS::Logs::LogGroup", Kind.values().length);
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

    /** One quarantine group per configured VPC: no ingress, and an egress rule that matches no traffic (so no default allow-all). */
    @Test
    void eachQuarantineVpcGetsAGroupThatLetsNothingInOrOut() {
        defaults.resourceCountIs("AWS::EC2::SecurityGroup", 0);
        everything.resourceCountIs("AWS::EC2::SecurityGroup", 2);
        for (String vpc : List.of("vpc-0a1b2c3d4e5f60718", "vpc-0fedcba9876543210")) {
            everything.hasResourceProperties("AWS::EC2::SecurityGroup", Match.objectLike(Map.of(
                    "VpcId", vpc,
                    "SecurityGroupIngress", Match.absent(),
                    "SecurityGroupEgress", List.of(Map.of("CidrIp", "255.255.255.255/32", "IpProtocol", "icmp",
                            "FromPort", 252, "ToPort", 86,
                            "Description", "Matches no traffic: replaces the default allow-all egress rule")))));
        }
        everything.allResourcesProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Map.of(
                "DRIFT_DEPLOY_QUARANTINE_SECURITY_GROUPS", Match.objectLike(Map.of("Fn::Join", Match.anyValue()))))));
    }
}
