package io.driftdeploy.aws;

import io.driftdeploy.event.SweepMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The sweep queue on SQS: SendMessageBatch, ten messages a call, the most one call takes ("Amazon
 * SQS batch actions", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api.html;
 * the sweep's messages are well under a kilobyte each, far from the 1 MiB a batch may total).
 */
public final class SqsSweepQueue implements SweepQueue {

    /** SendMessageBatch's most entries a call. */
    static final int BATCH = 10;
    /**
     * How many times the entries a batch call failed are sent again before giving up: SendMessageBatch
     * answers 200 with some entries failed (throttled, say), and those alone are worth another try.
     */
    static final int ENTRY_RETRIES = 2;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsSweepQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @RequiresIam("sqs:SendMessage")
    @Override
    public void send(List<? extends SweepMessage> messages) {
        for (int from = 0; from < messages.size(); from += BATCH) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            List<? extends SweepMessage> batch = messages.subList(from, Math.min(from + BATCH, messages.size()));
            for (int i = 0; i < batch.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(batch.get(i).json()).build());
            }
            sendBatch(entries);
        }
    }

    private void sendBatch(List<SendMessageBatchRequestEntry> entries) {
        List<SendMessageBatchRequestEntry> unsent = entries;
        for (int attempt = 0; ; attempt++) {
            List<SendMessageBatchRequestEntry> sending = unsent;
            SendMessageBatchResponse response = sqs.sendMessageBatch(request -> request.queueUrl(queueUrl).entries(sending));
            if (response.failed().isEmpty()) {
                return;
            }
            Map<String, SendMessageBatchRequestEntry> byId = sending.stream()
                    .collect(Collectors.toMap(SendMessageBatchRequestEntry::id, Function.identity()));
            unsent = response.failed().stream().map(failed -> byId.get(failed.id())).toList();
            if (attempt == ENTRY_RETRIES) {
                BatchResultErrorEntry first = response.failed().getFirst();
                throw new IllegalStateException(unsent.size() + " sweep messages could not be sent to " + queueUrl + " ("
                        + first.code() + ": " + first.message() + "); the listing step is left for a retry");
            }
        }
    }
}
