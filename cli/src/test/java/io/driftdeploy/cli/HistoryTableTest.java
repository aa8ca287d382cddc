package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.cli.aws.AuditRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The history table: fixed columns in a fixed order, long cells cut with an ellipsis, actions joined. */
class HistoryTableTest {

    private static AuditRecord record(String at, String subject, List<String> actions, String eventId) {
        return new AuditRecord(Instant.parse(at), "drift", subject, "terminate", "drift-confirmed", Optional.of("enforce"),
                actions, eventId, Optional.empty(), Optional.empty(), "{}");
    }

    @Test
    void eachRecordIsOneLineUnderItsColumnsInTheOrderGiven() {
        List<String> lines = HistoryTable.render(List.of(
                record("2025-06-12T09:30:00.123Z", "i-0abc", List.of("TerminateInstanceInAutoScalingGroup i-0abc"), "event-2"),
                record("2025-06-12T09:00:00Z", "i-0def", List.of(), "event-1"))).lines().toList();

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).split(" {2,}"))
                .containsExactly("WHEN", "FUNCTION", "SUBJECT", "DECISION", "REASON", "ACTIONS", "EVENT ID");
        assertThat(lines.get(1).split(" {2,}")).containsExactly("2025-06-12T09:30:00Z", "drift", "i-0abc", "terminate",
                "drift-confirmed", "TerminateInstanceInAutoScalingGroup i-0abc", "event-2");
        assertThat(lines.get(2).split(" {2,}"))
                .containsExactly("2025-06-12T09:00:00Z", "drift", "i-0def", "terminate", "drift-confirmed", "-", "event-1");
        assertThat(lines.get(1).indexOf("event-2")).isEqualTo(lines.get(0).indexOf("EVENT ID"));
    }

    @Test
    void longCellsEndInAnEllipsisAndKeepTheColumnsAligned() {
        String longGroup = "a-very-long-auto-scaling-group-name-indeed";
        List<String> lines = HistoryTable.render(List.of(record("2025-06-12T09:00:00Z", longGroup,
                List.of("CreateLaunchTemplateVersion lt-0123456789abcdef0 ami-0123456789abcdef0", "StartInstanceRefresh " + longGroup),
                "clear-breaker#" + longGroup + "#rule#1749718800000"))).lines().toList();

        String row = lines.get(1);
        assertThat(row).contains("a-very-long-auto-sca\u2026").doesNotContain(longGroup);
        assertThat(row).contains("CreateLaunchTemplateVersion lt-0123456789abcdef0 ami-01\u2026  ");
        assertThat(row).endsWith("clear-breaker#a-very-long-auto-scal\u2026");
        assertThat(row.indexOf("terminate")).isEqualTo(lines.get(0).indexOf("DECISION"));
        assertThat(row.indexOf("clear-breaker")).isEqualTo(lines.get(0).indexOf("EVENT ID"));
    }

    @Test
    void severalActionsAreJoinedInOrder() {
        String row = HistoryTable.render(List.of(record("2025-06-12T09:00:00Z", "web", List.of("A x", "B y"), "e")))
                .lines().toList().get(1);

        assertThat(row).contains("A x; B y");
    }

    @Test
    void aCellIsCutToItsWidthOnOneLine() {
        assertThat(HistoryTable.fit("short", 9)).isEqualTo("short");
        assertThat(HistoryTable.fit("exactly-9", 9)).isEqualTo("exactly-9");
        assertThat(HistoryTable.fit("ten-chars!", 9)).isEqualTo("ten-char\u2026").hasSize(9);
        assertThat(HistoryTable.fit("two\nlines", 9)).isEqualTo("two lines");
    }
}
