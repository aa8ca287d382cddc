package io.driftdeploy.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
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
                .alias(settings.topicKeyAlias())
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
                .topicName(settings.topicName())
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

        CfnOutput.Builder.create(this, "TopicArn").value(topic.getTopicArn())
                .description("The notifications topic: subscribe here").build();
        CfnOutput.Builder.create(this, "TopicKeyAlias").value(settings.topicKeyAlias())
                .description("Alias of the KMS key that encrypts the topic").build();
    }

    public Topic topic() {
        return topic;
    }

    public Key topicKey() {
        return topicKey;
    }

    /**
     * The topic's ARN as seen from {@code stack} (same account and region), built from its name:
     * another stack that used {@code topic().getTopicArn()} would get a CloudFormation export and an
     * Fn::ImportValue, and an export blocks every later rename or replacement of the topic.
     */
    public static String topicArn(Stack stack, Settings settings) {
        return stack.formatArn(ArnComponents.builder()
                .service("sns")
                .resource(settings.topicName())
                .arnFormat(ArnFormat.NO_RESOURCE_NAME)
                .build());
    }

    /**
     * Lets {@code role} publish to the topic: sns:Publish on it and the key calls SNS makes for it.
     * The key is named by its alias, not its ARN (which would be a cross-stack import): the grant
     * is on the account's keys under the condition kms:ResourceAliases = the topic key's alias
     * ("Use aliases to control access to KMS keys", AWS KMS Developer Guide). The key's default
     * policy delegates to IAM, so this identity policy is enough.
     */
    public static void grantPublish(IRole role, Stack stack, Settings settings) {
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("PublishNotifications")
                .actions(List.of("sns:Publish"))
                .resources(List.of(topicArn(stack, settings)))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("EncryptNotifications")
                .actions(PUBLISH_KEY_ACTIONS)
                .resources(List.of(topicKeys(stack)))
                .conditions(Map.of("ForAnyValue:StringEquals", Map.of("kms:ResourceAliases", settings.topicKeyAlias())))
                .build());
    }

    /** Every KMS key of the stack's account and region; narrowed by the alias condition above. */
    static String topicKeys(Stack stack) {
        return stack.formatArn(ArnComponents.builder()
                .service("kms")
                .resource("key")
                .resourceName("*")
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
