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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One test's own slice of the emulator (a {@link Sandbox}: network, notification topic and inbox,
 * groups, instances, images, Config rules), with what only the functions' tests need on top: the
 * functions' AWS clients, their settings, the ledger table, and the notifications that arrived.
 */
public final class TestEnvironment extends Sandbox {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final AwsClients aws;

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

    public List<ReceivedNotification> drainNotifications(Duration quietPeriod) {
        Instant deadline = Instant.now().plus(quietPeriod);
        while (Instant.now().isBefore(deadline)) {
            receiveOnce();
        }
        return List.copyOf(received);
    }

    /**
     * Every notification received until none has arrived for {@code quiet}: for a batch too large
     * to drain within a fixed period, and whose count is what is being checked.
     */
    public List<ReceivedNotification> drainUntilQuiet(Duration quiet) {
        Instant lastArrival = Instant.now();
        while (Instant.now().isBefore(lastArrival.plus(quiet))) {
            if (receiveOnce()) {
                lastArrival = Instant.now();
            }
        }
        return List.copyOf(received);
    }

    /** Whether any message arrived. */
    private boolean receiveOnce() {
        List<Message> messages = clients.sqs().receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        for (Message message : messages) {
            received.add(ReceivedNotification.fromSnsEnvelope(message.body()));
            clients.sqs().deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        }
        return !messages.isEmpty();
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
