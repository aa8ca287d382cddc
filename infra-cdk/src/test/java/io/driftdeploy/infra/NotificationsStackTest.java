package io.driftdeploy.infra;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class NotificationsStackTest {

    private final Template defaults = SynthesizedApp.defaults().template(SynthesizedApp.defaults().stacks.notifications());
    private final Template everything =
            SynthesizedApp.everything().template(SynthesizedApp.everything().stacks.notifications());

    @Test
    void topicIsEncryptedWithItsOwnRotatingKey() {
        defaults.resourceCountIs("AWS::SNS::Topic", 1);
        defaults.hasResourceProperties("AWS::SNS::Topic", Map.of(
                "KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("TopicKey.*"), "Arn"))));
        defaults.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
    }

    @Test
    void onlyThisAccountsAlarmsAndRulesMayPublish() {
        defaults.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Sid", "AllowAccountServicesToPublish",
                        "Effect", "Allow",
                        "Action", "sns:Publish",
                        "Principal", Map.of("Service", List.of("cloudwatch.amazonaws.com", "events.amazonaws.com")),
                        "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", Map.of("Ref", "AWS::AccountId"))))))))));
        // The services encrypt with the topic key when they publish, under the same account condition.
        defaults.hasResourceProperties("AWS::KMS::Key", Map.of("KeyPolicy", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Sid", "AllowAccountServicesToPublishEncrypted",
                        "Action", List.of("kms:GenerateDataKey", "kms:Decrypt"),
                        "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", Map.of("Ref", "AWS::AccountId"))))))))));
    }

    @Test
    void emailSubscriptionsComeOnlyFromContext() {
        defaults.resourceCountIs("AWS::SNS::Subscription", 0);
        everything.resourceCountIs("AWS::SNS::Subscription", 2);
        everything.hasResourceProperties("AWS::SNS::Subscription",
                Map.of("Protocol", "email", "Endpoint", "oncall@example.com"));
    }
}
