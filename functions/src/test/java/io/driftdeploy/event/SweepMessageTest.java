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

    @Test
    void everyMessageReadsBackAsWritten() {
        List<SweepMessage> messages = List.of(
                new SweepMessage.Start("2026-12-02T08:00:00Z"),
                new SweepMessage.ListPage("s", "drift-golden", Optional.empty()),
                new SweepMessage.ListPage("s", "drift-golden", Optional.of("token/with+odd=chars")),
                new SweepMessage.Evaluate("s", "drift-golden", "AWS::SSM::ManagedInstanceInventory", "i-0123456789abcdef0", AT),
                new SweepMessage.ListApps("s"),
                new SweepMessage.CatchUp("s", "shop"),
                new SweepMessage.EndQuarantines("s"));
        for (SweepMessage message : messages) {
            assertThat(SweepMessage.parse(message.json())).isEqualTo(message);
        }
    }

    @Test
    void anEvaluationsEventIdIsItsSweepRuleInstanceAndTime() {
        SweepMessage.Evaluate evaluate = new SweepMessage.Evaluate("s1", "r", "AWS::EC2::Instance", "i-0123456789abcdef0", AT);

        assertThat(evaluate.eventId()).isEqualTo("s1#sweep#r#i-0123456789abcdef0#2026-12-02T07:59:12Z");
        assertThat(new SweepMessage.Evaluate("s2", "r", "AWS::EC2::Instance", "i-0123456789abcdef0", AT).eventId())
                .isNotEqualTo(evaluate.eventId());
    }

    @Test
    void aMalformedMessageIsRejectedNamingTheField() {
        assertThatThrownBy(() -> SweepMessage.parse("{\"sweep\":\"evaluate\",\"sweepId\":\"s\",\"rule\":\"r\","
                + "\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\",\"orderingTimestamp\":\"2026-12-02T07:59:12Z\"}"))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("resourceType"));
        assertThatThrownBy(() -> SweepMessage.parse("{\"sweep\":\"evaluate\",\"sweepId\":\"s\",\"rule\":\"r\","
                + "\"resourceType\":\"AWS::EC2::Instance\",\"resourceId\":\"i-1\",\"orderingTimestamp\":\"2026-12-02T07:59:12Z\"}"))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("resourceId"));
        assertThatThrownBy(() -> SweepMessage.parse("{\"sweep\":\"stop\",\"sweepId\":\"s\"}"))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("sweep"));
        assertThatThrownBy(() -> SweepMessage.parse("{\"sweep\":\"start\"}"))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("sweepId"));
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
