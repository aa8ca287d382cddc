package io.driftdeploy.cli;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.cli.aws.DeadLetterQueue;
import io.driftdeploy.cli.aws.DeadLetterQueue.DeadLetter;
import io.driftdeploy.cli.aws.EventRedelivery;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Delivers the events in an EventBridge dead-letter queue again, deleting each one only once AWS accepted it. */
@Command(
        name = "redrive",
        mixinStandardHelpOptions = true,
        description = {
                "Deliver again the events an EventBridge rule failed to deliver, from the target's dead-letter queue.",
                "Events from custom sources (e.g. drift-deploy.images) go back onto the bus of the rule that matched them;",
                "events from AWS services (aws.*), which PutEvents refuses, go to the Lambda target they missed (asynchronous invoke);",
                "Lambda's on-failure records (the function's own retries ran out) go back to that function.",
                "A message is deleted only after AWS accepted its event; the others stay in the queue, each with the reason."},
        footer = {
                "",
                "Examples:",
                "  drift-deploy redrive --dlq drift-deploy-dlq",
                "  drift-deploy redrive --dlq https://sqs.us-east-1.amazonaws.com/123456789012/drift-deploy-dlq --max 10",
                "",
                "A custom event put back on its bus gets a new event id and is matched by every rule on that bus.",
                "Exit status: 0 every message was redriven (or the queue was empty); 1 some stayed in the queue, or AWS refused;",
                "2 usage error."})
final class RedriveCommand extends AwsCommand {

    @Option(names = "--dlq", required = true, paramLabel = "QUEUE", description = "The dead-letter queue: its name or URL.")
    private String queue;

    @Option(names = "--max", paramLabel = "N", description = "Redrive at most N messages. Default: all of them.")
    private Integer max;

    @Override
    public Integer call() {
        if (max != null && max < 1) {
            throw usageError("--max must be at least 1, got " + max);
        }
        Console console = console();
        PrintStream out = console.out();
        AwsClients clients = aws.clients(console.environment());
        DeadLetterQueue dlq = DeadLetterQueue.named(clients.otherClient(SqsClient.builder()), queue);
        EventRedelivery redelivery = new EventRedelivery(clients.otherClient(EventBridgeClient.builder()),
                clients.otherClient(LambdaClient.builder()));
        int limit = max == null ? Integer.MAX_VALUE : max;
        Progress progress = Progress.of(console, "redrive", Optional.empty());

        int toBus = 0;
        int toTarget = 0;
        List<DeadLetter> kept = new ArrayList<>();
        Set<String> keptIds = new HashSet<>();
        int received = 0;
        List<DeadLetter> batch = dlq.receive(limit);
        while (!batch.isEmpty()) {
            for (DeadLetter letter : batch) {
                if (keptIds.contains(letter.messageId())) {
                    // Kept earlier in this run and visible again after a long run: it was already reported.
                    continue;
                }
                received++;
                DeadLetterRoute route = DeadLetterRoute.of(letter);
                Optional<String> failure = switch (route) {
                    case DeadLetterRoute.ToBus bus -> redelivery.putOnBus(bus.busArn(), bus.event());
                    case DeadLetterRoute.ToTarget target -> redelivery.invokeAsync(target.functionArn(), target.eventJson());
                    case DeadLetterRoute.Unroutable unroutable -> Optional.of(unroutable.reason());
                };
                if (failure.isPresent()) {
                    kept.add(letter);
                    keptIds.add(letter.messageId());
                    progress.above(out, "kept      message " + letter.messageId() + ": " + failure.get()
                            + letter.errorCode().map(code -> " (it first failed with " + code + ")").orElse(""));
                    progress.tally(tally(received, toBus + toTarget, kept.size()));
                    continue;
                }
                dlq.delete(letter);
                if (route instanceof DeadLetterRoute.ToBus) {
                    toBus++;
                } else {
                    toTarget++;
                }
                progress.above(out, "redriven  " + ((DeadLetterRoute.Delivery) route).summary());
                progress.tally(tally(received, toBus + toTarget, kept.size()));
            }
            batch = received < limit ? dlq.receive(limit - received) : List.of();
        }
        progress.end();
        kept.forEach(dlq::release);
        out.printf("%s: %d received, %d redriven to their bus, %d redriven to their target, %d failed and kept in the queue%n",
                dlq.url(), received, toBus, toTarget, kept.size());
        out.flush();
        if (!kept.isEmpty()) {
            throw new CliFailure(kept.size() + " of " + received + " messages could not be redriven and stay in " + dlq.url());
        }
        return 0;
    }

    private static String tally(int received, int redriven, int kept) {
        return received + " received, " + redriven + " redriven, " + kept + " kept";
    }
}
