package io.driftdeploy.orchestration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One structured JSON log line per decision, and metrics in CloudWatch embedded metric format
 * (EMF): Lambda ships stdout to CloudWatch Logs, which extracts the metrics with no API call.
 */
public final class Telemetry {

    public static final String NAMESPACE = "DriftDeploy";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String function;
    private final PrintStream out;
    private final Clock clock;

    public Telemetry(String function, PrintStream out, Clock clock) {
        this.function = function;
        this.out = out;
        this.clock = clock;
    }

    public static Telemetry toStdout(String function) {
        return new Telemetry(function, System.out, Clock.systemUTC());
    }

    /** Lines that go nowhere: SnapStart's prime decides a sample event, which is no decision to log or count. */
    public static Telemetry discarded(String function) {
        return new Telemetry(function, new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC());
    }

    /** Logs one decision: what was decided, why, and the facts; never anything secret. */
    public void decision(String level, Map<String, ?> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", clock.instant().toString());
        line.put("level", level);
        line.put("function", function);
        line.putAll(fields);
        print(line);
    }

    /**
     * Emits counts under the DriftDeploy namespace, dimensioned by function and, when given, by
     * one extra dimension (e.g. Reason) so "not terminated" can be split by the rule that decided.
     */
    public void count(Map<String, ? extends Number> counts, Map<String, String> extraDimensions) {
        if (counts.isEmpty()) {
            return;
        }
        List<String> dimensionNames = new java.util.ArrayList<>();
        dimensionNames.add("Function");
        dimensionNames.addAll(extraDimensions.keySet());
        List<Map<String, String>> metrics = counts.keySet().stream()
                .map(name -> Map.of("Name", name, "Unit", "Count"))
                .toList();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", Map.of(
                "Timestamp", clock.millis(),
                "CloudWatchMetrics", List.of(Map.of(
                        "Namespace", NAMESPACE,
                        "Dimensions", List.of(dimensionNames),
                        "Metrics", metrics))));
        line.put("Function", function);
        line.putAll(extraDimensions);
        line.putAll(counts);
        print(line);
    }

    /**
     * Emits one value that several functions report on the same thing (e.g. NonCompliantInstances
     * from the drift function and the alarms function's sweep): to the series of this function,
     * and to one series with no dimensions that adds them up for an alarm to watch. An empty
     * dimension set is valid EMF and publishes the metric without dimensions.
     */
    public void accountWide(String name, long value) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", Map.of(
                "Timestamp", clock.millis(),
                "CloudWatchMetrics", List.of(Map.of(
                        "Namespace", NAMESPACE,
                        "Dimensions", List.of(List.of("Function"), List.of()),
                        "Metrics", List.of(Map.of("Name", name, "Unit", "Count"))))));
        line.put("Function", function);
        line.put(name, value);
        print(line);
    }

    private void print(Map<String, Object> line) {
        try {
            out.println(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("log fields are not serialisable: " + e.getOriginalMessage(), e);
        }
    }
}
