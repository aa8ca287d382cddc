package io.driftdeploy.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.DynamoDriftLedger;
import io.driftdeploy.aws.Ledger;
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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import io.driftdeploy.message.DriftReports;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.orchestration.EventInProgressException;

/** The drift function end to end on the emulator: every decision, its notification and audit record. */
class DriftHandlerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPT_IN_KEY = "drift-deploy:remediation";
    private static final String MIN_HEALTHY_KEY = "drift-deploy:min-healthy-percent";
    private static final Duration NOTIFIED = Duration.ofSeconds(20);

    /** Closed after each test: it deletes the Config rules the test made. */
    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    /**
     * The groups' application, this environment's own: the CLI's demo (CliDemoIT) rolls its image out
     * to every group of its app "shop" in the account, and may run at the same time as this class.
     */
    private final String app = env.prefix + "-shop";
    private final String driftRule = env.prefix + "-drift-golden-ami";
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final ExecutorService pool = Executors.newFixedThreadPool(10);

    @AfterEach
    void stopThreads() {
        pool.shutdownNow();
    }

    /** Enforce mode, drift rules by this environment's prefix, min healthy 50 % so a group of 2 may lose one. */
    private DriftHandler handler(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>();
        settings.put("DRIFT_DEPLOY_DRIFT_RULE_PREFIX", env.prefix + "-drift-");
        settings.put("DRIFT_DEPLOY_MODE", "enforce");
        settings.put("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "50");
        settings.putAll(overrides);
        return new DriftHandler(env.settings(settings), env.aws, Clock.systemUTC(),
                new Telemetry("drift", new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    private DriftHandler handler() {
        return handler(Map.of());
    }

    private static JsonNode invoke(DriftHandler handler, byte[] event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        try {
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode invoke(DriftHandler handler, ComplianceEvents event) {
        return invoke(handler, event.bytes());
    }

    /**
     * The event as AWS Config sends it: the evaluation it carries is first recorded in Config
     * (PutEvaluations, as the rule's function does; the rule is made if Config does not know it).
     * An event sent without this is one Config holds nothing of, as anyone may craft.
     */
    private ComplianceEvents onRecord(ComplianceEvents event) {
        env.putEvaluation(env.existingConfigRule(event.ruleName()), event.resourceType(), event.instanceId(),
                ComplianceType.fromValue(event.complianceType()), event.orderingTimestamp());
        return event;
    }

    private TestGroup optedInGroup(String name, int instances) {
        return env.group(name).instances(instances).tag(OPT_IN_KEY, "terminate").tag("drift-deploy:app", app).create();
    }

    private InstanceStateName state(String instanceId) {
        return env.aws.ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0).state().name();
    }

    /** Every notification of {@code kind} published so far: none can still be on its way (see notificationsSoFar). */
    private List<ReceivedNotification> notificationsOfKind(String kind) {
        return env.notificationsSoFar().stream().filter(n -> kind.equals(n.kind())).toList();
    }

    /** Decided without acting: the decision and reason, no action, the team told and the decision audited. */
    private void assertDecidedWithoutAction(JsonNode result, String decision, String reason, String instanceId) {
        assertThat(result.path("decision").asText()).as("decision in %s", result).isEqualTo(decision);
        assertThat(result.path("reason").asText()).as("reason in %s", result).isEqualTo(reason);
        assertThat(result.path("instance").asText()).isEqualTo(instanceId);
        assertThat(result.path("actions")).isEmpty();
        List<ReceivedNotification> told = env.notificationsSoFar();
        assertThat(told).as("one notification, the decision's").hasSize(1);
        ReceivedNotification notification = told.get(0);
        assertThat(notification.attributes()).containsEntry("kind", "drift").containsEntry("action", decision);
        assertThat(notification.body().path("facts").path("reason").asText()).isEqualTo(reason);
        assertThat(env.auditRecords(instanceId)).hasSize(1)
                .allSatisfy(record -> assertThat(record.get("reason").s()).isEqualTo(reason));
    }

    /** As {@link #assertDecidedWithoutAction}, and the instance still runs. */
    private void assertNotTerminated(JsonNode result, String decision, String reason, String instanceId) {
        assertDecidedWithoutAction(result, decision, reason, instanceId);
        assertThat(state(instanceId)).isIn(InstanceStateName.RUNNING, InstanceStateName.PENDING);
    }

    @Test
    void enforceTerminatesADriftedInstanceOfAnOptedInGroupAndTheGroupReplacesIt() {
        TestGroup group = optedInGroup("web", 2);
        String victim = group.instanceIds().get(0);

        JsonNode result = invoke(handler(), onRecord(ComplianceEvents.nonCompliant(driftRule, victim)));

        assertThat(result.path("decision").asText()).isEqualTo("terminate");
        assertThat(result.path("reason").asText()).isEqualTo("drift-confirmed");
        assertThat(result.path("instance").asText()).isEqualTo(victim);
        assertThat(result.path("group").asText()).isEqualTo(group.name);
        assertThat(result.path("mode").asText()).isEqualTo("enforce");
        assertThat(result.path("actions").get(0).asText()).isEqualTo("TerminateInstanceInAutoScalingGroup " + victim);
        assertThat(result.path("activityId").asText()).isNotBlank();
        TestEnvironment.awaitTrue("a replacement joins the group", Duration.ofSeconds(30),
                () -> group.instanceIds().size() == 2 && !group.instanceIds().contains(victim));
        assertThat(group.describe().desiredCapacity()).isEqualTo(2);
        assertThat(state(victim)).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);

        ReceivedNotification notification = env.awaitNotifications(1, NOTIFIED).get(0);
        assertThat(notification.attributes()).containsEntry("kind", "drift").containsEntry("action", "terminate")
                .containsEntry("severity", "warning").containsEntry("group", group.name).containsEntry("app", app);
        assertThat(notification.subject()).hasSizeLessThanOrEqualTo(100).contains(victim);
        assertThat(notification.body().path("schemaVersion").asText()).isEqualTo("1");
        assertThat(notification.body().path("facts").path("instance").asText()).isEqualTo(victim);
        assertThat(notification.body().path("facts").path("decision").asText()).isEqualTo("terminate");

        List<Map<String, AttributeValue>> audit = env.auditRecords(victim);
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("decision").s()).isEqualTo("terminate");
        assertThat(audit.get(0).get("actions").l()).extracting(AttributeValue::s)
                .containsExactly("TerminateInstanceInAutoScalingGroup " + victim);
        assertThat(audit.get(0).get(Ledger.EXPIRES_AT).n()).isNotBlank();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("\"Terminated\":1").contains("\"DriftDetected\":1");
    }

    @Test
    void theSeedsInventoryRuleEvaluationOfAnEc2InstanceIsRemediatedAndReReadUnderItsOwnType() {
        TestGroup group = optedInGroup("web", 2);
        String victim = group.instanceIds().get(0);
        String rule = env.configRule("drift-inventory");
        env.putEvaluation(rule, "AWS::SSM::ManagedInstanceInventory", victim, ComplianceType.NON_COMPLIANT, Instant.now());

        JsonNode result = invoke(handler(), ComplianceEvents.nonCompliant(rule, victim).resourceType("AWS::SSM::ManagedInstanceInventory"));

        assertThat(result.path("decision").asText()).isEqualTo("terminate");
        assertThat(result.path("resourceType").asText()).isEqualTo("AWS::SSM::ManagedInstanceInventory");
    }

    @Test
    void aStandaloneInstanceIsNeverTerminated() {
        String instance = env.standaloneInstance(Map.of());
        assertNotTerminated(invoke(handler(), ComplianceEvents.nonCompliant(driftRule, instance)), "notify", "standalone-instance", instance);
    }

    @Test
    void aGroupThatDidNotOptInIsOnlyNotified() {
        TestGroup group = env.group("web").instances(2).create();
        String instance = group.instanceIds().get(0);
        JsonNode result = invoke(handler(), ComplianceEvents.nonCompliant(driftRule, instance));
        assertNotTerminated(result, "notify", "group-not-opted-in", instance);
        assertThat(result.path("group").asText()).isEqualTo(group.name);
    }

    @Test
    void anInstanceWithTheProtectTagIsNotTerminated() {
        TestGroup group = optedInGroup("web", 2);
        String instance = group.instanceIds().get(0);
        env.tagInstance(instance, "drift-deploy:protect", "incident-1234");
        assertNotTerminated(invoke(handler(), ComplianceEvents.nonCompliant(driftRule, instance)), "notify", "protect-tag", instance);
    }

    @Test
    void anInstanceProtectedFromScaleInIsNotTerminated() {
        TestGroup group = optedInGroup("web", 2);
        String instance = group.instanceIds().get(0);
        group.protectFromScaleIn(instance);
        assertNotTerminated(invoke(handler(), ComplianceEvents.nonCompliant(driftRule, instance)), "notify", "scale-in-protection", instance);
    }

    @Test
    void anInstanceInStandbyIsNotTerminated() {
        TestGroup group = optedInGroup("web", 3);
        String instance = group.instanceIds().get(0);
        group.enterStandby(instance);
        assertNotTerminated(invoke(handler(), ComplianceEvents.nonCompliant(driftRule, instance)), "notify", "not-in-service", instance);
    }

    @Test
    void aGroupAtItsMinimumHealthyShareKeepsItsInstance() {
        TestGroup group = optedInGroup("web", 2);
        String instance = group.instanceIds().get(0);
        JsonNode result = invoke(handler(Map.of("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "90")), ComplianceEvents.nonCompliant(driftRule, instance));
        assertNotTerminated(result, "notify", "capacity-guard", instance);
        assertThat(group.instanceIds()).contains(instance);
    }

    @Test
    void theGroupsOwnMinHealthyTagReplacesTheSettingBothWays() {
        TestGroup lenient = env.group("lenient").instances(2).tag(OPT_IN_KEY, "terminate").tag(MIN_HEALTHY_KEY, "50").create();
        TestGroup strict = env.group("strict").instances(2).tag(OPT_IN_KEY, "terminate").tag(MIN_HEALTHY_KEY, "100").create();

        JsonNode terminated = invoke(handler(Map.of("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "90")),
                onRecord(ComplianceEvents.nonCompliant(driftRule, lenient.instanceIds().get(0))));
        JsonNode kept = invoke(handler(Map.of("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "50")),
                ComplianceEvents.nonCompliant(driftRule, strict.instanceIds().get(0)));

        assertThat(terminated.path("decision").asText()).as("%s", terminated).isEqualTo("terminate");
        assertThat(kept.path("reason").asText()).as("%s", kept).isEqualTo("capacity-guard");
        assertThat(kept.path("minHealthyPercent").asInt()).isEqualTo(100);
        assertThat(kept.path("minHealthyFrom").asText()).isEqualTo("group tag " + MIN_HEALTHY_KEY);
    }

    @Test
    void aMalformedMinHealthyTagFailsClosedNamingTheTagAndItsValue() {
        TestGroup group = env.group("web").instances(4).tag(OPT_IN_KEY, "terminate").tag(MIN_HEALTHY_KEY, "50%").create();
        String instance = group.instanceIds().get(0);

        JsonNode result = invoke(handler(), ComplianceEvents.nonCompliant(driftRule, instance));

        assertNotTerminated(result, "notify", "invalid-group-tag", instance);
        JsonNode facts = env.notificationsSoFar().get(0).body().path("facts");
        assertThat(facts.path("minHealthyTag").asText()).isEqualTo(MIN_HEALTHY_KEY);
        assertThat(facts.path("minHealthyTagValue").asText()).isEqualTo("50%");
        assertThat(rateCounters()).as("nothing reserved for a refused termination").isEmpty();
    }

    /**
     * The emulator's refresh replaces one instance per second here (10 instances, min healthy 90 %),
     * in the group's order, so the last instance is still untouched while the event is handled.
     */
    @Test
    void anInstanceRefreshInProgressReplacesTheInstanceInstead() {
        TestGroup group = optedInGroup("web", 10);
        List<String> instances = group.instanceIds();
        String instance = instances.get(instances.size() - 1);
        env.aws.autoScaling().startInstanceRefresh(r -> r.autoScalingGroupName(group.name)
                .preferences(p -> p.minHealthyPercentage(90)));
        assertDecidedWithoutAction(invoke(handler(), ComplianceEvents.nonCompliant(driftRule, instance)),
                "notify", "refresh-in-progress", instance);
    }

    @Test
    void aRuleThatIsNotADriftRuleIsSkipped() {
        TestGroup group = optedInGroup("web", 2);
        String instance = group.instanceIds().get(0);
        assertNotTerminated(invoke(handler(), ComplianceEvents.nonCompliant(env.prefix + "-required-tags", instance)),
                "skip", "not-a-drift-rule", instance);
    }

    @Test
    void aCompliantEvaluationIsRecordedNotActedOn() {
        TestGroup group = optedInGroup("web", 2);
        String instance = group.instanceIds().get(0);
        assertNotTerminated(invoke(handler(), ComplianceEvents.nonCompliant(driftRule, instance).compliance("COMPLIANT")),
                "skip", "compliant", instance);
    }

    @Test
    void anInstanceAlreadyGoneIsSkipped() {
        TestGroup group = optedInGroup("web", 2);
        String instance = group.instanceIds().get(0);
        env.aws.ec2().terminateInstances(r -> r.instanceIds(instance));
        assertDecidedWithoutAction(invoke(handler(), ComplianceEvents.nonCompliant(driftRule, instance)), "skip", "instance-gone", instance);
    }

    @Test
    void aNewerCompliantEvaluationAlreadyRecordedCancelsAnOlderNonCompliantOne() {
        TestGroup group = optedInGroup("web", 2);
        String instance = group.instanceIds().get(0);
        Instant captured = Instant.now();
        DriftHandler handler = handler();
        invoke(handler, onRecord(ComplianceEvents.nonCompliant(driftRule, instance).compliance("COMPLIANT").orderedAt(captured)));

        JsonNode result = invoke(handler, onRecord(ComplianceEvents.nonCompliant(driftRule, instance).orderedAt(captured.minusSeconds(60))));

        assertThat(result.path("decision").asText()).isEqualTo("skip");
        assertThat(result.path("reason").asText()).isEqualTo("stale-evaluation");
        assertThat(state(instance)).isIn(InstanceStateName.RUNNING, InstanceStateName.PENDING);
        assertThat(env.auditRecords(instance)).extracting(record -> record.get("reason").s())
                .containsExactlyInAnyOrder("compliant", "stale-evaluation");
    }

    /**
     * AWS Config holds COMPLIANT for the instance, dated {@code compliantAgo} seconds ago; an event
     * claims NON_COMPLIANT dated {@code eventAgo} seconds ago (no earlier event told the ledger
     * anything): nothing is terminated, and what was reserved is given back.
     */
    private void assertConfigsCompliantResultRefuses(long compliantAgo, long eventAgo, String reason) {
        TestGroup group = optedInGroup("web", 2);
        String instance = group.instanceIds().get(0);
        String rule = env.configRule("drift-golden-ami");
        Instant now = Instant.now();
        env.putEvaluation(rule, "AWS::EC2::Instance", instance, ComplianceType.COMPLIANT, now.minusSeconds(compliantAgo));

        JsonNode result = invoke(handler(), ComplianceEvents.nonCompliant(rule, instance).orderedAt(now.minusSeconds(eventAgo)));

        assertNotTerminated(result, "skip", reason, instance);
        assertThat(result.path("configCompliance").asText()).isEqualTo("COMPLIANT");
        assertThat(Instant.parse(result.path("configOrderingTimestamp").asText()))
                .isCloseTo(now.minusSeconds(compliantAgo), within(1, ChronoUnit.SECONDS));
        assertThat(rateCounters()).as("the unit taken for it was given back").allSatisfy(count -> assertThat(count).isZero());
    }

    /** Config's current COMPLIANT result is newer than the event's NON_COMPLIANT one. */
    @Test
    void aNonCompliantEventOlderThanConfigsCurrentCompliantResultIsStale() {
        assertConfigsCompliantResultRefuses(0, 30, "stale-evaluation");
    }

    /** Config holds COMPLIANT, older than the NON_COMPLIANT evaluation the event claims: Config does not hold that one. */
    @Test
    void configSayingCompliantNowStopsTheTermination() {
        assertConfigsCompliantResultRefuses(30, 0, "no-longer-non-compliant");
    }

    // Trust nothing an event says: AWS Config's current result decides, and an event's time is bounded.

    @Test
    void anEventForAnInstanceConfigHoldsNoEvaluationOfTerminatesNothing() {
        TestGroup group = optedInGroup("web", 2);
        String instance = group.instanceIds().get(0);
        String other = group.instanceIds().get(1);
        env.putEvaluation(env.configRule("drift-golden-ami"), "AWS::EC2::Instance", other, ComplianceType.NON_COMPLIANT, Instant.now());

        JsonNode result = invoke(handler(), ComplianceEvents.nonCompliant(driftRule, instance));

        assertNotTerminated(result, "notify", "no-evaluation-on-record", instance);
        assertThat(result.path("configCompliance").asText()).isEqualTo("none");
        assertThat(group.instanceIds()).contains(instance, other);
        assertThat(rateCounters()).as("what was reserved was given back").allSatisfy(count -> assertThat(count).isZero());
        assertThat(env.notificationsSoFar()).isNotEmpty().allSatisfy(notification ->
                assertThat(notification.subject()).contains("untrusted"));
    }

    /** A crafted COMPLIANT event (nothing in Config) dated {@code craftedAt}, then a genuine NON_COMPLIANT one dated now. */
    private record CraftedThenGenuine(String instance, JsonNode crafted, JsonNode genuine) {
    }

    private CraftedThenGenuine craftedCompliantThenGenuine(TestGroup group, Instant craftedAt) {
        String instance = group.instanceIds().get(0);
        DriftHandler handler = handler();
        JsonNode crafted = invoke(handler, ComplianceEvents.nonCompliant(driftRule, instance).compliance("COMPLIANT").orderedAt(craftedAt));
        JsonNode genuine = invoke(handler, onRecord(ComplianceEvents.nonCompliant(driftRule, instance)));
        return new CraftedThenGenuine(instance, crafted, genuine);
    }

    @Test
    void aCompliantEventDatedIn2099IsRefusedAndTheGenuineEvaluationAfterItIsDecided() {
        TestGroup group = optedInGroup("web", 2);
        CraftedThenGenuine events = craftedCompliantThenGenuine(group, Instant.parse("2099-01-01T00:00:00Z"));
        String instance = events.instance();
        JsonNode crafted = events.crafted();
        JsonNode genuine = events.genuine();

        assertThat(crafted.path("decision").asText()).as("%s", crafted).isEqualTo("notify");
        assertThat(crafted.path("reason").asText()).as("%s", crafted).isEqualTo("evaluation-from-the-future");
        assertThat(crafted.path("actions")).isEmpty();
        assertThat(genuine.path("reason").asText()).as("%s", genuine).isEqualTo("drift-confirmed");
        assertThat(genuine.path("decision").asText()).isEqualTo("terminate");
        TestEnvironment.awaitTrue("a replacement joins the group", Duration.ofSeconds(30),
                () -> group.instanceIds().size() == 2 && !group.instanceIds().contains(instance));
        assertThat(env.auditRecords(instance)).extracting(record -> record.get("reason").s())
                .containsExactlyInAnyOrder("evaluation-from-the-future", "drift-confirmed");
        assertThat(recordedEvaluation(instance)).as("the 2099 evaluation was never recorded")
                .hasValueSatisfying(recorded -> assertThat(recorded.get("compliance").s()).isEqualTo("NON_COMPLIANT"));
    }

    /** Within the clock skew a crafted time is accepted and recorded; AWS Config's current result still decides. */
    @Test
    void aCompliantEventDatedWithinTheSkewDoesNotOutweighConfigsCurrentResult() {
        CraftedThenGenuine events = craftedCompliantThenGenuine(optedInGroup("web", 2), Instant.now().plus(Duration.ofMinutes(4)));

        assertThat(events.crafted().path("reason").asText()).as("%s", events.crafted()).isEqualTo("compliant");
        assertThat(events.genuine().path("reason").asText()).as("%s", events.genuine()).isEqualTo("drift-confirmed");
        assertThat(state(events.instance())).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
    }

    @Test
    void anEventOlderThanTheLedgerRemembersIsRefusedBeforeAnythingIsRecorded() {
        TestGroup group = optedInGroup("web", 2);
        String instance = group.instanceIds().get(0);

        JsonNode result = invoke(handler(), onRecord(ComplianceEvents.nonCompliant(driftRule, instance)
                .orderedAt(Instant.now().minus(Duration.ofDays(31)))));

        assertNotTerminated(result, "notify", "evaluation-too-old", instance);
        assertThat(recordedEvaluation(instance)).isEmpty();
    }

    /** The ledger's newest evaluation of the drift rule for the instance. */
    private Optional<Map<String, AttributeValue>> recordedEvaluation(String instance) {
        var answer = env.aws.dynamoDb().getItem(r -> r.tableName(env.tableName).key(Map.of(
                Ledger.PARTITION_KEY, AttributeValue.fromS("EVALUATION#" + instance),
                Ledger.SORT_KEY, AttributeValue.fromS(driftRule))));
        return answer.hasItem() ? Optional.of(answer.item()) : Optional.empty();
    }

    @Test
    void dryRunTerminatesNothingAndSaysWhatEnforceWouldHaveDone() {
        TestGroup group = optedInGroup("web", 2);
        String instance = group.instanceIds().get(0);

        JsonNode result = invoke(handler(Map.of("DRIFT_DEPLOY_MODE", "dry-run")), onRecord(ComplianceEvents.nonCompliant(driftRule, instance)));

        assertNotTerminated(result, "notify", "dry-run", instance);
        assertThat(result.path("mode").asText()).isEqualTo("dry-run");
        assertThat(result.path("enforceWouldDo").asText()).isEqualTo("terminate");
        ReceivedNotification notification = env.awaitNotifications(1, NOTIFIED).get(0);
        assertThat(notification.subject()).contains("would terminate");
        assertThat(notification.body().path("facts").path("enforceWouldDo").asText()).isEqualTo("terminate");
        assertThat(rateCounters()).as("a dry run uses up no rate-guard capacity").isEmpty();
        assertThat(group.instanceIds()).contains(instance);
    }

    @Test
    void theGroupModeTagOverridesTheGlobalModeBothWays() {
        TestGroup observed = env.group("observed").instances(2).tag(OPT_IN_KEY, "terminate").tag("drift-deploy:mode", "dry-run").create();
        TestGroup enforced = env.group("enforced").instances(2).tag(OPT_IN_KEY, "terminate").tag("drift-deploy:mode", "enforce").create();

        JsonNode dryRun = invoke(handler(), onRecord(ComplianceEvents.nonCompliant(driftRule, observed.instanceIds().get(0))));
        JsonNode enforce = invoke(handler(Map.of("DRIFT_DEPLOY_MODE", "dry-run")),
                onRecord(ComplianceEvents.nonCompliant(driftRule, enforced.instanceIds().get(0))));

        assertThat(dryRun.path("reason").asText()).isEqualTo("dry-run");
        assertThat(dryRun.path("mode").asText()).isEqualTo("dry-run");
        assertThat(enforce.path("decision").asText()).isEqualTo("terminate");
        assertThat(enforce.path("mode").asText()).isEqualTo("enforce");
    }

    @Test
    void theSameEventDeliveredTwiceActsOnce() {
        TestGroup group = optedInGroup("web", 2);
        String instance = group.instanceIds().get(0);
        ComplianceEvents event = onRecord(ComplianceEvents.nonCompliant(driftRule, instance));
        DriftHandler handler = handler();

        JsonNode first = invoke(handler, event);
        JsonNode second = invoke(handler, event);

        assertThat(first.path("decision").asText()).isEqualTo("terminate");
        assertThat(second.path("decision").asText()).isEqualTo("skip");
        assertThat(second.path("reason").asText()).isEqualTo("duplicate-event");
        assertThat(notificationsOfKind("drift")).as("a duplicate is not notified").hasSize(1);
        assertThat(env.auditRecords(instance)).extracting(record -> record.get("reason").s())
                .containsExactlyInAnyOrder("drift-confirmed", "duplicate-event");
    }

    @Test
    void twentyConcurrentCopiesOfOneEventTerminateOnce() throws Exception {
        TestGroup group = optedInGroup("web", 4);
        String instance = group.instanceIds().get(0);
        byte[] event = onRecord(ComplianceEvents.nonCompliant(driftRule, instance)).bytes();
        DriftHandler handler = handler();

        // A copy that finds the event still being decided fails, as Lambda's delivery would, and is delivered again.
        List<JsonNode> results = concurrently(java.util.Collections.nCopies(20, () -> {
            while (true) {
                try {
                    return invoke(handler, event);
                } catch (EventInProgressException deliveredAgainLater) {
                    Thread.sleep(50);
                }
            }
        }));

        Map<String, Long> reasons = results.stream().collect(Collectors.groupingBy(r -> r.path("reason").asText(), Collectors.counting()));
        assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of("drift-confirmed", 1L, "duplicate-event", 19L));
        assertThat(notificationsOfKind("drift")).hasSize(1);
    }

    /**
     * A drift storm: 30 different events (3 drift rules x 10 instances) at once on a group of 10.
     * Min healthy 70 % lets 3 be out at once, more than the rate limit of 2, so the rate guard is
     * what stops the storm (the capacity guard under concurrency has its own test below).
     */
    @Test
    void aDriftStormIsStoppedByTheRateGuardWithOneAlert() throws Exception {
        TestGroup group = optedInGroup("web", 10);
        DriftHandler handler = handler(Map.of("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "70", "DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "2"));
        List<Callable<JsonNode>> events = new ArrayList<>();
        for (String rule : List.of("a", "b", "c")) {
            for (String instance : group.instanceIds()) {
                byte[] event = onRecord(ComplianceEvents.nonCompliant(env.prefix + "-drift-" + rule, instance)).bytes();
                events.add(() -> invoke(handler, event));
            }
        }

        Watch watch = watchInService(group);
        List<JsonNode> results = concurrently(events);
        int lowest = watch.stop();

        long terminated = results.stream().filter(r -> r.path("decision").asText().equals("terminate")).count();
        assertThat(terminated).as("terminations never exceed the rate limit: %s", results).isEqualTo(2);
        assertThat(lowest).as("InService never below the min healthy share").isGreaterThanOrEqualTo(7);
        assertThat(results).extracting(r -> r.path("reason").asText())
                .contains("group-rate-limit")
                .allMatch(reason -> List.of("drift-confirmed", "group-rate-limit", "capacity-guard", "already-terminating",
                        "instance-gone", "not-in-service").contains(reason));
        assertThat(notificationsOfKind("storm")).as("one storm alert").hasSize(1)
                .allSatisfy(alert -> assertThat(alert.attributes()).containsEntry("severity", "high").containsEntry("group", group.name));

        JsonNode later = invoke(handler, onRecord(ComplianceEvents.nonCompliant(env.prefix + "-drift-d", group.inServiceInstanceIds().get(0))));
        assertThat(later.path("reason").asText()).as("the circuit stays open for the rest of the window").isEqualTo("group-rate-limit");
        assertThat(notificationsOfKind("storm")).as("still one storm alert").hasSize(1);
    }

    @Test
    void concurrentDriftOnAGroupNeverTakesItBelowItsMinimumHealthyShare() throws Exception {
        TestGroup group = optedInGroup("web", 10);
        DriftHandler handler = handler(Map.of("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "90", "DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "10"));
        List<Callable<JsonNode>> events = group.instanceIds().stream()
                .map(instance -> onRecord(ComplianceEvents.nonCompliant(driftRule, instance)).bytes())
                .<Callable<JsonNode>>map(event -> () -> invoke(handler, event))
                .toList();

        Watch watch = watchInService(group);
        List<JsonNode> results = concurrently(events);
        int lowest = watch.stop();

        Map<String, Long> reasons = results.stream().collect(Collectors.groupingBy(r -> r.path("reason").asText(), Collectors.counting()));
        assertThat(reasons).as("90 %% of 10 allows exactly one out at a time").containsEntry("drift-confirmed", 1L)
                .containsEntry("capacity-guard", 9L);
        assertThat(lowest).isGreaterThanOrEqualTo(9);
    }

    // Rule 9: the replacement would cure, and the churn breaker.

    @Test
    void aTemplateThatAllowsImdsv1WouldLaunchTheSameDriftSoNothingIsTerminated() {
        TestGroup group = env.group("imdsv1").instances(2).tag(OPT_IN_KEY, "terminate").httpTokens("optional").create();
        String instance = group.instanceIds().get(0);
        String rule = env.configRule("drift-imdsv2", "EC2_IMDSV2_CHECK", "{}");

        JsonNode result = invoke(handler(), ComplianceEvents.nonCompliant(rule, instance));

        assertNotTerminated(result, "notify", "replacement-would-not-cure", instance);
        assertThat(result.path("launchTemplateId").asText()).isEqualTo(group.launchTemplateId);
        assertThat(result.path("launchTemplateVersion").asLong()).isEqualTo(1);
        ReceivedNotification notification = env.awaitNotifications(1, NOTIFIED).get(0);
        assertThat(notification.attributes()).containsEntry("severity", "warning");
        assertThat(notification.body().path("summary").asText()).contains("HttpTokens=required")
                .contains(group.launchTemplateId + " version 1");
        assertThat(rateCounters()).as("decided before anything is reserved").isEmpty();
    }

    @Test
    void aRuleDeclaredInheritedFromTheImageIsNotCuredByTheSameImage() {
        TestGroup group = optedInGroup("inherited", 2);
        String instance = group.instanceIds().get(0);

        JsonNode result = invoke(handler(Map.of("DRIFT_DEPLOY_TEMPLATE_INHERITED_RULES", driftRule)),
                ComplianceEvents.nonCompliant(driftRule, instance).resourceType("AWS::SSM::ManagedInstanceInventory"));

        assertNotTerminated(result, "notify", "replacement-would-not-cure", instance);
        assertThat(result.path("templateImageId").asText()).isEqualTo(env.baseImageId);
        assertThat(result.path("instanceImageId").asText()).isEqualTo(env.baseImageId);
    }

    @Test
    void aTemplateThatFixesTheDriftLetsTheInstanceBeReplacedAsBefore() {
        TestGroup imdsv2 = env.group("imdsv2").instances(2).tag(OPT_IN_KEY, "terminate").httpTokens("required").create();
        String rule = env.configRule("drift-imdsv2", "EC2_IMDSV2_CHECK", "{}");
        TestGroup rebuilt = optedInGroup("rebuilt", 2);
        String onOldImage = rebuilt.instanceIds().get(0);
        rebuilt.newTemplateVersion(env.otherImageId());
        rebuilt.launchTemplateVersion("$Latest");
        DriftHandler handler = handler(Map.of("DRIFT_DEPLOY_TEMPLATE_INHERITED_RULES", driftRule));

        JsonNode required = invoke(handler, onRecord(ComplianceEvents.nonCompliant(rule, imdsv2.instanceIds().get(0))));
        JsonNode newImage = invoke(handler, onRecord(ComplianceEvents.nonCompliant(driftRule, onOldImage)));

        assertThat(required.path("reason").asText()).as("%s", required).isEqualTo("drift-confirmed");
        assertThat(newImage.path("reason").asText()).as("$Latest resolved to the new image: %s", newImage).isEqualTo("drift-confirmed");
    }

    @Test
    void anApprovedImageRuleIsCuredOnlyByAnotherImageWithTheApprovedTag() {
        String rule = env.configRule("drift-approved-amis", "APPROVED_AMIS_BY_TAG", "{\"amisByTagKeyAndValue\": \"golden:yes\"}");
        TestGroup sameImage = optedInGroup("same-image", 2);
        TestGroup untagged = optedInGroup("untagged", 2);
        untagged.newTemplateVersion(env.registerImage("untagged", Map.of("golden", "no")));
        untagged.launchTemplateVersion("$Latest");
        TestGroup approved = optedInGroup("approved", 2);
        String golden = env.registerImage("golden", Map.of("golden", "yes"));
        approved.newTemplateVersion(golden);
        approved.launchTemplateVersion("$Latest");
        DriftHandler handler = handler();

        JsonNode own = invoke(handler, ComplianceEvents.nonCompliant(rule, sameImage.instanceIds().get(0)));
        JsonNode notApproved = invoke(handler, ComplianceEvents.nonCompliant(rule, untagged.instanceIds().get(0)));
        JsonNode cured = invoke(handler, onRecord(ComplianceEvents.nonCompliant(rule, approved.instanceIds().get(0))));

        assertThat(own.path("reason").asText()).as("%s", own).isEqualTo("replacement-would-not-cure");
        assertThat(own.path("fix").asText()).contains("the instance's own image");
        assertThat(notApproved.path("reason").asText()).as("%s", notApproved).isEqualTo("replacement-would-not-cure");
        assertThat(notApproved.path("launchTemplateVersion").asLong()).isEqualTo(2);
        assertThat(notApproved.path("fix").asText()).contains("tag the image").contains("golden=yes");
        assertThat(cured.path("reason").asText()).as("%s", cured).isEqualTo("drift-confirmed");
    }

    /** Terminates one instance for the drift rule and returns its replacement, which the group launched after. */
    private String terminateAndAwaitReplacement(DriftHandler handler, TestGroup group) {
        List<String> before = group.instanceIds();
        JsonNode terminated = invoke(handler, onRecord(ComplianceEvents.nonCompliant(driftRule, before.get(0))));
        assertThat(terminated.path("reason").asText()).as("%s", terminated).isEqualTo("drift-confirmed");
        TestEnvironment.awaitTrue("a replacement joins the group", Duration.ofSeconds(30),
                () -> group.inServiceInstanceIds().size() == before.size() && !group.instanceIds().contains(before.get(0)));
        return group.instanceIds().stream().filter(id -> !before.contains(id)).findFirst().orElseThrow();
    }

    /** The replacement is flagged again by the same rule, twice: the breaker opens with one high alert, nothing is terminated. */
    private void assertChurnStopsRemediation(DriftHandler handler, TestGroup group, String replacement) {
        JsonNode first = invoke(handler, ComplianceEvents.nonCompliant(driftRule, replacement));
        JsonNode second = invoke(handler, ComplianceEvents.nonCompliant(driftRule, replacement).orderedAt(Instant.now().plusSeconds(1)));
        String original = group.instanceIds().stream().filter(id -> !id.equals(replacement)).findFirst().orElseThrow();
        JsonNode other = invoke(handler, ComplianceEvents.nonCompliant(driftRule, original));

        assertThat(List.of(first, second, other)).extracting(result -> result.path("reason").asText())
                .containsOnly("replacement-did-not-cure");
        assertThat(first.path("replaces").asText()).isNotBlank();
        assertThat(second.path("breakerOpenedBy").asText()).isEqualTo(replacement);
        assertThat(List.of(replacement, original)).allSatisfy(id -> assertThat(state(id)).isIn(InstanceStateName.RUNNING, InstanceStateName.PENDING));
        List<ReceivedNotification> drift = notificationsOfKind("drift");
        assertThat(drift).extracting(n -> n.body().path("facts").path("reason").asText())
                .as("the termination, then one alert").containsExactly("drift-confirmed", "replacement-did-not-cure");
        assertThat(drift.get(1).attributes()).containsEntry("severity", "high").containsEntry("group", group.name);
        assertThat(drift.get(1).body().path("summary").asText()).contains("drift-deploy resume --group " + group.name);
    }

    /** A group whose churn breaker for the drift rule is open, the handler that opened it, and the replacement that tripped it. */
    private record Churn(TestGroup group, DriftHandler handler, String rule, String replacement) {
        /** The replacement flagged once more, after the breaker was cleared, the evaluation recorded in Config by {@code onRecord}. */
        JsonNode flaggedAgain(UnaryOperator<ComplianceEvents> onRecord) {
            return invoke(handler, onRecord.apply(ComplianceEvents.nonCompliant(rule, replacement).orderedAt(Instant.now().plusSeconds(2))));
        }
    }

    /** Four instances, so the termination still held as in flight leaves room for the one after clearing. */
    private Churn openChurnBreaker() {
        TestGroup group = optedInGroup("churn", 4);
        DriftHandler handler = handler(Map.of("DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "10"));
        String replacement = terminateAndAwaitReplacement(handler, group);
        assertChurnStopsRemediation(handler, group, replacement);
        return new Churn(group, handler, driftRule, replacement);
    }

    @Test
    void aReplacementFlaggedAgainOpensTheChurnBreakerUntilCleared() {
        Churn churn = openChurnBreaker();

        // What the CLI's resume does to the ledger (the cli module's CliResumeIT runs the command itself).
        assertThat(new DynamoDriftLedger(new Ledger(env.aws.dynamoDb(), env.tableName)).clearBreaker(churn.group().name, driftRule,
                open -> AuditTrail.in(new Ledger(env.aws.dynamoDb(), env.tableName), Duration.ofDays(1))
                        .entry(DriftReports.breakerCleared(env.accountId, churn.group().name, driftRule, open, Instant.now()),
                                Instant.now())))
                .isPresent();

        JsonNode resumed = churn.flaggedAgain(this::onRecord);
        assertThat(resumed.path("reason").asText()).as("%s", resumed).isEqualTo("drift-confirmed");
    }

    @Test
    void theGroupsClearTagClearsAChurnBreakerOpenedBeforeIt() {
        Churn churn = openChurnBreaker();

        churn.group().tag("drift-deploy:churn-cleared", Instant.now().toString());

        JsonNode resumed = churn.flaggedAgain(this::onRecord);
        assertThat(resumed.path("reason").asText()).as("%s", resumed).isEqualTo("drift-confirmed");
    }

    @Test
    void malformedInputIsRejectedNamingTheFieldAndNothingIsDone() {
        DriftHandler handler = handler();

        JsonNode notJson = invoke(handler, "not json".getBytes(StandardCharsets.UTF_8));
        assertThat(notJson.path("decision").asText()).isEqualTo("rejected");
        assertThat(notJson.path("field").asText()).isEqualTo("$");

        JsonNode bucket = invoke(handler, ComplianceEvents.nonCompliant(driftRule, "i-0abc1234def567890")
                .resourceType("AWS::S3::Bucket").bytes());
        assertThat(bucket.path("decision").asText()).isEqualTo("rejected");
        assertThat(bucket.path("field").asText()).isEqualTo("detail.resourceType");
        assertThat(bucket.path("error").asText()).contains("AWS::S3::Bucket");

        assertThat(notificationsOfKind("rejected")).hasSize(2);
    }

    private List<JsonNode> concurrently(List<Callable<JsonNode>> calls) throws Exception {
        List<Future<JsonNode>> futures = pool.invokeAll(calls, 5, TimeUnit.MINUTES);
        List<JsonNode> results = new ArrayList<>();
        for (Future<JsonNode> future : futures) {
            results.add(future.get());
        }
        return results;
    }

    /** The lowest InService count seen while events are being handled. */
    private record Watch(AtomicBoolean running, AtomicInteger lowest, Thread thread) {
        int stop() throws InterruptedException {
            running.set(false);
            thread.join();
            return lowest.get();
        }
    }

    private static Watch watchInService(TestGroup group) {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger lowest = new AtomicInteger(Integer.MAX_VALUE);
        Thread thread = new Thread(() -> {
            while (running.get()) {
                lowest.accumulateAndGet(group.inServiceInstanceIds().size(), Math::min);
            }
        }, "in-service-watch");
        thread.start();
        return new Watch(running, lowest, thread);
    }

    /** The units held in every rate-guard item of the ledger; none when no item was written. */
    private List<Long> rateCounters() {
        return env.aws.dynamoDb().scan(r -> r.tableName(env.tableName)).items().stream()
                .filter(item -> item.get(Ledger.PARTITION_KEY).s().startsWith("RATE#"))
                .map(item -> item.containsKey("holders") ? (long) item.get("holders").ss().size() : 0L)
                .toList();
    }
}
