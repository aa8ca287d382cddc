package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.testing.AlarmEvents;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.Sandbox;
import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.TestGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * invoke runs the real handler on every sample in events/, with and without --dry-run: a valid
 * sample is handled (exit 0, the handler's JSON result on standard output), a sample the catalog
 * marks invalid is rejected on the catalogued field (exit 1, the rejection still printed).
 * moto has no EC2 Image Builder: where the emulator does not answer GetImage, the Image Builder
 * sample that needs it fails with one clear line naming the service (exit 1) instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// One environment for the class, and the samples share event ids: a sample's dry run and its enforced
// run must not decide the same event at once, so its tests run one after another (beside other classes).
@Execution(ExecutionMode.SAME_THREAD)
class CliInvokeIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Closed after the class's tests (one instance for all): it deletes the Config rules they made. */
    @AutoClose
    private final Sandbox env = Sandbox.create();

    CliInvokeIT() {
        // The functions' ledger, which the handlers the command runs write to.
        Ledger.createTable(Emulator.client(DynamoDbClient.builder()), env.tableName);
    }

    record Sample(String file, String function, Optional<String> invalidField) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Arguments> samplesWithAndWithoutDryRun() throws IOException {
        List<Arguments> arguments = new ArrayList<>();
        for (JsonNode row : JSON.readTree(Samples.path("catalog.json").toFile())) {
            Sample sample = new Sample(row.get("file").asText(), row.get("function").asText(),
                    Optional.ofNullable(row.get("invalidField")).map(JsonNode::asText));
            arguments.add(Arguments.of(sample, false));
            arguments.add(Arguments.of(sample, true));
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} dry-run={1}")
    @MethodSource("samplesWithAndWithoutDryRun")
    void runsTheRealHandlerOnTheSample(Sample sample, boolean dryRun) throws IOException {
        List<String> args = new ArrayList<>(List.of("invoke", sample.function(), Samples.path(sample.file()).toString(),
                "--endpoint-url", Emulator.endpoint().toString(), "--region", Emulator.REGION.id()));
        if (dryRun) {
            args.add("--dry-run");
        }

        CliRun run = CliRun.of(environment(), args.toArray(String[]::new));

        if (needsImageBuilder(sample) && run.exitCode() == 1) {
            assertThat(run.err()).as(run.toString()).contains("AWS Imagebuilder refused the request");
            return;
        }
        JsonNode result = JSON.readTree(run.out());
        assertThat(result.path("function").asText()).as(run.toString()).isEqualTo(sample.function());
        if (sample.invalidField().isPresent()) {
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(result.path("decision").asText()).isEqualTo("rejected");
            assertThat(result.path("field").asText()).isEqualTo(sample.invalidField().get());
            assertThat(run.err()).contains("rejected the event (" + sample.invalidField().get() + ")");
        } else {
            assertThat(run.exitCode()).as(run.toString()).isZero();
            List<JsonNode> decisions = decisions(result);
            assertThat(decisions).as(run.toString()).isNotEmpty()
                    .allSatisfy(decision -> assertThat(decision.path("decision").asText()).isNotBlank().isNotEqualTo("rejected"));
            if (dryRun) {
                assertThat(decisions).filteredOn(decision -> decision.has("mode"))
                        .allSatisfy(decision -> assertThat(decision.path("mode").asText()).isEqualTo("dry-run"));
            }
        }
        assertThat(run.err()).as("the handler's log lines go to standard error").doesNotContain("\tat ");
    }

    @Test
    void readsTheEventFromStandardInputWhenTheFileIsADash() throws IOException {
        CliRun run = CliRun.withInput(environment(), Samples.text("refreshes/refresh-succeeded.json"),
                "invoke", "refreshes", "-", "--endpoint-url", Emulator.endpoint().toString(), "--dry-run");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JSON.readTree(run.out()).path("function").asText()).isEqualTo("refreshes");
    }

    @Test
    void dryRunWinsOverAGroupTaggedToEnforce() throws IOException {
        String rule = env.configRule("hardening");
        TestGroup group = env.group("enforced").instances(4)
                .tag("drift-deploy:remediation", "terminate").tag("drift-deploy:mode", "enforce").create();
        String instance = group.instanceIds().get(0);
        ComplianceEvents event = ComplianceEvents.nonCompliant(rule, instance);
        env.putEvaluation(rule, "AWS::EC2::Instance", instance, ComplianceType.NON_COMPLIANT, Instant.now());
        Map<String, String> environment = new HashMap<>(environment());
        environment.put("DRIFT_DEPLOY_DRIFT_RULES", rule);
        environment.put("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "50");

        CliRun run = CliRun.withInput(environment, new String(event.bytes(), StandardCharsets.UTF_8),
                "invoke", "drift", "-", "--endpoint-url", Emulator.endpoint().toString(), "--dry-run");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode result = JSON.readTree(run.out());
        assertThat(result.path("reason").asText()).as(run.toString()).isEqualTo("dry-run");
        assertThat(result.path("mode").asText()).isEqualTo("dry-run");
        assertThat(group.instanceIds()).contains(instance);
    }

    @Test
    void theDriftAlarmsSweepCountsItsDecisionsOnATerminal() throws IOException {
        String rule = env.configRule("sweep-progress");
        TestGroup group = env.group("swept").instances(3).tag("drift-deploy:remediation", "terminate").create();
        for (String instance : group.instanceIds()) {
            env.putEvaluation(rule, "AWS::EC2::Instance", instance, ComplianceType.NON_COMPLIANT, Instant.now());
        }
        String alarm = env.prefix + "-drift-alarm";
        Path event = Files.createTempFile("drift-alarm", ".json");
        Files.write(event, AlarmEvents.fromSample("alarms/drift-alarm-state-alarm.json", alarm).bytes());
        Map<String, String> environment = new HashMap<>(environment());
        environment.put("DRIFT_DEPLOY_DRIFT_RULES", rule);
        environment.put("DRIFT_DEPLOY_DRIFT_ALARMS", alarm);

        CliRun run = CliRun.onTerminal(environment, "invoke", "alarms", event.toString(),
                "--endpoint-url", Emulator.endpoint().toString(), "--dry-run");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JSON.readTree(run.out()).toString()).as(run.toString()).contains("sweep");
        assertThat(run.out()).as("the result has no progress in it").doesNotContain("\r", "decisions so far");
        // One decision per swept instance and the sweep's own summary, counted under the log as they come.
        assertThat(run.err()).as(run.toString())
                .contains("invoke alarms: 1 decision so far", "\rinvoke alarms: 3 decisions so far",
                        "\rinvoke alarms: 4 decisions so far")
                .doesNotContain("decisions so far\n")
                .as("the tally is erased at the end").endsWith("\r" + " ".repeat("invoke alarms: 4 decisions so far".length()) + "\r");
    }

    /** A function decides once per event, or once per target group (images, refreshes). */
    private static List<JsonNode> decisions(JsonNode result) {
        if (result.has("decisions")) {
            List<JsonNode> decisions = new ArrayList<>();
            result.path("decisions").forEach(decisions::add);
            return decisions;
        }
        return List.of(result);
    }

    private static boolean needsImageBuilder(Sample sample) {
        return sample.file().equals("images/imagebuilder-available.json");
    }

    private Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(env.environment(Map.of(
                "DRIFT_DEPLOY_MODE", "enforce",
                "DRIFT_DEPLOY_DRIFT_RULE_PREFIX", "ec2-")));
        environment.put("AWS_ENDPOINT_URL", Emulator.endpoint().toString());
        return environment;
    }
}
