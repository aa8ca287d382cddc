package io.driftdeploy.cli.aws;

import io.driftdeploy.aws.RequiresIam;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * An EventBridge target's dead-letter queue. EventBridge puts the event it failed to deliver in
 * the message body and says where it failed in the message attributes RULE_ARN, TARGET_ARN,
 * ERROR_CODE and ERROR_MESSAGE.
 */
public final class DeadLetterQueue {

    /** How long a received message stays hidden from other readers while it is being redriven. */
    private static final int VISIBILITY_TIMEOUT_SECONDS = 120;

    private final SqsClient sqs;
    private final String queueUrl;

    /** A dead letter: the undelivered event and where its delivery failed. */
    public record DeadLetter(String messageId, String receiptHandle, String body, Optional<String> ruleArn,
                             Optional<String> targetArn, Optional<String> errorCode, Optional<String> errorMessage) {
    }

    private DeadLetterQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** The queue by its URL, or by its name (looked up in the client's account and region). */
    @RequiresIam("sqs:GetQueueUrl")
    public static DeadLetterQueue named(SqsClient sqs, String nameOrUrl) {
        String url = nameOrUrl.startsWith("https://") || nameOrUrl.startsWith("http://")
                ? nameOrUrl
                : sqs.getQueueUrl(r -> r.queueName(nameOrUrl)).queueUrl();
        return new DeadLetterQueue(sqs, url);
    }

    public String url() {
        return queueUrl;
    }

    /** Up to {@code max} (at most 10) messages; empty when the queue has nothing more to give. */
    @RequiresIam("sqs:ReceiveMessage")
    public List<DeadLetter> receive(int max) {
        return sqs.receiveMessage(r -> r
                        .queueUrl(queueUrl)
                        .maxNumberOfMessages(Math.min(10, max))
                        .waitTimeSeconds(1)
                        .visibilityTimeout(VISIBILITY_TIMEOUT_SECONDS)
                        .messageAttributeNames("All"))
                .messages().stream()
                .map(DeadLetterQueue::deadLetter)
                .toList();
    }

    @RequiresIam("sqs:DeleteMessage")
    public void delete(DeadLetter letter) {
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(letter.receiptHandle()));
    }

    /** Makes a message that stays in the queue visible again at once, for the next redrive. */
    @RequiresIam("sqs:ChangeMessageVisibility")
    public void release(DeadLetter letter) {
        sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(letter.receiptHandle()).visibilityTimeout(0));
    }

    private static DeadLetter deadLetter(Message message) {
        Map<String, MessageAttributeValue> attributes = message.messageAttributes();
        return new DeadLetter(message.messageId(), message.receiptHandle(), message.body(),
                text(attributes, "RULE_ARN"), text(attributes, "TARGET_ARN"),
                text(attributes, "ERROR_CODE"), text(attributes, "ERROR_MESSAGE"));
    }

    private static Optional<String> text(Map<String, MessageAttributeValue> attributes, String name) {
        return Optional.ofNullable(attributes.get(name)).map(MessageAttributeValue::stringValue).filter(value -> !value.isBlank());
    }
}
