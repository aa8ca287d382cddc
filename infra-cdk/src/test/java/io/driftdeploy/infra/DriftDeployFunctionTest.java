package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.infra.DriftDeployFunction.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.sns.Topic;

/**
 * One {@link DriftDeployFunction} in a stack of its own, beside only the topic its alarm notifies:
 * its props and defaults as the construct sets them, whatever FunctionsStack does around it. The
 * code is a few bytes, not the 50 MB functions jar, so each synth here is quick.
 */
class DriftDeployFunctionTest {

    /** Where the small code is written, once per JVM: other classes build functions with it too (SweepQueueTest). */
    private static Path assets;

    private static final Map<String, String> ENVIRONMENT = Map.of("DRIFT_DEPLOY_MODE", "dry-run");

    /** A stack holding the topic and one function of {@code kind} made with these context settings, then {@code then}. */
    static Template oneFunction(Kind kind, Map<String, Object> context, Consumer<DriftDeployFunction> then) {
        Settings settings = Settings.from(context::get);
        Stack stack = new Stack(new App(), "OneFunction");
        Topic topic = Topic.Builder.create(stack, "Topic").build();
        DriftDeployFunction function = new DriftDeployFunction(stack, kind, Code.fromAsset(smallCode().toString()),
                ENVIRONMENT, settings, topic, EventBus.fromEventBusName(stack, "Bus", "default"));
        then.accept(function);
        return Template.fromStack(stack);
    }

    private static Template oneFunction(Kind kind, Map<String, Object> context) {
        return oneFunction(kind, context, function -> { });
    }

    private static synchronized Path smallCode() {
        try {
            if (assets == null) {
                assets = Files.createTempDirectory("drift-deploy-function-test");
                assets.toFile().deleteOnExit();
            }
            Path jar = assets.resolve("function.jar");
            if (!Files.exists(jar)) {
                Files.write(jar, new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
                jar.toFile().deleteOnExit();
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theFunctionRunsItsKindsHandlerOnJava21Arm64WithSnapStartAndTheGivenEnvironment() {
        Template drift = oneFunction(Kind.DRIFT, Map.of());

        drift.resourceCountIs("AWS::Lambda::Function", 1);
        drift.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "Handler", "io.driftdeploy.handler.DriftHandler::handleRequest",
                "MemorySize", 1024,
                "Timeout", 120,
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "Environment", Map.of("Variables", ENVIRONMENT),
                "Description", "drift-deploy drift"));
    }

    /**
     * JSON logs whose application level lets INFO through (the embedded metric lines carry no
     * level, which Lambda reads as INFO), and active tracing, whose writes the role may make.
     */
    @Test
    void theFunctionLogsJsonAtInfoAndIsTracedByXRay() {
        Template drift = oneFunction(Kind.DRIFT, Map.of());

        drift.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "LoggingConfig", Map.of("LogFormat", "JSON", "ApplicationLogLevel", "INFO", "SystemLogLevel", "INFO"),
                "TracingConfig", Map.of("Mode", "Active")));
        drift.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Map.of(
                        "Action", List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords"),
                        "Effect", "Allow",
                        "Resource", "*"))))));
    }

    @Test
    void theAlarmsFunctionGetsTheSweepsTimeoutAndEveryOtherKindTheFunctionTimeout() {
        Map<String, Object> context = Map.of("functionTimeoutSeconds", "60", "sweepTimeoutSeconds", "600", "functionMemoryMb", "2048");

        oneFunction(Kind.ALARMS, context).hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.driftdeploy.handler.AlarmsHandler::handleRequest", "Timeout", 600, "MemorySize", 2048));
        oneFunction(Kind.IMAGES, context).hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.driftdeploy.handler.ImagesHandler::handleRequest", "Timeout", 60, "MemorySize", 2048));
    }

    @Test
    void itsOwnRoleHoldsNoManagedPolicyAndItsOwnLogGroupKeepsLogsForTheRetentionSetting() {
        Template defaults = oneFunction(Kind.REFRESHES, Map.of());

        defaults.resourceCountIs("AWS::IAM::Role", 1);
        defaults.hasResourceProperties("AWS::IAM::Role", Map.of(
                "AssumeRolePolicyDocument", Map.of("Statement", List.of(Match.objectLike(Map.of(
                        "Action", "sts:AssumeRole", "Principal", Map.of("Service", "lambda.amazonaws.com"))))),
                "ManagedPolicyArns", Match.absent(),
                "Description", "drift-deploy Refreshes function"));
        defaults.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90));
        defaults.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "LoggingConfig", Map.of("LogGroup", Map.of("Ref", Match.stringLikeRegexp("RefreshesLogs.*")))));
        oneFunction(Kind.REFRESHES, Map.of("logRetention", "ONE_WEEK"))
                .hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 7));
    }

    @Test
    void theDeadLetterQueueIsEncryptedTlsOnlyAndKeepsMessagesFourteenDays() {
        Template template = oneFunction(Kind.DRIFT, Map.of());

        template.resourceCountIs("AWS::SQS::Queue", 1);
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true, "MessageRetentionPeriod", 14 * 24 * 3600));
        SynthesizedApp.deniesInsecureTransport(template, "AWS::SQS::QueuePolicy");
    }

    @Test
    void theLiveAliasRetriesTwiceAndSendsWhatStillFailsToTheDeadLetterQueueWithinSixHours() {
        Template defaults = oneFunction(Kind.DRIFT, Map.of());

        defaults.resourceCountIs("AWS::Lambda::Alias", 1);
        defaults.hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "live",
                "FunctionVersion", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("DriftFunctionCurrentVersion.*"), "Version"))));
        // One invoke config, the alias's (its Qualifier is the alias name, read back from the alias ARN).
        defaults.resourceCountIs("AWS::Lambda::EventInvokeConfig", 1);
        defaults.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                "MaximumRetryAttempts", 2,
                "MaximumEventAgeInSeconds", 120 * 60,
                "DestinationConfig", Map.of("OnFailure", Map.of(
                        "Destination", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("DriftDeadLetters.*"), "Arn"))))));
        // Lambda keeps an asynchronous event at most six hours, however long EventBridge's targets may hold it.
        oneFunction(Kind.DRIFT, Map.of("targetMaxEventAgeMinutes", "1440"))
                .hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of("MaximumEventAgeInSeconds", 360 * 60));
    }

    @Test
    void aMessageInTheDeadLetterQueueRaisesANamedAlarmThatNotifiesTheTopicDirectly() {
        Template template = oneFunction(Kind.IMAGES, Map.of("stackPrefix", "Acme"));

        template.resourceCountIs("AWS::CloudWatch::Alarm", 1);
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmName", "Acme-images-dead-letters",
                "MetricName", "ApproximateNumberOfMessagesVisible",
                "Namespace", "AWS/SQS",
                "Statistic", "Maximum",
                "Period", 300,
                "Threshold", 0,
                "ComparisonOperator", "GreaterThanThreshold",
                "EvaluationPeriods", 1,
                "TreatMissingData", "notBreaching",
                "AlarmActions", List.of(Map.of("Ref", Match.stringLikeRegexp("Topic.*")))));
    }

    @Test
    void noRuleNorArchiveUntilAnEventRuleIsAdded() {
        Template template = oneFunction(Kind.DRIFT, Map.of());

        template.resourceCountIs("AWS::Events::Rule", 0);
        template.resourceCountIs("AWS::Events::Archive", 0);
    }

    @Test
    void anEventRuleTargetsTheLiveAliasWithRetriesAndTheDeadLetterQueueAndIsArchivedForReplay() {
        EventPattern pattern = EventPattern.builder().source(List.of("drift-deploy.test")).build();
        DriftDeployFunction[] made = new DriftDeployFunction[1];
        Template template = oneFunction(Kind.IMAGES, Map.of("targetRetryAttempts", "3", "targetMaxEventAgeMinutes", "60",
                "archiveRetentionDays", "7"), function -> {
            function.addEventRule("Test", "test events", pattern);
            made[0] = function;
        });

        template.resourceCountIs("AWS::Events::Rule", 1);
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "Description", "test events",
                "EventPattern", Map.of("source", List.of("drift-deploy.test")),
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Ref", Match.stringLikeRegexp("ImagesAlias.*")),
                        "DeadLetterConfig", Map.of("Arn", Map.of("Fn::GetAtt",
                                List.of(Match.stringLikeRegexp("ImagesDeadLetters.*"), "Arn"))),
                        "RetryPolicy", Map.of("MaximumRetryAttempts", 3, "MaximumEventAgeInSeconds", 3600))))));
        template.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "Action", "lambda:InvokeFunction", "Principal", "events.amazonaws.com"));
        template.hasResourceProperties("AWS::Events::Archive", Map.of(
                "Description", "Replayable copy of: test events",
                "EventPattern", Map.of("source", List.of("drift-deploy.test")),
                "RetentionDays", 7,
                // CDK's "" is not a valid key identifier (aws/aws-cdk#37847): the property is left out.
                "KmsKeyIdentifier", Match.absent()));
        assertThat(made[0].archives()).containsOnlyKeys("Test");
    }
}
