package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.infra.DriftDeployFunction.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The scheduled sweep's queue, event source mapping and schedule, beside the sweep function alone. */
class SweepQueueTest {

    private static Template sweep(Map<String, Object> context) {
        return DriftDeployFunctionTest.oneFunction(Kind.SWEEP, context,
                function -> new SweepQueue(Stack.of(function), "SweepQueue", Settings.from(context::get), function));
    }

    @Test
    void theQueueOutlastsSixTimeoutsIsEncryptedSslOnlyAndRedrivesToTheFunctionsDeadLetters() {
        Template template = sweep(Map.of("functionTimeoutSeconds", "100"));

        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "VisibilityTimeout", 600,
                "SqsManagedSseEnabled", true,
                "RedrivePolicy", Map.of("maxReceiveCount", SweepQueue.MAX_RECEIVE_COUNT)));
        SynthesizedApp.deniesInsecureTransport(template, "AWS::SQS::QueuePolicy");
    }

    @Test
    void theFunctionConsumesItWithBoundedConcurrencyAndPartialBatchResponses() {
        Template template = sweep(Map.of("sweepMaxConcurrency", "7"));

        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "BatchSize", SweepQueue.BATCH_SIZE,
                "MaximumBatchingWindowInSeconds", 1,
                "ScalingConfig", Map.of("MaximumConcurrency", 7),
                "FunctionResponseTypes", List.of("ReportBatchItemFailures")));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables",
                Match.objectLike(Map.of("DRIFT_DEPLOY_SWEEP_QUEUE_URL", Match.anyValue())))));
        template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Sid", "ListOntoTheSweepQueue", "Action", "sqs:SendMessage",
                        "Resource", Match.objectLike(Map.of("Fn::GetAtt", Match.arrayWith(List.of("Arn")))))))))));
    }

    @Test
    void byDefaultAScheduleStartsASweepEveryHourNamedByItsScheduledTime() {
        Template template = sweep(Map.of());

        template.hasResourceProperties("AWS::Scheduler::Schedule", Map.of(
                "ScheduleExpression", "rate(1 hour)",
                "Target", Match.objectLike(Map.of(
                        "Input", "{\"sweep\":\"start\",\"sweepId\":\"<aws.scheduler.scheduled-time>\"}",
                        "DeadLetterConfig", Match.objectLike(Map.of())))));
    }

    @Test
    void anEmptyScheduleMeansNoneAndAMalformedOneFailsSynthNamingTheKey() {
        sweep(Map.of("sweepSchedule", "")).resourceCountIs("AWS::Scheduler::Schedule", 0);

        assertThatThrownBy(() -> sweep(Map.of("sweepSchedule", "every hour")))
                .hasMessageContaining("sweepSchedule");
    }
}
