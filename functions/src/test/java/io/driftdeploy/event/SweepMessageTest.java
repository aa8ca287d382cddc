package io.driftdeploy.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SweepMessageTest {

    private static final Instant AT = Instant.parse("2026-12-02T07:59:12Z");
    private static final String CENTRAL = "123456789012";
    private static final String MEMBER = "111122223333";

    @Test
    void everyMessageReadsBackAsWritten() {
        List<SweepMessage> messages = List.of(
                new SweepMessage.Start("2026-12-02T08:00:00Z"),
                new SweepMessage.ListRules("s", MEMBER),
                new SweepMessage.ListPage("s", MEMBER, "drift-golden", Optional.empty()),
                new SweepMessage.ListPage("s", CENTRAL, "drift-golden", Optional.of("token/with+odd=chars")),
                new SweepMessage.Evaluate("s", MEMBER, "drift-golden", "AWS::SSM::ManagedInstanceInventory", "i-0123456789abcdef0",
                        AT),
                new SweepMessage.ListApps("s", MEMBER),
                new SweepMessage.CatchUp("s", MEMBER, "shop"),
                new SweepMessage.EndQuarantines("s", MEMBER));
        for (SweepMessage message : messages) {
            // Read from the central account's queue: a message that names a member stays about the member.
            assertThat(SweepMessage.parse(message.json(), CENTRAL)).isEqualTo(message);
        }
    }

    @Test
    void aMessageOfThePreviousReleaseNamesNoAccountAndIsAboutTheQueuesAccount() {
        assertThat(SweepMessage.parse("{\"sweep\":\"evaluate\",\"sweepId\":\"s\",\"rule\":\"r\","
                + "\"resourceType\":\"AWS::EC2::Instance\",\"resourceId\":\"i-0123456789abcdef0\","
                + "\"orderingTimestamp\":\"2026-12-02T07:59:12Z\"}", CENTRAL))
                .isEqualTo(new SweepMessage.Evaluate("s", CENTRAL, "r", "AWS::EC2::Instance", "i-0123456789abcdef0", AT));
        assertThat(SweepMessage.parse("{\"sweep\":\"list\",\"sweepId\":\"s\",\"rule\":\"r\"}", CENTRAL))
                .isEqualTo(new SweepMessage.ListPage("s", CENTRAL, "r", Optional.empty()));
        assertThat(SweepMessage.parse("{\"sweep\":\"apps\",\"sweepId\":\"s\"}", CENTRAL))
                .isEqualTo(new SweepMessage.ListApps("s", CENTRAL));
        assertThat(SweepMessage.parse("{\"sweep\":\"app\",\"sweepId\":\"s\",\"app\":\"shop\"}", CENTRAL))
                .isEqualTo(new SweepMessage.CatchUp("s", CENTRAL, "shop"));
        assertThat(SweepMessage.parse("{\"sweep\":\"quarantines\",\"sweepId\":\"s\"}", CENTRAL))
                .isEqualTo(new SweepMessage.EndQuarantines("s", CENTRAL));
    }

    @Test
    void anEvaluationsEventIdIsItsSweepRuleInstanceAndTimeAndAMembersAlsoItsAccount() {
        SweepMessage.Evaluate evaluate = new SweepMessage.Evaluate("s1", CENTRAL, "r", "AWS::EC2::Instance", "i-0123456789abcdef0", AT);

        // The central account's as the release before organizations made it, so a sweep in flight is not decided again.
        assertThat(evaluate.eventId(CENTRAL)).isEqualTo("s1#sweep#r#i-0123456789abcdef0#2026-12-02T07:59:12Z");
        assertThat(new SweepMessage.Evaluate("s2", CENTRAL, "r", "AWS::EC2::Instance", "i-0123456789abcdef0", AT).eventId(CENTRAL))
                .isNotEqualTo(evaluate.eventId(CENTRAL));
        assertThat(new SweepMessage.Evaluate("s1", MEMBER, "r", "AWS::EC2::Instance", "i-0123456789abcdef0", AT).eventId(CENTRAL))
                .isEqualTo("s1#sweep#r#i-0123456789abcdef0#2026-12-02T07:59:12Z#" + MEMBER);
    }

    @Test
    void aStepsIdNamesAMemberAccountAndKeepsTheCentralAccountsAsBefore() {
        assertThat(new SweepMessage.ListApps("s1", CENTRAL).stepId("apps", CENTRAL)).isEqualTo("s1#apps");
        assertThat(new SweepMessage.ListApps("s1", MEMBER).stepId("apps", CENTRAL)).isEqualTo("s1#apps#" + MEMBER);
    }

    @Test
    void aMalformedMessageIsRejectedNamingTheField() {
        assertThatThrownBy(() -> SweepMessage.parse("{\"sweep\":\"evaluate\",\"sweepId\":\"s\",\"rule\":\"r\","
                + "\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\",\"orderingTimestamp\":\"2026-12-02T07:59:12Z\"}", CENTRAL))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("resourceType"));
        assertThatThrownBy(() -> SweepMessage.parse("{\"sweep\":\"evaluate\",\"sweepId\":\"s\",\"rule\":\"r\","
                + "\"resourceType\":\"AWS::EC2::Instance\",\"resourceId\":\"i-1\",\"orderingTimestamp\":\"2026-12-02T07:59:12Z\"}", CENTRAL))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("resourceId"));
        assertThatThrownBy(() -> SweepMessage.parse("{\"sweep\":\"stop\",\"sweepId\":\"s\"}", CENTRAL))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("sweep"));
        assertThatThrownBy(() -> SweepMessage.parse("{\"sweep\":\"start\"}", CENTRAL))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("sweepId"));
        for (String account : List.of("11112222333", "1111222233334", "11112222333x", "arn:aws:iam::111122223333:root")) {
            assertThatThrownBy(() -> SweepMessage.parse("{\"sweep\":\"quarantines\",\"sweepId\":\"s\",\"account\":\""
                    + account + "\"}", CENTRAL))
                    .as(account)
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("account"));
        }
        assertThatThrownBy(() -> SweepMessage.parse("{\"sweep\":\"quarantines\",\"sweepId\":\"s\",\"account\":111122223333}",
                CENTRAL))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("account"));
    }

    @Test
    void aBatchNamesEachMessageAndItsQueuesAccountAndRegion() {
        QueueBatch batch = QueueBatch.parse(("{\"Records\":[{\"messageId\":\"m1\",\"body\":\"{}\","
                + "\"eventSourceARN\":\"arn:aws:sqs:eu-west-1:123456789012:sweep\"}]}").getBytes(StandardCharsets.UTF_8));

        assertThat(batch.records()).containsExactly(new QueueBatch.Record("m1", "123456789012", "eu-west-1", "{}"));
        assertThatThrownBy(() -> QueueBatch.parse(("{\"Records\":[{\"messageId\":\"m1\",\"body\":\"{}\","
                + "\"eventSourceARN\":\"arn:aws:sns:eu-west-1:123456789012:topic\"}]}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.field()).isEqualTo("Records[0].eventSourceARN"));
    }
}
