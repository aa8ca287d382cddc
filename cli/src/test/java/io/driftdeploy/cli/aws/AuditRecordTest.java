package io.driftdeploy.cli.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Records read back from the ledger, and the newest of several lists. */
class AuditRecordTest {

    private static AuditRecord at(String time, String eventId) {
        return new AuditRecord(Instant.parse(time), "drift", "i-0abc", "notify", "dry-run", Optional.empty(), List.of(),
                eventId, Optional.empty(), Optional.empty(), "{}");
    }

    @Test
    void newestKeepsTheNewestInOrder() {
        AuditRecord first = at("2025-06-12T09:00:00Z", "a");
        AuditRecord second = at("2025-06-12T09:00:00.5Z", "b");
        AuditRecord third = at("2025-06-12T09:01:00Z", "c");

        assertThat(AuditRecord.newest(Stream.of(second, third, first), 2)).containsExactly(third, second);
        assertThat(AuditRecord.newest(Stream.of(first, third), 5)).containsExactly(third, first);
        assertThat(AuditRecord.newest(Stream.empty(), 5)).isEmpty();
    }

    @Test
    void aRecordWrittenBeforeRecordsNamedTheirSubjectTakesItFromItsKey() {
        AuditRecord old = AuditRecord.of(Map.of(
                "pk", AttributeValue.fromS("AUDIT#i-0abc"),
                "sk", AttributeValue.fromS("2025-06-12T09:00:00Z#drift#event-1"),
                "at", AttributeValue.fromS("2025-06-12T09:00:00Z"),
                "function", AttributeValue.fromS("drift"),
                "eventId", AttributeValue.fromS("event-1"),
                "decision", AttributeValue.fromS("terminate"),
                "reason", AttributeValue.fromS("drift-confirmed"),
                "actions", AttributeValue.fromL(List.of(AttributeValue.fromS("TerminateInstanceInAutoScalingGroup i-0abc"))),
                "facts", AttributeValue.fromS("{\"instance\":\"i-0abc\"}")));

        assertThat(old.subject()).isEqualTo("i-0abc");
        assertThat(old.actions()).containsExactly("TerminateInstanceInAutoScalingGroup i-0abc");
        assertThat(old.summary()).isEmpty();
        assertThat(old.mode()).isEmpty();
        assertThat(old.factsJson()).isEqualTo("{\"instance\":\"i-0abc\"}");
    }
}
