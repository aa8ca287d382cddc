package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.orchestration.Telemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** The operations dashboard graphs the metrics the functions write, under the names they write them. */
class OperationsDashboardTest {

    private static final Path FUNCTIONS_SOURCES = SynthesizedApp.REPO_ROOT.resolve("functions/src/main/java");

    private final Template functions = SynthesizedApp.defaults().template(SynthesizedApp.defaults().stacks.functions());

    /** The dashboard body as CloudFormation gets it: a join of text and references, as one string. */
    private String body() throws IOException {
        Map<String, Map<String, Object>> dashboards = functions.findResources("AWS::CloudWatch::Dashboard");
        assertThat(dashboards).hasSize(1);
        return new ObjectMapper().writeValueAsString(dashboards.values().iterator().next().get("Properties"));
    }

    @Test
    void itIsNamedForTheStackAndGraphsEachDeadLetterQueueAndTheSweepAgainstItsTimeout() throws IOException {
        String body = body();

        assertThat(body).contains("\"DashboardName\":\"DriftDeploy-operations\"");
        assertThat(body.split("ApproximateNumberOfMessagesVisible", -1)).as("one line per function's queue")
                .hasSize(DriftDeployFunction.Kind.values().length + 1);
        assertThat(body).contains("SweepDuration").contains("\\\"label\\\":\\\"timeout\\\"");
    }

    /** Reasons appear as they are counted: SEARCH over the namespace the functions write to. */
    @Test
    void decisionsAreGraphedByReasonThroughSearchExpressionsInTheFunctionsNamespace() throws IOException {
        String body = body();

        assertThat(OperationsDashboard.NAMESPACE).isEqualTo(Telemetry.NAMESPACE);
        assertThat(body).contains("SEARCH('{DriftDeploy,Function,Reason} MetricName=\\\\\\\"NotTerminated\\\\\\\"'")
                .contains("SEARCH('{DriftDeploy,Decision,Function,Reason} MetricName=\\\\\\\"Decisions\\\\\\\"'")
                .contains("SEARCH('{DriftDeploy,Function,Scope} MetricName=\\\\\\\"StormAlerts\\\\\\\"'");
    }

    /** A metric renamed in the code and not here would leave a graph empty with nothing failing. */
    @Test
    void everyMetricOnTheDashboardIsOneTheFunctionsWrite() throws IOException {
        String sources;
        try (Stream<Path> files = Files.walk(FUNCTIONS_SOURCES)) {
            sources = files.filter(file -> file.toString().endsWith(".java")).map(file -> {
                try {
                    return Files.readString(file);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.joining("\n"));
        }
        String body = body();
        for (String metric : List.of("Terminated", "NotTerminated", "Decisions", "StormAlerts", "NonCompliantInstances",
                "SweepDuration")) {
            assertThat(body).as("the dashboard graphs %s", metric).contains(metric);
            assertThat(sources).as("the functions write %s", metric).contains("\"" + metric + "\"");
        }
    }
}
