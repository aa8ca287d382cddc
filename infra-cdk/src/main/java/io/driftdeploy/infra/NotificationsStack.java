package io.driftdeploy.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * The one SNS topic every drift-deploy notification goes to, encrypted with its own KMS key.
 * CloudWatch alarms (the drift alarm, the dead-letter alarms) and EventBridge rules of this account
 * may publish to it; nobody outside the account may.
 */
public final class NotificationsStack extends Stack {

    /** The AWS services that publish to the topic on the account's behalf. */
    static final List<String> PUBLISHING_SERVICES = List.of("cloudwatch.amazonaws.com", "events.amazonaws.com");

    /** What SNS does with the key when a message is published to the encrypted topic. */
    static final List<String> PUBLISH_KEY_ACTIONS = List.of("kms:GenerateDataKey", "kms:Decrypt");

    private final Topic topic;
    private final Key topicKey;

    public NotificationsStack(Construct scope, String id, StackProps props, Settings settings) {
        super(scope, id, props);

        topicKey = Key.Builder.create(this, "TopicKey")
                .description("Encrypts the drift-deploy notifications topic")
                .enableKeyRotation(true)
                .build();
        // Alarms and rules publish through the service principals, which need the key to encrypt.
        topicKey.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowAccountServicesToPublishEncrypted")
                .effect(Effect.ALLOW)
                .principals(servicePrincipals())
                .actions(PUBLISH_KEY_ACTIONS)
                .resources(List.of("*"))
                .conditions(sameAccount())
                .build());

        topic = Topic.Builder.create(this, "Topic")
                .displayName("drift-deploy")
                .masterKey(topicKey)
                .enforceSsl(true)
                .build();
        topic.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowAccountServicesToPublish")
                .effect(Effect.ALLOW)
                .principals(servicePrincipals())
                .actions(List.of("sns:Publish"))
                .resources(List.of(topic.getTopicArn()))
                .conditions(sameAccount())
                .build());

        for (String email : settings.notificationEmails()) {
            topic.addSubscription(new EmailSubscription(email));
        }
    }

    public Topic topic() {
        return topic;
    }

    public Key topicKey() {
        return topicKey;
    }

    /** Lets {@code role} publish to the topic: sns:Publish on it and the key calls SNS makes for it. */
    public void grantPublish(IRole role) {
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("PublishNotifications")
                .actions(List.of("sns:Publish"))
                .resources(List.of(topic.getTopicArn()))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("EncryptNotifications")
                .actions(PUBLISH_KEY_ACTIONS)
                .resources(List.of(topicKey.getKeyArn()))
                .build());
    }

    private static List<ServicePrincipal> servicePrincipals() {
        return PUBLISHING_SERVICES.stream().map(ServicePrincipal::new).toList();
    }

    /** Confused-deputy guard: the service may act only for resources of this account. */
    private static Map<String, Object> sameAccount() {
        return Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID));
    }
}
