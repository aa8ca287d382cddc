package io.driftdeploy.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestGroup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/** Disruption budgets end to end on the emulator: the default-deny window, and a budget of 1 under concurrent events. */
class DisruptionBudgetIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPT_IN_KEY = "drift-deploy:remediation";
    private static final String BUDGET_KEY = "drift-deploy:budget";

    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    private final String driftRule = env.prefix + "-drift-golden-ami";
    private final ExecutorService pool = Executors.newFixedThreadPool(3);

    @AfterEach
    void stopThreads() {
        pool.shutdownNow();
    }

    /** Enforce mode, no floor and rate limits out of the way, so that only the budget can hold an instance back. */
    private DriftHandler handler() {
        return new DriftHandler(env.settings(Map.of(
                "DRIFT_DEPLOY_DRIFT_RULE_PREFIX", env.prefix + "-drift-",
                "DRIFT_DEPLOY_MODE", "enforce",
                "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "0",
                "DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "10")), env.aws, Clock.systemUTC(),
                new Telemetry("drift", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    /** A drift event AWS Config holds the evaluation of, decided by {@code handler}. */
    private JsonNode drifted(DriftHandler handler, String instanceId) {
        ComplianceEvents event = ComplianceEvents.nonCompliant(driftRule, instanceId);
        env.putEvaluation(env.existingConfigRule(event.ruleName()), event.resourceType(), instanceId,
                ComplianceType.NON_COMPLIANT, event.orderingTimestamp());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.bytes()), out, null);
        try {
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private InstanceStateName state(String instanceId) {
        return env.aws.ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0).state().name();
    }

    @Test
    void aGroupWithOnlyAScheduledBudgetIsLeftAloneOutsideItsWindowAndTheNotificationSaysWhenItOpens() {
        // A one-hour window twelve hours from now: the test runs far from either edge.
        int hour = (Instant.now().atZone(ZoneOffset.UTC).getHour() + 12) % 24;
        TestGroup group = env.group("nightly").instances(2).tag(OPT_IN_KEY, "terminate")
                .tag(BUDGET_KEY, "1 at 0 " + hour + " @ @ @ for 1h").create();
        String instance = group.instanceIds().get(0);

        JsonNode result = drifted(handler(), instance);

        assertThat(result.path("decision").asText()).as("%s", result).isEqualTo("notify");
        assertThat(result.path("reason").asText()).isEqualTo("budget-closed");
        assertThat(result.path("actions")).isEmpty();
        Instant opens = Instant.parse(result.path("budgetNextWindowOpens").asText());
        assertThat(opens.atZone(ZoneOffset.UTC).getHour()).isEqualTo(hour);
        assertThat(opens).isAfter(Instant.now());
        assertThat(state(instance)).isIn(InstanceStateName.RUNNING, InstanceStateName.PENDING);
        List<ReceivedNotification> told = env.notificationsSoFar();
        assertThat(told).singleElement().satisfies(notification -> {
            assertThat(notification.attributes()).containsEntry("kind", "drift").containsEntry("action", "notify");
            assertThat(notification.body().path("facts").path("reason").asText()).isEqualTo("budget-closed");
            assertThat(notification.body().toString()).contains("default-deny").contains(opens.toString());
        });
        assertThat(env.auditRecords(instance)).singleElement()
                .satisfies(record -> assertThat(record.get("reason").s()).isEqualTo("budget-closed"));
    }

    @Test
    void aBudgetOfOneLetsOneOfThreeConcurrentDriftEventsTerminate() throws Exception {
        TestGroup group = env.group("web").instances(4).tag(OPT_IN_KEY, "terminate").tag(BUDGET_KEY, "1").create();
        List<String> drifted = group.instanceIds().subList(0, 3);
        DriftHandler handler = handler();
        List<Callable<JsonNode>> calls = drifted.stream().<Callable<JsonNode>>map(id -> () -> drifted(handler, id)).toList();

        List<JsonNode> results = new ArrayList<>();
        for (Future<JsonNode> future : pool.invokeAll(calls, 5, TimeUnit.MINUTES)) {
            results.add(future.get());
        }

        assertThat(results).extracting(result -> result.path("reason").asText())
                .as("%s", results).containsOnlyOnce("drift-confirmed")
                .allMatch(reason -> List.of("drift-confirmed", "capacity-guard", "budget-closed").contains(reason));
        assertThat(results).filteredOn(result -> !result.path("reason").asText().equals("drift-confirmed"))
                .allSatisfy(refused -> assertThat(refused.path("budget").asText()).isEqualTo(BUDGET_KEY + "='1'"));
        assertThat(drifted.stream().filter(id -> state(id) != InstanceStateName.RUNNING && state(id) != InstanceStateName.PENDING))
                .hasSize(1);
    }
}
