package io.driftdeploy.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** Publishes notifications to the one SNS topic. */
public final class SnsNotifier implements Notifier {

    private final SnsClient sns;
    private final String topicArn;

    public SnsNotifier(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    /**
     * Publishes and returns the SNS message id.
     *
     * <p>The topic is encrypted at rest with a customer managed KMS key, so SNS uses the key on the
     * publisher's behalf: a publisher needs kms:GenerateDataKey and kms:Decrypt on it as well as
     * sns:Publish (Amazon SNS Developer Guide, "Encryption at rest" / key management,
     * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html: "publishers have the
     * kms:GenerateDataKey* and kms:Decrypt permissions for the AWS KMS key").
     */
    @Override
    @RequiresIam({"sns:Publish", "kms:GenerateDataKey", "kms:Decrypt"})
    public String publish(Rendered message) {
        return sns.publish(request -> request
                        .topicArn(topicArn)
                        .subject(message.subject())
                        .message(message.body())
                        .messageAttributes(messageAttributes(message.attributes())))
                .messageId();
    }

    /** The attributes as SNS takes them: every one a String. */
    static Map<String, MessageAttributeValue> messageAttributes(Map<String, String> attributes) {
        Map<String, MessageAttributeValue> values = new LinkedHashMap<>();
        attributes.forEach((name, value) ->
                values.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
        return values;
    }
}
