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
import java.util.Optional;
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
        assertThat(line.path("service").asText()).isEqualTo("drift-deploy");
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("timestamp").asText()).isEqualTo("2026-11-26T10:00:00Z");
        assertThat(line.path("reason").asText()).isEqualTo("standalone-instance");
        assertThat(line.has("cold_start")).as("outside Lambda there is no invocation to name").isFalse();
    }

    /** The fields Powertools for AWS Lambda logs, so that Logs Insights queries written for it find these lines. */
    @Test
    void linesInAnInvocationNameItAsPowertoolsDoesAndOnlyTheFirstIsTheColdStart() throws Exception {
        telemetry.invoked("drift-deploy-drift", "req-1", Optional.of("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"));
        telemetry.decision("INFO", Map.of("decision", "skip"));
        JsonNode first = onlyLine();
        out.reset();
        telemetry.invoked("drift-deploy-drift", "req-2", Optional.empty());
        telemetry.count(Map.of("Terminated", 1), Map.of());
        JsonNode second = onlyLine();

        assertThat(first.path("cold_start").asBoolean()).isTrue();
        assertThat(first.path("function_name").asText()).isEqualTo("drift-deploy-drift");
        assertThat(first.path("function_request_id").asText()).isEqualTo("req-1");
        assertThat(first.path("xray_trace_id").asText()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
        assertThat(second.path("cold_start").asBoolean()).isFalse();
        assertThat(second.path("function_request_id").asText()).as("metrics carry the request too").isEqualTo("req-2");
        assertThat(second.has("xray_trace_id")).as("an untraced invocation names no trace").isFalse();
    }

    @Test
    void theTraceIdIsTheHeadersRoot() {
        assertThat(Telemetry.traceId("Root=1-abc-def;Parent=0123;Sampled=0")).contains("1-abc-def");
        assertThat(Telemetry.traceId("Parent=0123; Root=1-abc-def")).contains("1-abc-def");
        assertThat(Telemetry.traceId("Parent=0123;Sampled=1")).isEmpty();
        assertThat(Telemetry.traceId("Root=")).isEmpty();
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
    void aDurationIsEmbeddedInMilliseconds() throws Exception {
        telemetry.duration("SweepDuration", java.time.Duration.ofMillis(1_234));

        JsonNode line = onlyLine();
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Dimensions").get(0).toString()).isEqualTo("[\"Function\"]");
        assertThat(directive.path("Metrics").get(0).path("Name").asText()).isEqualTo("SweepDuration");
        assertThat(directive.path("Metrics").get(0).path("Unit").asText()).isEqualTo("Milliseconds");
        assertThat(line.path("SweepDuration").asLong()).isEqualTo(1_234);
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
