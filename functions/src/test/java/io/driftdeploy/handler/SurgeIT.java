package io.driftdeploy.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.FaultProxy;
import io.driftdeploy.testing.FaultProxy.Fault;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * Surge replacement end to end on the emulator: the drift function marks the instance Unhealthy,
 * and the group's launch-before-terminate maintenance policy (the emulator's, as AWS documents
 * it) brings the replacement InService before the drifted instance is terminated. What the fleet
 * looks like at every step, the decision, its notification and its audit record.
 */
class SurgeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPT_IN_KEY = "drift-deploy:remediation";
    private static final String REPLACEMENT_KEY = "drift-deploy:replacement";
    private static final Duration REPLACED_WITHIN = Duration.ofSeconds(60);

    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    private final String driftRule = env.prefix + "-drift-golden-ami";

    /** Enforce mode with the rate limits out of the way; the capacity guard and the group decide. */
    private DriftHandler handler() {
        return handler(env.aws);
    }

    /** As {@link #handler()}, its calls going through {@code aws}. */
    private DriftHandler handler(AwsClients aws) {
        return handler(aws, Clock.systemUTC());
    }

    private DriftHandler handler(AwsClients aws, Clock clock) {
        return new DriftHandler(env.settings(Map.of(
                "DRIFT_DEPLOY_DRIFT_RULE_PREFIX", env.prefix + "-drift-",
                "DRIFT_DEPLOY_MODE", "enforce",
                "DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "10")), aws, clock,
                new Telemetry("drift", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), clock));
    }

    private TestGroup surgeGroup(String name) {
        return env.group(name).instances(2).maxSize(3).maintenancePolicy(100, 110)
                .tag(OPT_IN_KEY, "terminate").tag(REPLACEMENT_KEY, "surge").create();
    }

    private String health(TestGroup group, String instanceId) {
        return group.describe().instances().stream().filter(instance -> instance.instanceId().equals(instanceId))
                .map(Instance::healthStatus).findFirst().orElse("not listed");
    }

    /** The event as AWS Config sends it, its evaluation on record in Config. */
    private ComplianceEvents onRecord(String instanceId) {
        ComplianceEvents event = ComplianceEvents.nonCompliant(driftRule, instanceId);
        env.putEvaluation(env.existingConfigRule(event.ruleName()), event.resourceType(), instanceId,
                ComplianceType.NON_COMPLIANT, event.orderingTimestamp());
        return event;
    }

    /** The decision of {@code handler} on a drift event for the instance, as its JSON result. */
    private JsonNode drifted(DriftHandler handler, String instanceId) {
        return JSON.valueToTree(handler.handle(onRecord(instanceId).bytes()).json());
    }

    private InstanceStateName state(String instanceId) {
        return env.aws.ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0).state().name();
    }

    private static boolean listed(AutoScalingGroup group, String instanceId) {
        return group.instances().stream().anyMatch(instance -> instance.instanceId().equals(instanceId));
    }

    @Test
    void aTwoInstanceGroupsDriftedInstanceLeavesOnlyOnceItsReplacementIsInService() throws InterruptedException {
        TestGroup group = surgeGroup("surge");
        String drifted = group.instanceIds().get(0);
        String other = group.instanceIds().get(1);
        DriftHandler handler = handler();

        JsonNode result = drifted(handler, drifted);

        assertThat(result.path("reason").asText()).as("%s", result).isEqualTo("drift-confirmed");
        assertThat(result.path("decision").asText()).isEqualTo("terminate");
        assertThat(result.path("actions")).extracting(JsonNode::asText).containsExactly("SetInstanceHealth Unhealthy " + drifted);
        assertThat(result.path("replacement").asText()).isEqualTo("surge");
        assertThat(result.path("surgeRoom").asInt()).isEqualTo(1);

        // A second drifted instance while the first surge is in flight is held back: by the room under MaxSize
        // while the drifted instance is listed, and by the ledger's capacity hold (two minutes) after.
        JsonNode second = drifted(handler, other);
        assertThat(second.path("reason").asText()).as("%s", second).isEqualTo("capacity-guard");
        if (listed(group.describe(), drifted)) {
            assertThat(second.path("surgeRoom").asInt()).isZero();
        }

        List<List<String>> observed = new ArrayList<>();
        Instant deadline = Instant.now().plus(REPLACED_WITHIN);
        AutoScalingGroup now = group.describe();
        while (listed(now, drifted) && Instant.now().isBefore(deadline)) {
            assertThat(now.desiredCapacity()).isEqualTo(2);
            assertThat(now.instances()).as("never above MaxSize").hasSizeLessThanOrEqualTo(3);
            assertThat(now.instances().stream().filter(instance -> instance.lifecycleStateAsString().equals("InService")))
                    .as("the drifted instance stays InService until its replacement is: %s", now.instances()).hasSizeGreaterThanOrEqualTo(2);
            List<String> states = now.instances().stream()
                    .map(instance -> (instance.instanceId().equals(drifted) ? "drifted " : "")
                            + instance.lifecycleStateAsString() + "/" + instance.healthStatus()).sorted().toList();
            if (observed.isEmpty() || !observed.getLast().equals(states)) {
                observed.add(states);
            }
            Thread.sleep(100);
            now = group.describe();
        }
        assertThat(listed(now, drifted)).as("replaced within %s; observed %s", REPLACED_WITHIN, observed).isFalse();
        assertThat(observed).as("the replacement is launched, then InService, while the drifted instance is still there")
                .contains(List.of("InService/Healthy", "Pending/Healthy", "drifted InService/Unhealthy"))
                .contains(List.of("InService/Healthy", "InService/Healthy", "drifted InService/Unhealthy"));
        assertThat(now.desiredCapacity()).isEqualTo(2);
        assertThat(now.instances()).hasSize(2).allSatisfy(instance -> {
            assertThat(instance.lifecycleStateAsString()).isEqualTo("InService");
            assertThat(instance.healthStatus()).isEqualTo("Healthy");
        }).extracting(Instance::instanceId).contains(other);
        assertThat(state(drifted)).isEqualTo(InstanceStateName.TERMINATED);

        List<ReceivedNotification> told = env.awaitNotifications(2, Duration.ofSeconds(30));
        assertThat(told).filteredOn(notification -> notification.attributes().get("action").equals("terminate"))
                .singleElement().satisfies(notification -> {
                    assertThat(notification.body().path("facts").path("instance").asText()).isEqualTo(drifted);
                    assertThat(notification.body().path("facts").path("replacement").asText()).isEqualTo("surge");
                    assertThat(notification.body().path("summary").asText()).startsWith("Surge-replacing " + drifted);
                });
        assertThat(env.auditRecords(drifted)).singleElement().satisfies(record -> {
            assertThat(record.get("reason").s()).isEqualTo("drift-confirmed");
            assertThat(record.toString()).contains("SetInstanceHealth Unhealthy " + drifted);
        });
    }

    /**
     * SetInstanceHealth is applied but its reply never comes (every try): the instance is read
     * again, found listed Unhealthy, and the surge is reported and keeps its units.
     */
    @Test
    void aSurgeWhoseReplyIsLostIsFoundMarkedUnhealthyAndReported() {
        try (FaultProxy proxy = FaultProxy.start(Emulator.endpoint())) {
            TestGroup group = surgeGroup("lost");
            String drifted = group.instanceIds().get(0);
            proxy.when("autoscaling", "SetInstanceHealth").fail(Fault.LOST_RESPONSE);

            JsonNode result = drifted(handler(proxy.clients()), drifted);

            assertThat(proxy.forwarded("autoscaling", "SetInstanceHealth")).as("the call reached Auto Scaling").isPositive();
            assertThat(result.path("reason").asText()).as("%s", result).isEqualTo("drift-confirmed");
            assertThat(result.path("surgeCall").asText()).contains("found marked Unhealthy");
            assertThat(env.awaitNotifications(1, Duration.ofSeconds(30))).singleElement()
                    .satisfies(notification -> assertThat(notification.attributes()).containsEntry("action", "terminate"));
        }
    }

    /**
     * SetInstanceHealth fails before it reaches Auto Scaling: the instance is read again, found
     * Healthy, everything reserved is given back and the event released, so Lambda's retry
     * surges it.
     */
    @Test
    void aSurgeThatFailedBeforeReachingAutoScalingGivesEverythingBackAndTheRetrySurges() {
        try (FaultProxy proxy = FaultProxy.start(Emulator.endpoint())) {
            TestGroup group = surgeGroup("failed");
            String drifted = group.instanceIds().get(0);
            proxy.when("autoscaling", "SetInstanceHealth").fail(Fault.INTERNAL_ERROR);
            ComplianceEvents event = onRecord(drifted);

            assertThatThrownBy(() -> handler(proxy.clients()).handle(event.bytes())).isNotNull();
            assertThat(health(group, drifted)).isEqualTo("Healthy");
            assertThat(env.notificationsSoFar()).isEmpty();

            Map<String, Object> retried = handler().handle(event.bytes()).json();
            assertThat(retried).as("%s", retried).containsEntry("reason", "drift-confirmed")
                    .containsEntry("surgeRoom", 1);
            assertThat(health(group, drifted)).isEqualTo("Unhealthy");
        }
    }

    /**
     * SetInstanceHealth's reply is lost and the instance cannot be read either: nothing is given
     * back and the claim stays marked until the deadline; Lambda's retry after it finds the
     * instance marked Unhealthy (or already replaced) and reports the surge once, surging nothing more.
     */
    @Test
    void aSurgeWhoseOutcomeCannotBeReadIsRecoveredByTheRetryAfterItsDeadline() {
        try (FaultProxy proxy = FaultProxy.start(Emulator.endpoint())) {
            TestGroup group = surgeGroup("unknown");
            String drifted = group.instanceIds().get(0);
            ComplianceEvents event = onRecord(drifted);
            proxy.when("autoscaling", "SetInstanceHealth").fail(Fault.LOST_RESPONSE);
            // The decision's own read of the instance passes; the one after the lost reply fails.
            proxy.when("ec2", "DescribeInstances").afterFirst(1).fail(Fault.INTERNAL_ERROR);
            Instant deadline = Instant.now().plusSeconds(60);

            assertThatThrownBy(() -> handler(proxy.clients()).handle(event.bytes(), deadline)).isNotNull();
            Map<String, Object> recovered = handler(env.aws, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(61)))
                    .handle(event.bytes()).json();

            assertThat(recovered).as("%s", recovered).containsEntry("decision", "terminate").containsKey("recovered");
            assertThat(proxy.forwarded("autoscaling", "SetInstanceHealth")).isPositive();
            assertThat(env.awaitNotifications(1, Duration.ofSeconds(30))).singleElement()
                    .satisfies(notification -> assertThat(notification.attributes()).containsEntry("action", "terminate"));
            assertThat(group.describe().instances()).as("one surge, one replacement").hasSizeLessThanOrEqualTo(3);
        }
    }

    @Test
    void aGroupAtItsMaximumSizeIsNeitherSurgedNorTerminatedAndTheNotificationSaysWhatToChange() {
        TestGroup group = env.group("full").instances(2).maxSize(2).maintenancePolicy(100, 110)
                .tag(OPT_IN_KEY, "terminate").tag(REPLACEMENT_KEY, "surge").create();
        String drifted = group.instanceIds().get(0);

        JsonNode result = drifted(handler(), drifted);

        assertThat(result.path("reason").asText()).as("%s", result).isEqualTo("cannot-surge");
        assertThat(result.path("actions")).isEmpty();
        AutoScalingGroup after = group.describe();
        assertThat(after.instances()).hasSize(2).allSatisfy(instance -> assertThat(instance.healthStatus()).isEqualTo("Healthy"));
        assertThat(state(drifted)).isIn(InstanceStateName.RUNNING, InstanceStateName.PENDING);
        assertThat(env.notificationsSoFar()).singleElement().satisfies(notification -> {
            assertThat(notification.attributes()).containsEntry("action", "notify");
            assertThat(notification.body().path("summary").asText()).contains("raise the group's MaxSize");
        });
    }
}
