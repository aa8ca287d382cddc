package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.cli.aws.AuditRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** --json: one array, each record with its summary and its facts as JSON, or as text when they were cut. */
class HistoryJsonTest {

    private static AuditRecord record(String factsJson, Optional<String> summary) {
        return new AuditRecord(Instant.parse("2025-06-12T09:00:00.250Z"), "drift", "i-0abc", "terminate", "drift-confirmed",
                Optional.of("enforce"), List.of("TerminateInstanceInAutoScalingGroup i-0abc"), "event-1", summary,
                Optional.of("shop"), factsJson);
    }

    @Test
    void eachRecordKeepsItsTimeSummaryAndFacts() throws IOException {
        JsonNode array = new ObjectMapper().readTree(HistoryJson.render(List.of(
                record("{\"instance\":\"i-0abc\",\"group\":\"web\"}", Optional.of("Terminated i-0abc (group web)")))));

        assertThat(array.isArray()).isTrue();
        JsonNode record = array.get(0);
        assertThat(record.path("at").asText()).isEqualTo("2025-06-12T09:00:00.250Z");
        assertThat(record.path("mode").asText()).isEqualTo("enforce");
        assertThat(record.path("app").asText()).isEqualTo("shop");
        assertThat(record.path("actions").get(0).asText()).isEqualTo("TerminateInstanceInAutoScalingGroup i-0abc");
        assertThat(record.path("summary").asText()).isEqualTo("Terminated i-0abc (group web)");
        assertThat(record.path("facts").path("group").asText()).isEqualTo("web");
    }

    @Test
    void factsCutToFitTheItemAreKeptAsText() throws IOException {
        JsonNode record = new ObjectMapper().readTree(HistoryJson.render(List.of(record("{\"instance\":\"i-0a", Optional.empty()))))
                .get(0);

        assertThat(record.path("facts").isTextual()).isTrue();
        assertThat(record.path("facts").asText()).isEqualTo("{\"instance\":\"i-0a");
        assertThat(record.has("summary")).isFalse();
    }

    @Test
    void noRecordsIsAnEmptyArray() throws IOException {
        assertThat(new ObjectMapper().readTree(HistoryJson.render(List.of())).isEmpty()).isTrue();
    }
}
