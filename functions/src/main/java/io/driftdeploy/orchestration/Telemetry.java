package io.driftdeploy.orchestration;

import io.driftdeploy.json.Json;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One structured JSON log line per decision, and metrics in CloudWatch embedded metric format
 * (EMF): Lambda ships stdout to CloudWatch Logs, which extracts the metrics with no API call.
 *
 * <p>A log line carries the fields Powertools for AWS Lambda logs, under its names
 * ({@code timestamp}, {@code level}, {@code service}, {@code cold_start}, {@code function_name},
 * {@code function_request_id}, {@code xray_trace_id}), so Logs Insights queries written for it
 * work here. The Java runtime passes what is printed to {@code System.out} through unchanged in
 * either log format (its {@code LambdaOutputStream}, aws-lambda-java-runtime-interface-client),
 * so with Lambda's JSON log format each line stays one JSON object, whose {@code level} Lambda's
 * log-level filtering reads, and the EMF lines stay what CloudWatch extracts metrics from. The EMF
 * lines have no level, which Lambda takes as INFO ("Log-level filtering", AWS Lambda Developer
 * Guide): an application log level above INFO would drop the metrics, so the stack sets INFO.
 */
public final class Telemetry {

    public static final String NAMESPACE = "DriftDeploy";
    /** The service every line names, as Powertools' {@code service}: one for the four functions, told apart by {@code function}. */
    public static final String SERVICE = "drift-deploy";

    private final String function;
    private final PrintStream out;
    private final Clock clock;
    /** The Lambda invocation the lines are written in (empty outside Lambda: tests, the CLI). */
    private Map<String, Object> invocation = Map.of();
    private boolean invokedBefore;

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

    /**
     * Lambda handed this environment an invocation: the lines that follow name it. The first in
     * the environment is its cold start (after a SnapStart restore too: the priming before the
     * snapshot decides on a twin whose lines go nowhere).
     *
     * @param traceHeader the X-Ray trace header, {@code Root=1-...;Parent=...;Sampled=...}, when traced
     */
    public void invoked(String functionName, String requestId, Optional<String> traceHeader) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("cold_start", !invokedBefore);
        fields.put("function_name", functionName);
        fields.put("function_request_id", requestId);
        traceHeader.flatMap(Telemetry::traceId).ifPresent(traceId -> fields.put("xray_trace_id", traceId));
        invocation = fields;
        invokedBefore = true;
    }

    /** The trace id a trace header names (its {@code Root}), as Powertools logs it. */
    static Optional<String> traceId(String traceHeader) {
        return Arrays.stream(traceHeader.split(";"))
                .map(String::strip)
                .filter(part -> part.startsWith("Root="))
                .map(part -> part.substring("Root=".length()))
                .filter(root -> !root.isEmpty())
                .findFirst();
    }

    /** Logs one decision: what was decided, why, and the facts; never anything secret. */
    public void decision(String level, Map<String, ?> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", clock.instant().toString());
        line.put("level", level);
        line.put("service", SERVICE);
        line.put("function", function);
        line.putAll(invocation);
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
        List<String> dimensions = new ArrayList<>();
        dimensions.add("Function");
        dimensions.addAll(extraDimensions.keySet());
        emit(counts, "Count", extraDimensions, List.of(dimensions));
    }

    /** Emits how long something took, in milliseconds, dimensioned by function. */
    public void duration(String name, Duration took) {
        emit(Map.of(name, took.toMillis()), "Milliseconds", Map.of(), List.of(List.of("Function")));
    }

    /**
     * Emits one value that several functions report on the same thing (e.g. NonCompliantInstances
     * from the drift function and the alarms function's sweep): to the series of this function,
     * and to one series with no dimensions that adds them up for an alarm to watch. An empty
     * dimension set is valid EMF and publishes the metric without dimensions.
     */
    public void accountWide(String name, long value) {
        emit(Map.of(name, value), "Count", Map.of(), List.of(List.of("Function"), List.of()));
    }

    /** One EMF line: the values under the namespace, in each of the dimension sets, with the invocation's fields. */
    private void emit(Map<String, ? extends Number> values, String unit, Map<String, String> extraDimensions,
                      List<List<String>> dimensionSets) {
        List<Map<String, String>> metrics = values.keySet().stream()
                .map(name -> Map.of("Name", name, "Unit", unit))
                .toList();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", Map.of(
                "Timestamp", clock.millis(),
                "CloudWatchMetrics", List.of(Map.of(
                        "Namespace", NAMESPACE,
                        "Dimensions", dimensionSets,
                        "Metrics", metrics))));
        line.put("Function", function);
        line.putAll(extraDimensions);
        line.putAll(values);
        line.putAll(invocation);
        print(line);
    }

    private void print(Map<String, Object> line) {
        try {
            out.println(Json.PLAIN.write(line));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("log fields are not serialisable: " + e.getMessage(), e);
        }
    }
}
