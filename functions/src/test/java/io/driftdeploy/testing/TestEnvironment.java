package io.driftdeploy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One test's own slice of the emulator (a {@link Sandbox}: network, notification topic and inbox,
 * groups, instances, images, Config rules), with what only the functions' tests need on top: the
 * functions' AWS clients, their settings, the ledger table, and the notifications that arrived.
 */
public final class TestEnvironment extends Sandbox {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final AwsClients aws;

    /** The message attribute {@code kind} of {@link #notificationsSoFar()}'s sentinels; no function sends it. */
    private static final String SENTINEL_KIND = "test-sentinel";
    /** How long a sentinel may take to arrive: it is in the queue when Publish returns, so this only bounds a broken emulator. */
    private static final Duration SENTINEL_TIMEOUT = Duration.ofSeconds(20);

    private final List<ReceivedNotification> received = new ArrayList<>();

    private TestEnvironment(AwsClients aws, String prefix) {
        super(emulatorClients(), prefix);
        this.aws = aws;
        Ledger.createTable(aws.dynamoDb(), tableName);
    }

    /** A fresh environment with a unique name prefix. */
    public static TestEnvironment create() {
        return new TestEnvironment(clients(), uniquePrefix());
    }

    /** The functions' AWS clients, at the emulator. */
    public static AwsClients clients() {
        return new AwsClients(Emulator.REGION, Optional.of(Emulator.endpoint()));
    }

    public Settings settings(Map<String, String> overrides) {
        return Settings.from(environment(overrides));
    }

    /**
     * Waits until at least {@code count} notifications have arrived on the subscribed queue and
     * returns every one received so far, oldest first.
     */
    public List<ReceivedNotification> awaitNotifications(int count, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (received.size() < count && Instant.now().isBefore(deadline)) {
            receiveOnce();
        }
        if (received.size() < count) {
            throw new AssertionError("expected " + count + " notifications within " + timeout + ", got " + received.size() + ": " + received);
        }
        return List.copyOf(received);
    }

    /** Every notification that arrives within {@code quietPeriod} (for asserting that no more come). */
    /** The audit records of {@code subject} in this environment's ledger, oldest first. */
    public List<Map<String, AttributeValue>> auditRecords(String subject) {
        return aws.dynamoDb().query(r -> r.tableName(tableName)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", Ledger.PARTITION_KEY))
                .expressionAttributeValues(Map.of(":pk", Ledger.text(AuditTrail.partitionKey(subject))))).items();
    }

    /**
     * Every notification published to the topic before this call, oldest first (sentinels left out).
     *
     * <p>Proves absence without waiting: a sentinel is published to the topic now and the queue is
     * read until it arrives. The emulator delivers to the subscribed queue within Publish, and moto's
     * standard queue hands messages out in the order they arrived (scripts/emulator_selftest.py checks
     * both), so whatever the code under test published before this call is received before the
     * sentinel. An assertion that nothing else came can therefore fail, and no quiet period is
     * waited out. It does not see what is published after this call: the functions publish within
     * their invocation, so call it after the invocation returned.
     */
    public List<ReceivedNotification> notificationsSoFar() {
        String sentinel = UUID.randomUUID().toString();
        clients.sns().publish(r -> r.topicArn(topicArn).subject("sentinel").message("{\"sentinel\":\"" + sentinel + "\"}")
                .messageAttributes(Map.of("kind", MessageAttributeValue.builder().dataType("String").stringValue(SENTINEL_KIND).build())));
        Instant deadline = Instant.now().plus(SENTINEL_TIMEOUT);
        while (true) {
            List<ReceivedNotification> batch = receiveBatch();
            for (ReceivedNotification message : batch) {
                if (!SENTINEL_KIND.equals(message.kind())) {
                    received.add(message);
                } else if (sentinel.equals(message.body().path("sentinel").asText())) {
                    return List.copyOf(received);
                }
            }
            if (!batch.isEmpty()) {
                // Still reading what came before the sentinel (a storm's hundreds): the queue is not stuck.
                deadline = Instant.now().plus(SENTINEL_TIMEOUT);
            } else if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the sentinel published to " + topicArn + " did not arrive within " + SENTINEL_TIMEOUT
                        + " of the last message; received " + received.size() + " before it");
            }
        }
    }

    /** Adds what one receive gets to {@link #received}. */
    private void receiveOnce() {
        receiveBatch().stream().filter(message -> !SENTINEL_KIND.equals(message.kind())).forEach(received::add);
    }

    /** One receive (waiting up to a second for a message), its messages deleted in one call. */
    private List<ReceivedNotification> receiveBatch() {
        List<Message> messages = clients.sqs().receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        if (messages.isEmpty()) {
            return List.of();
        }
        clients.sqs().deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(messages.stream()
                .map(message -> DeleteMessageBatchRequestEntry.builder().id(message.messageId()).receiptHandle(message.receiptHandle()).build())
                .toList()));
        return messages.stream().map(message -> ReceivedNotification.fromSnsEnvelope(message.body())).toList();
    }

    /** A notification as SNS delivered it to the queue: subject, JSON body, message attributes. */
    public record ReceivedNotification(String subject, JsonNode body, Map<String, String> attributes) {

        static ReceivedNotification fromSnsEnvelope(String envelopeJson) {
            try {
                JsonNode envelope = JSON.readTree(envelopeJson);
                Map<String, String> attributes = new LinkedHashMap<>();
                JsonNode attributeNodes = envelope.path("MessageAttributes");
                for (Iterator<Map.Entry<String, JsonNode>> it = attributeNodes.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    attributes.put(entry.getKey(), entry.getValue().path("Value").asText());
                }
                return new ReceivedNotification(envelope.path("Subject").asText(null),
                        JSON.readTree(envelope.path("Message").asText()), attributes);
            } catch (IOException e) {
                throw new UncheckedIOException("not an SNS envelope: " + envelopeJson, e);
            }
        }

        public String kind() {
            return attributes.get("kind");
        }
    }
}
