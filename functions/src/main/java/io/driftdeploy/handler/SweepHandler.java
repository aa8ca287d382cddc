package io.driftdeploy.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.InvalidEventException;
import io.driftdeploy.event.QueueBatch;
import io.driftdeploy.message.SweepReports;
import io.driftdeploy.orchestration.ScheduledSweep;
import io.driftdeploy.orchestration.Telemetry;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The sweep function ({@link ScheduledSweep}): a batch of the sweep queue's messages in (Lambda's
 * SQS event source mapping), the ids of the messages to deliver again out, as a partial batch
 * response ({@code batchItemFailures}, which the mapping's {@code ReportBatchItemFailures} turns on:
 * "Handling errors for an SQS event source in Lambda",
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
 */
public final class SweepHandler implements RequestStreamHandler {

    private final ScheduledSweep sweep;
    private final Clock clock;

    /** Lambda's entry: settings, the queue's URL and clients are built once, at init; a bad setting fails init naming it. */
    public SweepHandler() {
        this(Settings.fromEnvironment(), Settings.sweepQueueUrl(System.getenv()), AwsClients.fromEnvironment(),
                Clock.systemUTC(), Telemetry.toStdout(SweepReports.FUNCTION));
    }

    /** For tests and benchmarks: the settings, queue, endpoint, clock and log stream given. */
    public SweepHandler(Settings settings, String queueUrl, AwsClients aws, Clock clock, Telemetry telemetry) {
        this.sweep = ScheduledSweep.wire(settings, aws, queueUrl, clock, telemetry);
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        if (context != null) {
            sweep.reporter().telemetry().invoked(context.getFunctionName(), context.getAwsRequestId(),
                    EventFunction.traceHeader(context));
        }
        List<String> again = handle(HandlerIo.readAll(input), HandlerIo.deadline(context, clock));
        HandlerIo.writeJson(output, Map.of("batchItemFailures",
                again.stream().map(messageId -> Map.of("itemIdentifier", messageId)).toList()));
    }

    /**
     * Handles one batch in an invocation that ends by {@code deadline}; returns the ids of the
     * messages to deliver again. A batch that is not an SQS event is rejected whole, naming the field.
     */
    public List<String> handle(byte[] json, Instant deadline) {
        QueueBatch batch;
        try {
            batch = QueueBatch.parse(json);
        } catch (InvalidEventException invalid) {
            sweep.reporter().reject(SweepReports.FUNCTION, invalid.field(), invalid.problem());
            return List.of();
        }
        return sweep.handle(batch, deadline);
    }
}
