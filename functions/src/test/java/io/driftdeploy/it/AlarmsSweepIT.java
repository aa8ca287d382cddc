package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.Events;
import io.driftdeploy.handler.AlarmsHandler;
import io.driftdeploy.handler.DriftHandler;
import io.driftdeploy.orchestration.EventInProgressException;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.message.AlarmNotice;
import io.driftdeploy.testing.AlarmEvents;
import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.FaultProxy;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * The drift alarm going to ALARM sweeps: every NON_COMPLIANT instance recorded in AWS Config
 * (PutEvaluations) goes through the drift function's decision path, bounded by its guards for
 * the sweep as a whole, and one notification sums the sweep up.
 */
class AlarmsSweepIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EC2_INSTANCE = "AWS::EC2::Instance";
    private static final String SSM_INVENTORY = "AWS::SSM::ManagedInstanceInventory";
    private static final String OPT_IN_KEY = "drift-deploy:remediation";
    private static final Duration NOTIFIED = Duration.ofSeconds(20);

    /** Closed after each test: it deletes the Config rules the test made. */
    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    /**
     * The groups' application, this environment's own: the CLI's demo (CliDemoIT) rolls its image out
     * to every group of its app "shop" in the account, and may run at the same time as this class.
     */
    private final String app = env.prefix + "-shop";
    private final String driftAlarm = env.prefix + "-drift-alarm";
    private final String driftRule = env.configRule("drift-golden-ami");
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    /**
     * Enforce mode, drift rules by this environment's prefix (found with DescribeConfigRules), min
     * healthy 50 % so a group of 2 may lose one: the drift function's own test settings.
     */
    private Map<String, String> settings(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>();
        settings.put(Settings.PREFIX + "DRIFT_RULE_PREFIX", env.prefix + "-drift-");
        settings.put(Settings.PREFIX + "DRIFT_ALARMS", driftAlarm);
        settings.put(Settings.PREFIX + "MODE", "enforce");
        settings.put(Settings.PREFIX + "MIN_HEALTHY_PERCENT", "50");
        settings.putAll(overrides);
        return settings;
    }

    private AlarmsHandler alarms(Map<String, String> overrides) {
        return new AlarmsHandler(env.settings(settings(overrides)), env.aws, Clock.systemUTC(), telemetry("alarms"));
    }

    private Telemetry telemetry(String function) {
        return new Telemetry(function, new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    private AlarmEvents driftAlarmInAlarm() {
        return AlarmEvents.fromSample("alarms/drift-alarm-state-alarm.json", driftAlarm);
    }

    private Map<String, Object> driftAlarmFires(AlarmsHandler handler) {
        return handler.handle(driftAlarmInAlarm().bytes()).json();
    }

    private TestGroup optedInGroup(String name, int instances) {
        return env.group(name).instances(instances).tag(OPT_IN_KEY, "terminate").tag("drift-deploy:app", app).create();
    }

    private void nonCompliant(String resourceType, String instanceId) {
        env.putEvaluation(driftRule, resourceType, instanceId, ComplianceType.NON_COMPLIANT, Instant.now());
    }

    private InstanceStateName state(String instanceId) {
        return env.aws.ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0)
                .state().name();
    }

    private boolean running(String instanceId) {
        InstanceStateName state = state(instanceId);
        return state == InstanceStateName.RUNNING || state == InstanceStateName.PENDING;
    }

    private List<Map<String, AttributeValue>> auditRecords(String subject) {
        return env.aws.dynamoDb().query(r -> r.tableName(env.tableName)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", Ledger.PARTITION_KEY))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("AUDIT#" + subject)))).items();
    }

    private static List<ReceivedNotification> ofKind(List<ReceivedNotification> received, String kind) {
        return received.stream().filter(notification -> kind.equals(notification.kind())).toList();
    }

    private List<JsonNode> logLinesWith(String field) {
        return log.toString(StandardCharsets.UTF_8).lines().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).filter(line -> line.has(field)).toList();
    }

    @Test
    void threeDriftedInstancesInTwoGroupsAreSweptWithinTheAccountRateLimit() {
        TestGroup web = optedInGroup("web", 4);
        TestGroup api = optedInGroup("api", 2);
        List<String> drifted = List.of(web.instanceIds().get(0), web.instanceIds().get(1), api.instanceIds().get(0));
        nonCompliant(EC2_INSTANCE, drifted.get(0));
        nonCompliant(EC2_INSTANCE, drifted.get(1));
        // The seed's managed rule evaluates the instance's SSM inventory under the instance id.
        nonCompliant(SSM_INVENTORY, drifted.get(2));
        String compliant = api.instanceIds().get(1);
        env.putEvaluation(driftRule, EC2_INSTANCE, compliant, ComplianceType.COMPLIANT, Instant.now());
        // A drift rule may evaluate other resource types; the sweep leaves them alone.
        env.putEvaluation(driftRule, "AWS::S3::Bucket", env.prefix + "-bucket", ComplianceType.NON_COMPLIANT, Instant.now());

        AlarmEvents fired = driftAlarmInAlarm();
        Map<String, Object> result = alarms(Map.of(Settings.PREFIX + "MAX_TERMINATIONS_PER_ACCOUNT", "2"))
                .handle(fired.bytes()).json();

        assertThat(result).containsEntry("function", "alarms").containsEntry("decision", "sweep")
                .containsEntry("reason", "drift-alarm").containsEntry("found", 3).containsEntry("terminated", 2)
                .containsEntry("notTerminated", Map.of("account-rate-limit", 1))
                .containsEntry("rules", List.of(driftRule));
        assertThat(drifted.stream().filter(this::running)).as("the one the rate limit kept").hasSize(1);
        assertThat(running(compliant)).isTrue();

        List<ReceivedNotification> received = env.awaitNotifications(4, NOTIFIED);
        ReceivedNotification summary = ofKind(received, "sweep").getFirst();
        assertThat(summary.attributes()).containsEntry("severity", "warning").containsEntry("action", "sweep");
        assertThat(summary.subject()).isEqualTo("drift-deploy: drift sweep (" + driftAlarm + "): 3 found, 2 terminated");
        assertThat(summary.body().path("summary").asText())
                .contains("found 3 non-compliant instances: 2 terminated [")
                .contains("1 not terminated (account-rate-limit) [");
        assertThat(summary.body().path("facts").path("instances")).hasSize(3);
        // Each termination is told on its own, as the drift function tells it; the storm alert once.
        assertThat(ofKind(received, "drift")).hasSize(2)
                .allSatisfy(notification -> assertThat(notification.attributes()).containsEntry("action", "terminate"));
        assertThat(ofKind(received, "storm")).singleElement()
                .satisfies(storm -> assertThat(storm.body().path("facts").path("scope").asText()).isEqualTo("account"));
        assertThat(env.notificationsSoFar()).hasSize(4);

        // Every decision is the drift path's, audited under the instance like the drift function's.
        for (String instance : drifted) {
            assertThat(auditRecords(instance)).singleElement().satisfies(record -> {
                assertThat(record.get("function").s()).isEqualTo("drift");
                assertThat(record.get("eventId").s()).isEqualTo(
                        AlarmNotice.stateChangeId(Events.parseAlarm(fired.bytes())) + "#sweep#" + driftRule + "#" + instance);
            });
        }
        assertThat(auditRecords(driftAlarm)).singleElement()
                .satisfies(record -> assertThat(record.get("decision").s()).isEqualTo("sweep"));
        assertThat(logLinesWith("NonCompliantInstances")).anySatisfy(line -> {
            assertThat(line.path("Function").asText()).isEqualTo("alarms");
            assertThat(line.path("NonCompliantInstances").asInt()).isEqualTo(3);
        });
    }

    /**
     * The defect: a sweep that died (a crash, or the 900 s timeout, which runs no cleanup) kept
     * the alarm's state change claimed for a week, so nothing swept while the alarm stayed in
     * ALARM. Now the claim lapses at the attempt's deadline and Lambda's retry sweeps.
     */
    @Test
    void aSweepWhoseAttemptDiedIsSweptByTheRetryAfterItsDeadline() {
        TestGroup web = optedInGroup("web", 2);
        String drifted = web.instanceIds().get(0);
        nonCompliant(EC2_INSTANCE, drifted);
        Instant deadline = Instant.now().plusSeconds(60);
        try (FaultProxy proxy = FaultProxy.start(Emulator.endpoint())) {
            proxy.when("config", "GetComplianceDetailsByConfigRule").fail(FaultProxy.Fault.INTERNAL_ERROR);
            proxy.when("dynamodb", "DeleteItem").fail(FaultProxy.Fault.INTERNAL_ERROR);
            AlarmsHandler dying = new AlarmsHandler(env.settings(settings(Map.of())), proxy.clients(), Clock.systemUTC(),
                    telemetry("alarms"));
            assertThatThrownBy(() -> dying.handle(driftAlarmInAlarm().bytes(), deadline)).isNotNull();
        }

        assertThatThrownBy(() -> driftAlarmFires(alarms(Map.of()))).isInstanceOf(EventInProgressException.class);
        Clock afterDeadline = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(61));
        Map<String, Object> retried = new AlarmsHandler(env.settings(settings(Map.of())), env.aws, afterDeadline,
                telemetry("alarms")).handle(driftAlarmInAlarm().bytes()).json();

        assertThat(retried).as("%s", retried).containsEntry("decision", "sweep");
        assertThat(state(drifted)).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
    }

    @Test
    void theCapacityGuardCountsTheSweepsOwnTerminations() {
        // 3 instances at min healthy 50 %: one may be out of service at a time.
        TestGroup web = optedInGroup("web", 3);
        TestGroup api = optedInGroup("api", 2);
        List<String> inWeb = List.of(web.instanceIds().get(0), web.instanceIds().get(1));
        String inApi = api.instanceIds().get(0);
        inWeb.forEach(instance -> nonCompliant(EC2_INSTANCE, instance));
        nonCompliant(EC2_INSTANCE, inApi);

        Map<String, Object> result = driftAlarmFires(alarms(Map.of()));

        assertThat(result).containsEntry("found", 3).containsEntry("terminated", 2)
                .containsEntry("notTerminated", Map.of("capacity-guard", 1));
        assertThat(inWeb.stream().filter(this::running)).hasSize(1);
        assertThat(running(inApi)).isFalse();
    }

    @Test
    void aDryRunSweepTellsWhatEnforceWouldDoInOneNotification() {
        TestGroup web = optedInGroup("web", 2);
        TestGroup api = optedInGroup("api", 2);
        List<String> drifted = List.of(web.instanceIds().get(0), web.instanceIds().get(1), api.instanceIds().get(0));
        drifted.forEach(instance -> nonCompliant(EC2_INSTANCE, instance));
        // A second drift rule flagging one of them: still one decision for that instance.
        env.putEvaluation(env.configRule("drift-imdsv2"), EC2_INSTANCE, drifted.getFirst(), ComplianceType.NON_COMPLIANT,
                Instant.now());

        Map<String, Object> result = driftAlarmFires(alarms(Map.of(Settings.PREFIX + "MODE", "dry-run")));

        assertThat(result).containsEntry("found", 3).containsEntry("terminated", 0)
                .containsEntry("notTerminated", Map.of("dry-run", 3)).containsEntry("mode", "dry-run");
        assertThat(drifted).allMatch(this::running);
        List<ReceivedNotification> received = env.notificationsSoFar();
        assertThat(received).singleElement().satisfies(summary -> {
            assertThat(summary.kind()).isEqualTo("sweep");
            assertThat(summary.attributes()).containsEntry("severity", "info");
            assertThat(summary.body().path("summary").asText()).contains("3 not terminated (dry-run)");
        });
    }

    @Test
    void anEvaluationTheDriftFunctionHeldBackIsActedOnWhenTheSweepFindsItStillTrue() {
        TestGroup web = env.group("web").instances(2).create();
        String instance = web.instanceIds().getFirst();
        Instant captured = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        DriftHandler drift = new DriftHandler(env.settings(settings(Map.of())), env.aws, Clock.systemUTC(), telemetry("drift"));
        Map<String, Object> heldBack = drift.handle(ComplianceEvents.nonCompliant(driftRule, instance).orderedAt(captured).bytes()).json();
        assertThat(heldBack).containsEntry("reason", "group-not-opted-in");
        env.putEvaluation(driftRule, EC2_INSTANCE, instance, ComplianceType.NON_COMPLIANT, captured);
        web.tag(OPT_IN_KEY, "terminate");

        Map<String, Object> result = driftAlarmFires(alarms(Map.of()));

        assertThat(result).containsEntry("found", 1).containsEntry("terminated", 1);
        assertThat(running(instance)).isFalse();
    }

    /**
     * A change-triggered rule's result keeps the OrderingTimestamp of the configuration it evaluated,
     * however old: the sweep acts on AWS Config's own result, which the bound on an event's age does
     * not apply to.
     */
    @Test
    void aNonCompliantResultOlderThanTheLedgerRemembersIsStillSwept() {
        TestGroup web = optedInGroup("web", 2);
        String instance = web.instanceIds().getFirst();
        env.putEvaluation(driftRule, EC2_INSTANCE, instance, ComplianceType.NON_COMPLIANT, Instant.now().minus(Duration.ofDays(40)));

        Map<String, Object> result = driftAlarmFires(alarms(Map.of()));

        assertThat(result).containsEntry("found", 1).containsEntry("terminated", 1);
        assertThat(running(instance)).isFalse();
    }

    @Test
    void aDriftRuleConfigUnknownHereIsNamedAndTheRestIsSwept() {
        String missing = env.prefix + "-no-such-rule";

        Map<String, Object> result = driftAlarmFires(alarms(Map.of(Settings.PREFIX + "DRIFT_RULES", missing)));

        assertThat(result).containsEntry("found", 0).containsEntry("rules", List.of(driftRule))
                .containsEntry("missingRules", List.of(missing));
        ReceivedNotification summary = env.awaitNotifications(1, NOTIFIED).getFirst();
        assertThat(summary.attributes()).containsEntry("kind", "sweep").containsEntry("severity", "warning");
        assertThat(summary.body().path("summary").asText()).contains("found 0 non-compliant instances")
                .contains("Configured drift rules AWS Config does not know here: " + missing);
    }

    @Test
    void theDriftAlarmRecoveringIsToldAndSweepsNothing() {
        String drifted = optedInGroup("web", 2).instanceIds().getFirst();
        nonCompliant(EC2_INSTANCE, drifted);

        Map<String, Object> result = alarms(Map.of())
                .handle(AlarmEvents.fromSample("alarms/drift-alarm-state-ok.json", driftAlarm).bytes()).json();

        assertThat(result).containsEntry("decision", "notify").containsEntry("reason", "alarm-state-change")
                .doesNotContainKey("found");
        assertThat(running(drifted)).isTrue();
        assertThat(env.notificationsSoFar()).singleElement()
                .satisfies(notification -> assertThat(notification.subject())
                        .isEqualTo("drift-deploy: recovered (OK) " + driftAlarm));
    }
}
