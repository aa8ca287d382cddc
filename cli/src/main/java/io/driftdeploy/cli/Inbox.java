package io.driftdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The queue subscribed to the notification topic: what drift-deploy told its subscribers, as it arrived. */
final class Inbox {


    private final SqsClient sqs;
    private final String queueUrl;

    /** One notification: SNS subject and the kind and severity message attributes. */
    record Received(String subject, String kind, String severity) {
    }

    Inbox(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** Everything that arrived until the queue has been empty for about a second. */
    List<Received> drain() {
        List<Received> received = new ArrayList<>();
        List<Message> batch;
        do {
            batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            for (Message message : batch) {
                received.add(parse(message.body()));
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        } while (!batch.isEmpty());
        return received;
    }

    private static Received parse(String snsEnvelope) {
        try {
            JsonNode envelope = CliJson.mapper().readTree(snsEnvelope);
            JsonNode attributes = envelope.path("MessageAttributes");
            return new Received(envelope.path("Subject").asText("(no subject)"),
                    attributes.path("kind").path("Value").asText("?"), attributes.path("severity").path("Value").asText("?"));
        } catch (IOException e) {
            return new Received("(not an SNS notification: " + snsEnvelope + ")", "?", "?");
        }
    }
}
