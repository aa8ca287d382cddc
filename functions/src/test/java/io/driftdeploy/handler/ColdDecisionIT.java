package io.driftdeploy.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.config.model.ComplianceType;

/**
 * What a cold drift decision initialises, in a JVM of its own, entered as Lambda enters it
 * ({@code new DriftHandler()}, then {@code handleRequest}) on an environment like Lambda's
 * on-demand one (keys in the environment): none of the start-up costs it was freed of
 * (docs/performance.md) comes back unnoticed. Each of them took 20 to 70 ms of a cold start.
 */
class ColdDecisionIT {

    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();

    @Test
    void aColdDecisionBuildsNoMapperReadsNoTrustStoreAndBuildsNoContainerCredentialsProvider(@TempDir Path dir)
            throws IOException, InterruptedException {
        String rule = env.prefix + "-drift-golden-ami";
        String instanceId = env.group("web").instances(2).tag("drift-deploy:remediation", "terminate").create().instanceIds().get(0);
        ComplianceEvents event = ComplianceEvents.nonCompliant(rule, instanceId);
        env.putEvaluation(env.existingConfigRule(rule), event.resourceType(), instanceId, ComplianceType.NON_COMPLIANT,
                event.orderingTimestamp());

        Path initialised = dir.resolve("classes.txt");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder lambda = new ProcessBuilder(List.of(java, "-Xlog:class+init=info:file=" + initialised,
                "-cp", System.getProperty("java.class.path"), DriftHandlerOnce.class.getName()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("output.txt").toFile());
        Map<String, String> environment = lambda.environment();
        environment.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("DRIFT_DEPLOY_"));
        Map<String, String> settings = new HashMap<>(env.environment(Map.of(
                "DRIFT_DEPLOY_DRIFT_RULE_PREFIX", env.prefix + "-drift-", "DRIFT_DEPLOY_MODE", "dry-run",
                "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "50")));
        settings.put("AWS_ENDPOINT_URL", Emulator.endpoint().toString());
        settings.put("AWS_REGION", Emulator.REGION.id());
        settings.put("AWS_ACCESS_KEY_ID", "testing");
        settings.put("AWS_SECRET_ACCESS_KEY", "testing");
        environment.putAll(settings);
        Process process = lambda.start();
        process.getOutputStream().write(event.bytes());
        process.getOutputStream().close();

        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(dir.resolve("output.txt"));
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).as("the decision, made to its end").contains("\"reason\" : \"dry-run\"").contains("\"enforceWouldDo\" : \"terminate\"");
        List<String> initialisedClasses = new ArrayList<>();
        for (String line : Files.readAllLines(initialised, StandardCharsets.UTF_8)) {
            int start = line.indexOf("Initializing '");
            if (start >= 0) {
                initialisedClasses.add(line.substring(start + "Initializing '".length(), line.indexOf('\'', start + 14)));
            }
        }
        assertThat(initialisedClasses).as("classes initialised").hasSizeGreaterThan(1_000)
                .contains("io/driftdeploy/handler/DriftHandler", "com/fasterxml/jackson/core/JsonFactory")
                .doesNotContain("com/fasterxml/jackson/databind/ObjectMapper", "sun/security/ssl/TrustStoreManager",
                        "software/amazon/awssdk/auth/credentials/ContainerCredentialsProvider");
    }

    /** Lambda's way in, minus its runtime: the public constructor, then one event from standard input. */
    static final class DriftHandlerOnce {
        public static void main(String[] args) throws IOException {
            DriftHandler handler = new DriftHandler();
            ByteArrayOutputStream result = new ByteArrayOutputStream();
            handler.handleRequest(System.in, result, null);
            System.out.println(result.toString(StandardCharsets.UTF_8));
        }
    }
}
