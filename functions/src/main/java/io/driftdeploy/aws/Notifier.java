package io.driftdeploy.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.policy.Notification;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes notifications to the one SNS topic: a JSON body (schema version, summary, facts) and
 * message attributes kind, severity, action, app and group so subscribers can filter.
 */
public final class Notifier {

    public static final String SCHEMA_VERSION = "1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SnsClient sns;
    private final String topicArn;

    public Notifier(SnsClient sns, String topicArn) {
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
    @RequiresIam({"sns:Publish", "kms:GenerateDataKey", "kms:Decrypt"})
    public String publish(Notification notification) {
        return sns.publish(request -> request
                        .topicArn(topicArn)
                        .subject(notification.subject())
                        .message(body(notification))
                        .messageAttributes(attributes(notification)))
                .messageId();
    }

    static String body(Notification notification) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", SCHEMA_VERSION);
        body.put("kind", notification.kind());
        body.put("severity", notification.severity().label());
        body.put("action", notification.action());
        body.put("summary", notification.summary());
        notification.app().ifPresent(app -> body.put("app", app));
        notification.group().ifPresent(group -> body.put("group", group));
        body.put("facts", notification.facts());
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("notification facts are not serialisable: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, MessageAttributeValue> attributes(Notification notification) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("kind", text(notification.kind()));
        attributes.put("severity", text(notification.severity().label()));
        attributes.put("action", text(notification.action()));
        // SNS refuses empty attribute values, so absent ones are left out rather than blank.
        notification.app().ifPresent(app -> attributes.put("app", text(app)));
        notification.group().ifPresent(group -> attributes.put("group", text(group)));
        return attributes;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
