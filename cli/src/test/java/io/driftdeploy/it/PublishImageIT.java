package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.cli.Main;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.Events;
import io.driftdeploy.event.ImageAvailable.GoldenImagePublished;
import io.driftdeploy.event.ImageAvailable;
import io.driftdeploy.event.ImageSource;
import io.driftdeploy.handler.ImagesHandler;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.Sandbox;
import io.driftdeploy.testing.TestGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** publish-image, as a CI pipeline runs it after packer build, feeding the images function. */
class PublishImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The last run's us-east-1 AMI in the sample manifest (src/test/resources/packer/manifest.json). */
    private static final String SAMPLE_LAST_AMI = "ami-0a1b2c3d4e5f60004";

    private final Sandbox env = Sandbox.create();
    private final AwsClients aws = new AwsClients(Emulator.REGION, Optional.of(Emulator.endpoint()));
    private final SqsClient sqs = env.clients.sqs();
    private final EventBridgeClient eventBridge = Emulator.client(EventBridgeClient.builder());
    private final String app = env.prefix + "-shop";

    PublishImageIT() {
        // The functions' ledger, which the images function claims its events in.
        Ledger.createTable(aws.dynamoDb(), env.tableName);
    }

    @TempDir
    Path dir;

    @Test
    void theEventPublishedFromAPackerManifestReachesTheBusAndRollsTheImageOut() throws IOException {
        String running = env.registerImage("v1", Map.of("drift-deploy:app", app, "drift-deploy-golden", "true"));
        TestGroup group = env.group("blue").instances(2).tag("drift-deploy:app", app).image(running).create();
        // As Packer leaves it: tagged with its application only; publishing makes it golden.
        String golden = env.registerImage("v2", Map.of("drift-deploy:app", app));
        String inbox = queueReceivingGoldenImagesOf(app);
        Path manifest = manifestWithLastBuild(golden);

        int exit = Main.run("publish-image", "--manifest", manifest.toString(), "--app", app,
                "--region", Emulator.REGION.id(), "--endpoint-url", Emulator.endpoint().toString());

        assertThat(exit).isZero();
        assertThat(imageTags(golden)).containsEntry("drift-deploy-golden", "true");
        byte[] delivered = awaitMessage(inbox).body().getBytes(StandardCharsets.UTF_8);
        ImageAvailable parsed = Events.parseImage(delivered);
        assertThat(parsed.source()).isEqualTo(ImageSource.GOLDEN_IMAGE_PUBLISHED);
        assertThat(parsed).isInstanceOfSatisfying(GoldenImagePublished.class, published -> {
            assertThat(published.imageId()).isEqualTo(golden);
            assertThat(published.app()).isEqualTo(app);
        });
        assertThat(JSON.readTree(delivered).path("detail").path("buildName").asText()).isEqualTo("app");
        assertThat(JSON.readTree(delivered).path("detail").path("buildTime").asLong()).isEqualTo(1749714058L);

        Clock clock = Clock.systemUTC();
        Map<String, Object> result = new ImagesHandler(Settings.from(env.environment(Map.of("DRIFT_DEPLOY_MODE", "enforce"))), aws, clock,
                new Telemetry(ImagesHandler.FUNCTION, new PrintStream(new ByteArrayOutputStream()), clock)).handle(delivered).json();

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> decisions = (List<Map<String, Object>>) result.get("decisions");
        assertThat(decisions).singleElement().satisfies(decision -> assertThat(decision)
                .containsEntry("decision", "refresh").containsEntry("group", group.name).containsEntry("image", golden));
    }

    @Test
    void publishingAgainIsIdempotentAndTheGoldenTagCanBeTheDeploymentsOwn() throws IOException {
        String golden = env.registerImage("v2", Map.of("drift-deploy:app", app, "approved", "no"));
        String inbox = queueReceivingGoldenImagesOf(app);
        Path manifest = manifestWithLastBuild(golden);

        for (int run = 0; run < 2; run++) {
            int exit = Main.run("publish-image", "--manifest", manifest.toString(), "--app", app,
                    "--golden-tag", "approved=yes", "--region", Emulator.REGION.id(),
                    "--endpoint-url", Emulator.endpoint().toString());
            assertThat(exit).isZero();
        }

        assertThat(imageTags(golden)).containsEntry("approved", "yes").containsEntry("drift-deploy:app", app)
                .doesNotContainKey("drift-deploy-golden");
        assertThat(Events.parseImage(awaitMessage(inbox).body().getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(GoldenImagePublished.class, published -> assertThat(published.imageId()).isEqualTo(golden));
    }

    @Test
    void anImageEc2CannotTagIsNotPublished() throws IOException {
        String inbox = queueReceivingGoldenImagesOf(app);

        int exit = Main.run("publish-image", "--manifest", manifestWithLastBuild("ami-0123456789abcdef0").toString(),
                "--app", app, "--region", Emulator.REGION.id(), "--endpoint-url", Emulator.endpoint().toString());

        assertThat(exit).isEqualTo(1);
        assertThat(eventsSoFar(inbox)).isEmpty();
    }

    @Test
    void aGoldenTagWithoutAValueIsABadInput() throws IOException {
        int exit = Main.run("publish-image", "--manifest", manifestWithLastBuild("ami-0123456789abcdef0").toString(),
                "--app", app, "--golden-tag", "approved", "--region", Emulator.REGION.id(),
                "--endpoint-url", Emulator.endpoint().toString());

        assertThat(exit).isEqualTo(2);
    }

    @Test
    void aManifestWithoutTheNamedBuildPublishesNothing() throws IOException {
        String inbox = queueReceivingGoldenImagesOf(app);

        int exit = Main.run("publish-image", "--manifest", manifestWithLastBuild("ami-0123456789abcdef0").toString(),
                "--app", app, "--build", "windows", "--region", Emulator.REGION.id(),
                "--endpoint-url", Emulator.endpoint().toString());

        assertThat(exit).isEqualTo(2);
        assertThat(eventsSoFar(inbox)).isEmpty();
    }

    private Map<String, String> imageTags(String imageId) {
        return aws.ec2().describeImages(r -> r.imageIds(imageId)).images().get(0).tags().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value));
    }

    /** A rule on the default bus that sends this app's Golden Image Published events, whole, to a new queue. */
    private String queueReceivingGoldenImagesOf(String appName) throws IOException {
        String queueUrl = sqs.createQueue(r -> r.queueName(env.prefix + "-golden")).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        ObjectNode pattern = JSON.createObjectNode();
        pattern.putArray("source").add(ImageSource.GOLDEN_IMAGE_PUBLISHED.source());
        pattern.putArray("detail-type").add(ImageSource.GOLDEN_IMAGE_PUBLISHED.detailType());
        pattern.putObject("detail").putArray("app").add(appName);
        String rule = env.prefix + "-golden-images";
        eventBridge.putRule(r -> r.name(rule).eventPattern(pattern.toString()));
        // The whole event as the rule matched it (<aws.events.event.json>): moto's default SQS
        // delivery drops the envelope's "account", which AWS always sends and the parser requires.
        eventBridge.putTargets(r -> r.rule(rule).targets(t -> t.id("inbox").arn(queueArn)
                .inputTransformer(transform -> transform.inputTemplate("<aws.events.event.json>"))));
        return queueUrl;
    }

    /** The sample manifest (several builds over three runs) with the last run's AMI replaced by a real one. */
    private Path manifestWithLastBuild(String imageId) throws IOException {
        Path sample;
        try {
            sample = Path.of(PublishImageIT.class.getResource("/packer/manifest.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return Files.writeString(dir.resolve("manifest.json"), Files.readString(sample).replace(SAMPLE_LAST_AMI, imageId));
    }

    /**
     * Every event the rule delivered to the queue before this call: puts a sentinel event for the
     * same app on the bus and reads the queue until it arrives. The emulator's EventBridge delivers
     * to an SQS target within PutEvents, and the queue hands messages out in the order they arrived,
     * so an event published before is read before the sentinel, and no quiet period is waited out.
     */
    private List<Message> eventsSoFar(String queueUrl) {
        String sentinel = UUID.randomUUID().toString();
        ObjectNode detail = JSON.createObjectNode().put("app", app).put("sentinel", sentinel);
        var put = eventBridge.putEvents(r -> r.entries(e -> e.source(ImageSource.GOLDEN_IMAGE_PUBLISHED.source())
                .detailType(ImageSource.GOLDEN_IMAGE_PUBLISHED.detailType()).detail(detail.toString())));
        assertThat(put.failedEntryCount()).as("the sentinel was put on the bus").isZero();
        List<Message> before = new ArrayList<>();
        while (true) {
            Message message = awaitMessage(queueUrl);
            sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            if (message.body().contains(sentinel)) {
                return before;
            }
            before.add(message);
        }
    }

    private Message awaitMessage(String queueUrl) {
        return receive(queueUrl, Duration.ofSeconds(20)).orElseThrow(() -> new AssertionError("no event reached the queue"));
    }

    private Optional<Message> receive(String queueUrl, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1)).messages();
            if (!messages.isEmpty()) {
                return Optional.of(messages.get(0));
            }
        }
        return Optional.empty();
    }
}
