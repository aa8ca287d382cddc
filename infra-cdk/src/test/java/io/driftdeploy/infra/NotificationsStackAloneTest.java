package io.driftdeploy.infra;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;

/**
 * The notifications stack built alone, from context alone (no other stack, no cdk-nag), and its
 * grant on a role of another stack: names follow the stack prefix, and the grant names the topic
 * and key by name and alias, so the other stack imports nothing. NotificationsStackTest checks the
 * stack inside the whole app.
 */
class NotificationsStackAloneTest {

    private static final Map<String, Object> CONTEXT = Map.of("stackPrefix", "Acme", "notificationEmails", "ops@example.com");

    @Test
    void theTopicAndItsKeyAreNamedAfterTheStackPrefixAndSubscribeTheContextsEmails() {
        Settings settings = Settings.from(CONTEXT::get);
        Template template = Template.fromStack(new NotificationsStack(new App(), "Notifications", StackProps.builder().build(), settings));

        template.resourceCountIs("AWS::SNS::Topic", 1);
        template.hasResourceProperties("AWS::SNS::Topic", Map.of("TopicName", "Acme-notifications", "DisplayName", "drift-deploy"));
        template.hasResourceProperties("AWS::KMS::Alias", Map.of("AliasName", "alias/Acme-notifications"));
        template.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true,
                "Description", "Encrypts the drift-deploy notifications topic"));
        template.resourceCountIs("AWS::SNS::Subscription", 1);
        template.hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "ops@example.com"));
        template.hasOutput("TopicKeyAlias", Map.of("Value", "alias/Acme-notifications"));
    }

    @Test
    void theTopicTakesOnlyEncryptedTransport() {
        Template template = Template.fromStack(new NotificationsStack(new App(), "Notifications", StackProps.builder().build(),
                Settings.from(CONTEXT::get)));

        SynthesizedApp.deniesInsecureTransport(template, "AWS::SNS::TopicPolicy");
    }

    @Test
    void aRoleOfAnotherStackMayPublishToTheTopicByNameAndUseTheKeyByAlias() {
        Settings settings = Settings.from(CONTEXT::get);
        Stack other = new Stack(new App(), "Other");
        Role role = Role.Builder.create(other, "Role").assumedBy(new ServicePrincipal("lambda.amazonaws.com")).build();

        NotificationsStack.grantPublish(role, other, settings);

        Template template = Template.fromStack(other);
        template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", List.of(
                Map.of("Sid", "PublishNotifications", "Effect", "Allow", "Action", "sns:Publish",
                        "Resource", SynthesizedApp.joined("arn:", "AWS::Partition", ":sns:", "AWS::Region", ":", "AWS::AccountId",
                                ":Acme-notifications")),
                Map.of("Sid", "EncryptNotifications", "Effect", "Allow", "Action", List.of("kms:GenerateDataKey", "kms:Decrypt"),
                        "Resource", SynthesizedApp.joined("arn:", "AWS::Partition", ":kms:", "AWS::Region", ":", "AWS::AccountId",
                                ":key/*"),
                        "Condition", Map.of("ForAnyValue:StringEquals", Map.of("kms:ResourceAliases", "alias/Acme-notifications")))))));
    }
}
