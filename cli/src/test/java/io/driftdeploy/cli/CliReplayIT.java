package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.testing.Emulator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DescribeReplayResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * replay on the emulator: a bus with a rule delivering to a queue, an archive of the bus; the
 * events put on the bus reach the queue once, and again after the replay. moto replays every
 * archived event at once (it ignores the time range and FilterArns), so the rule filter is checked
 * by what the replay was started with.
 */
class CliReplayIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs = Emulator.client(SqsClient.builder());
    private final EventBridgeClient eventBridge = Emulator.client(EventBridgeClient.builder());
    private final String prefix = "dd-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> environment = Map.of("AWS_ENDPOINT_URL", Emulator.endpoint().toString());

    @Test
    void replaysTheArchivedEventsToTheBusAndFollowsTheReplayToCompletion() throws Exception {
        Instant before = Instant.now().minusSeconds(60);
        String bus = eventBridge.createEventBus(r -> r.name(prefix + "-bus")).eventBusArn();
        String queueUrl = ruleDeliveringTo(prefix + "-images", prefix + "-bus");
        eventBridge.createArchive(r -> r.archiveName(prefix + "-archive").eventSourceArn(bus));
        putImagePublished(prefix + "-bus", "ami-0aaaaaaaaaaaaaaa1");
        putImagePublished(prefix + "-bus", "ami-0aaaaaaaaaaaaaaa2");
        assertThat(imagesDelivered(queueUrl, 2)).containsExactlyInAnyOrder("ami-0aaaaaaaaaaaaaaa1", "ami-0aaaaaaaaaaaaaaa2");

        CliRun run = CliRun.of(environment, "replay", "--archive", prefix + "-archive",
                "--from", before.toString(), "--to", Instant.now().plusSeconds(1).toString(),
                "--rule", prefix + "-images", "--poll-seconds", "0.2");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).as(run.toString()).contains("COMPLETED");
        assertThat(run.err()).contains("started: archive " + prefix + "-archive").contains("rule arn:aws:events:");
        assertThat(imagesDelivered(queueUrl, 2)).containsExactlyInAnyOrder("ami-0aaaaaaaaaaaaaaa1", "ami-0aaaaaaaaaaaaaaa2");
        String replayName = run.out().split(" ")[1].replace(":", "");
        DescribeReplayResponse replay = eventBridge.describeReplay(r -> r.replayName(replayName));
        assertThat(replay.destination().arn()).isEqualTo(bus);
        assertThat(replay.destination().filterArns()).singleElement().asString().endsWith("rule/" + prefix + "-bus/" + prefix + "-images");
    }

    @Test
    void anArchiveThatDoesNotExistFailsWithOneClearLine() {
        CliRun run = CliRun.of(environment, "replay", "--archive", prefix + "-missing", "--from", "-1h", "--to", "now");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("refused").contains(prefix + "-missing").doesNotContain("\tat ");
    }

    private String ruleDeliveringTo(String rule, String busName) {
        String queueUrl = sqs.createQueue(r -> r.queueName(rule)).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        eventBridge.putRule(r -> r.name(rule).eventBusName(busName)
                .eventPattern("{\"source\":[\"drift-deploy.images\"]}"));
        eventBridge.putTargets(r -> r.rule(rule).eventBusName(busName).targets(t -> t.id("queue").arn(queueArn)));
        return queueUrl;
    }

    private void putImagePublished(String busName, String imageId) {
        assertThat(eventBridge.putEvents(r -> r.entries(e -> e.eventBusName(busName).source("drift-deploy.images")
                .detailType("Golden Image Published").detail("{\"imageId\":\"" + imageId + "\",\"app\":\"shop\"}"))).failedEntryCount())
                .isZero();
    }

    /** The image ids of the events the queue received, waiting for {@code count} of them. */
    private List<String> imagesDelivered(String queueUrl, int count) throws Exception {
        List<String> images = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(20);
        while (images.size() < count && Instant.now().isBefore(deadline)) {
            for (Message message : sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                images.add(JSON.readTree(message.body()).path("detail").path("imageId").asText());
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        return images;
    }
}
