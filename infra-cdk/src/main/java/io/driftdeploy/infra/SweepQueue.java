package io.driftdeploy.infra;

import io.driftdeploy.settings.Setting;
import java.util.List;
import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.scheduler.ContextAttribute;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.SqsSendMessage;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The scheduled sweep's plumbing (docs/sweep.md): its queue, which the sweep function both fills
 * (each listing step sends what it found) and consumes through an event source mapping with a
 * bounded concurrency and partial batch responses, and the EventBridge Scheduler schedule that
 * starts a sweep by putting one message on it.
 */
final class SweepQueue extends Construct {

    /** What EventBridge Scheduler accepts for a recurring schedule: {@code rate(...)} or {@code cron(...)}. */
    private static final Pattern RECURRING = Pattern.compile("(rate|cron)\\(.+\\)");

    /**
     * Failed deliveries of one message before it goes to the dead-letter queue: a message fails
     * while another invocation holds its evaluation, or on a throttled AWS call, and succeeds when
     * delivered again; five tries, each after the visibility timeout, outlast both.
     */
    static final int MAX_RECEIVE_COUNT = 5;

    /**
     * SQS batches of at most this many messages. A batch's evaluations are read together (one
     * DescribeInstances and one DescribeAutoScalingGroups a batch, docs/sweep.md "Facts read
     * ahead"), so the larger the batch the fewer calls per instance; a hundred refused decisions
     * (two ledger calls each) still finish in seconds, a small fraction of the function's timeout,
     * and a message begun too late is handed back untouched. Above 10 the mapping needs a batching
     * window ("Lambda parameters for Amazon SQS event source mappings": BatchSize up to 10,000 for
     * a standard queue; CDK refuses a larger batch without MaxBatchingWindow).
     */
    static final int BATCH_SIZE = 100;

    /** How long the mapping gathers a batch: each step of a sweep waits at most this long for its batch to fill. */
    static final Duration BATCHING_WINDOW = Duration.seconds(1);

    private final Queue queue;

    SweepQueue(Construct scope, String id, Settings settings, DriftDeployFunction sweep) {
        super(scope, id);
        // The queue's visibility timeout at least six times the function's timeout, as Lambda asks of an
        // SQS event source: time for the retries of a throttled batch ("Creating and configuring an Amazon SQS
        // event source mapping", https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
        queue = Queue.Builder.create(this, "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(6L * settings.functionTimeoutSeconds()))
                .deadLetterQueue(DeadLetterQueue.builder()
                        .queue(sweep.deadLetterQueue())
                        .maxReceiveCount(MAX_RECEIVE_COUNT)
                        .build())
                .build();
        sweep.function().addEnvironment(Setting.SWEEP_QUEUE_URL.environmentVariable().orElseThrow(), queue.getQueueUrl());
        sweep.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ListOntoTheSweepQueue")
                .actions(List.of("sqs:SendMessage"))
                .resources(List.of(queue.getQueueArn()))
                .build());
        // MaximumConcurrency (2 to 1,000) bounds the sweep's invocations, and so its load on the APIs it reads;
        // ReportBatchItemFailures lets one failed message come back alone ("Configuring scaling behavior for SQS
        // event source mappings", https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html;
        // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
        sweep.alias().addEventSource(SqsEventSource.Builder.create(queue)
                .batchSize(BATCH_SIZE)
                .maxBatchingWindow(BATCHING_WINDOW)
                .maxConcurrency(settings.sweepMaxConcurrency())
                .reportBatchItemFailures(true)
                .build());
        if (!settings.sweepSchedule().isEmpty()) {
            schedule(settings, sweep);
        }
    }

    /**
     * The schedule puts a start message on the queue, its id the scheduled time (a context attribute
     * EventBridge Scheduler fills in, "Adding context attributes in EventBridge Scheduler",
     * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html), so
     * that a retried delivery of one firing is one sweep. A delivery it gives up on goes to the sweep
     * function's dead-letter queue, whose alarm notifies.
     */
    private void schedule(Settings settings, DriftDeployFunction sweep) {
        if (!RECURRING.matcher(settings.sweepSchedule()).matches()) {
            throw new IllegalArgumentException("context 'sweepSchedule': expected rate(...) or cron(...), or empty for no "
                    + "schedule, got " + settings.sweepSchedule());
        }
        Schedule.Builder.create(this, "Schedule")
                .description("drift-deploy: sweep every drift rule's non-compliant instances (docs/sweep.md)")
                .schedule(ScheduleExpression.expression(settings.sweepSchedule()))
                .target(SqsSendMessage.Builder.create(queue)
                        .input(ScheduleTargetInput.fromText("{\"sweep\":\"start\",\"sweepId\":\""
                                + ContextAttribute.getScheduledTime() + "\"}"))
                        .deadLetterQueue(sweep.deadLetterQueue())
                        .build())
                .build();
    }

    Queue queue() {
        return queue;
    }
}
