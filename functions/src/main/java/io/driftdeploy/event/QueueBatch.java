package io.driftdeploy.event;

import java.util.List;

/**
 * A batch of messages as Lambda's SQS event source mapping delivers it ({@code Records}, each with
 * its {@code messageId}, {@code body} and the queue's {@code eventSourceARN}; "Using Lambda with
 * Amazon SQS", AWS Lambda Developer Guide). Each body is parsed on its own
 * ({@link Record#message()}), so that one malformed message is rejected alone.
 */
public record QueueBatch(List<Record> records) {

    /**
     * One message of the batch.
     *
     * @param messageId what a partial batch response names to have the message delivered again
     * @param account the account of the queue, from its ARN
     * @param region the region of the queue, from its ARN
     */
    public record Record(String messageId, String account, String region, String body) {

        /** The message the body holds; an {@link InvalidEventException} names the field that is wrong. */
        public SweepMessage message() {
            return SweepMessage.parse(body, account);
        }
    }

    /** The whole event; an {@link InvalidEventException} names the field that is wrong. */
    public static QueueBatch parse(byte[] json) {
        JsonField root = JsonField.parseDocument(json);
        return new QueueBatch(root.array("Records").stream().map(record -> {
            String arn = record.text("eventSourceARN", FieldLimits.ARN);
            String[] parts = arn.split(":", 6);
            if (parts.length < 6 || !"sqs".equals(parts[2])) {
                throw record.invalid("eventSourceARN", "expected an SQS queue ARN, got " + FieldLimits.echo(arn));
            }
            return new Record(record.text("messageId", FieldLimits.EVENT_ID),
                    FieldLimits.ACCOUNT.check(parts[4], record.pathOf("eventSourceARN")),
                    JsonField.regionOfArn(arn, record.pathOf("eventSourceARN")),
                    record.text("body", FieldLimits.SNS_MESSAGE));
        }).toList());
    }
}
