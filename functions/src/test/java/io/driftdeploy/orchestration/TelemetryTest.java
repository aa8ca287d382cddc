package io.driftdeploy.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Telemetry telemetry = new Telemetry("drift", new PrintStream(out, true, StandardCharsets.UTF_8),
            Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC));

    private JsonNode onlyLine() throws Exception {
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(1);
        return new ObjectMapper().readTree(lines[0]);
    }

    @Test
    void aDecisionIsOneJsonLine() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("decision", "notify");
        fields.put("reason", "standalone-instance");
        telemetry.decision("INFO", fields);

        JsonNode line = onlyLine();
        assertThat(line.path("function").asText()).isEqualTo("drift");
        assertThat(line.path("time").asText()).isEqualTo("2026-11-26T10:00:00Z");
        assertThat(line.path("reason").asText()).isEqualTo("standalone-instance");
    }

    @Test
    void countsAreEmbeddedMetricFormat() throws Exception {
        telemetry.count(Map.of("NotTerminated", 1), Map.of("Reason", "capacity-guard"));

        JsonNode line = onlyLine();
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(line.path("_aws").path("Timestamp").asLong()).isEqualTo(Instant.parse("2026-11-26T10:00:00Z").toEpochMilli());
        assertThat(directive.path("Namespace").asText()).isEqualTo("DriftDeploy");
        assertThat(directive.path("Dimensions").get(0).toString()).isEqualTo("[\"Function\",\"Reason\"]");
        assertThat(directive.path("Metrics").get(0).path("Name").asText()).isEqualTo("NotTerminated");
        assertThat(line.path("Function").asText()).isEqualTo("drift");
        assertThat(line.path("Reason").asText()).isEqualTo("capacity-guard");
        assertThat(line.path("NotTerminated").asInt()).isEqualTo(1);
    }

    @Test
    void anAccountWideValueGoesToTheFunctionsSeriesAndToOneWithoutDimensions() throws Exception {
        telemetry.accountWide("NonCompliantInstances", 3);

        JsonNode line = onlyLine();
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("DriftDeploy");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Function\"],[]]");
        assertThat(directive.path("Metrics").get(0).path("Name").asText()).isEqualTo("NonCompliantInstances");
        assertThat(line.path("Function").asText()).isEqualTo("drift");
        assertThat(line.path("NonCompliantInstances").asLong()).isEqualTo(3);
    }

    @Test
    void noCountsWriteNothing() {
        telemetry.count(Map.of(), Map.of());

        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
