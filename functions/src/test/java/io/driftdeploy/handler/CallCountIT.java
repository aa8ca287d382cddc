package io.driftdeploy.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.testing.AlarmEvents;
import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.FaultProxy;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.SweepQueueDriver;
import io.driftdeploy.testing.TestGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import software.amazon.awssdk.services.config.model.ComplianceType;
import io.driftdeploy.orchestration.Telemetry;

/**
 * The AWS calls one drift decision makes, counted on the wire by {@link FaultProxy}: counts are
 * deterministic (times are not), so a change that adds a call to a decision fails here and has to
 * say why. The lists are what the code makes today, in order.
 */
// Isolated: the sweep lists the account's Config rules a page at a time, so its calls depend on how
// many rules there are, and the classes running beside it make and delete theirs.
@Isolated
class CallCountIT {

    /** Closed after each test: it deletes the Config rules the test made. */
    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    private final FaultProxy proxy = FaultProxy.start(Emulator.endpoint());
    private final String driftRule = env.prefix + "-drift-golden-ami";

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    private DriftHandler handler(String mode) {
        return handler(mode, Map.of("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "50"));
    }

    private DriftHandler handler(String mode, Map<String, String> limits) {
        Map<String, String> settings = new HashMap<>(limits);
        settings.put("DRIFT_DEPLOY_DRIFT_RULE_PREFIX", env.prefix + "-drift-");
        settings.put("DRIFT_DEPLOY_MODE", mode);
        return new DriftHandler(env.settings(settings), proxy.clients(), Clock.systemUTC(),
                new Telemetry("drift", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    /** A drift event, on record in AWS Config, for an instance of a group of two opted in to remediation. */
    private ComplianceEvents driftInAnOptedInGroup() {
        return drift(env.group("web").instances(2).tag("drift-deploy:remediation", "terminate").create().instanceIds().get(0));
    }

    /** A drift event for the instance, on record in AWS Config. */
    private ComplianceEvents drift(String instanceId) {
        ComplianceEvents event = ComplianceEvents.nonCompliant(driftRule, instanceId);
        env.putEvaluation(env.existingConfigRule(driftRule), event.resourceType(), instanceId, ComplianceType.NON_COMPLIANT,
                event.orderingTimestamp());
        return event;
    }

    private List<String> calls() {
        return proxy.exchanges().stream().map(exchange -> exchange.service() + ":" + exchange.operation()).toList();
    }

    @Test
    void anEnforcedTermination() {
        ComplianceEvents event = driftInAnOptedInGroup();

        Map<String, Object> result = handler("enforce").handle(event.bytes()).json();

        assertThat(result).containsEntry("decision", "terminate");
        assertThat(calls()).containsExactly(
                "dynamodb:TransactWriteItems",          // the event's claim, and its evaluation if the newest
                "ec2:DescribeInstances",
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeInstanceRefreshes",
                "dynamodb:Query",                       // the churn record
                "config:DescribeConfigRules",           // the rule's kind, once per rule and function instance
                "config:GetComplianceDetailsByResource",
                "dynamodb:TransactWriteItems",          // the instance's termination, capacity, rate units, claim, churn record
                "autoscaling:TerminateInstanceInAutoScalingGroup",
                "sns:Publish",
                "dynamodb:TransactWriteItems");         // the event's claim completed, with the audit record
    }

    @Test
    void aDryRunDecision() {
        ComplianceEvents event = driftInAnOptedInGroup();

        Map<String, Object> result = handler("dry-run").handle(event.bytes()).json();

        assertThat(result).containsEntry("reason", "dry-run");
        assertThat(calls()).containsExactly(
                "dynamodb:TransactWriteItems",
                "ec2:DescribeInstances",
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeInstanceRefreshes",
                "dynamodb:Query",
                "config:DescribeConfigRules",
                "config:GetComplianceDetailsByResource",
                "dynamodb:BatchGetItem",                // what the reservations would find: the instance's, the
                                                        // group's capacity, the group's and the account's rate units
                "sns:Publish",
                "dynamodb:TransactWriteItems");
    }

    @Test
    void aDecisionInAGroupThisFunctionInstanceFoundPausedReservesNothing() {
        List<String> instances = env.group("web").instances(4).tag("drift-deploy:remediation", "terminate").create().instanceIds();
        DriftHandler handler = handler("enforce",
                Map.of("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "0", "DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "1"));
        // The group's one termination of the window; the next decision is refused and pauses the group
        // (circuit, storm alert); the one after is refused by the transaction, which finds it paused.
        List<Object> reasons = instances.subList(0, 3).stream().map(instance -> handler.handle(drift(instance).bytes()).json().get("reason"))
                .toList();
        assertThat(reasons).containsExactly("drift-confirmed", "group-rate-limit", "group-rate-limit");
        ComplianceEvents last = drift(instances.get(3));
        int before = proxy.exchanges().size();

        Map<String, Object> result = handler.handle(last.bytes()).json();

        assertThat(result).containsEntry("reason", "group-rate-limit");
        assertThat(calls().subList(before, calls().size())).containsExactly(
                "dynamodb:TransactWriteItems",
                "ec2:DescribeInstances",
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeInstanceRefreshes",
                "dynamodb:Query",                       // no reservation: the group stays paused to the window's end
                "sns:Publish",
                "dynamodb:TransactWriteItems");
    }

    /**
     * The drift alarm's sweep over instances it refuses (their group has not opted in): besides
     * the sweep's own calls (its alarm's claim, the drift rules, each rule's results, the summary
     * and its completion), the instances and their group read once, ahead, and one call per
     * instance: its claim, completion and audit record, written together once it is refused.
     */
    @Test
    void aSweepPerRefusedInstance() {
        List<String> instances = env.group("legacy").instances(3).create().instanceIds();

        List<String> calls = sweepCalls(instances);

        assertThat(calls).containsExactlyElementsOf(sweepOf(instances, List.of(
                "ec2:DescribeInstances",                // every instance of the sweep, ahead
                "autoscaling:DescribeAutoScalingGroups")));
    }

    /**
     * The same over an opted-in group that a refresh is replacing: the group's refreshes are read
     * once, by the first decision that asks, and every instance is refused on the facts read ahead.
     */
    @Test
    void aSweepOfAGroupBeingRefreshedReadsItsRefreshesOnce() {
        TestGroup group = env.group("web").instances(3).tag("drift-deploy:remediation", "terminate").create();
        env.aws.autoScaling().startInstanceRefresh(r -> r.autoScalingGroupName(group.name)
                .preferences(p -> p.minHealthyPercentage(90)));

        List<String> calls = sweepCalls(group.instanceIds());

        List<String> expected = sweepOf(group.instanceIds(), List.of(
                "ec2:DescribeInstances",
                "autoscaling:DescribeAutoScalingGroups"));
        // Read by the first instance's decision, before its one write.
        expected.add(expected.indexOf("dynamodb:TransactWriteItems"), "autoscaling:DescribeInstanceRefreshes");
        assertThat(calls).containsExactlyElementsOf(expected);
    }

    /**
     * The scheduled sweep's evaluations of a batch, their group not opted in: the instances and
     * their group read once for the batch, then each instance's one write.
     */
    @Test
    void aScheduledSweepsBatchOfRefusedInstances() throws Exception {
        List<String> instances = env.group("legacy").instances(3).create().instanceIds();
        String queueUrl = SweepQueueDriver.createQueue(env, "sweep");
        SweepQueueDriver queue = new SweepQueueDriver(env.aws.sqs(), queueUrl);
        Instant at = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        instances.forEach(instance -> env.aws.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(
                "{\"sweep\":\"evaluate\",\"sweepId\":\"s\",\"rule\":\"" + driftRule
                        + "\",\"resourceType\":\"AWS::EC2::Instance\",\"resourceId\":\"" + instance
                        + "\",\"orderingTimestamp\":\"" + at + "\"}")));
        Map<String, String> settings = Map.of("DRIFT_DEPLOY_DRIFT_RULE_PREFIX", env.prefix + "-drift-",
                "DRIFT_DEPLOY_MODE", "enforce");

        SweepQueueDriver.Drained drained = queue.drain(1, () -> new SweepHandler(env.settings(settings), queueUrl,
                proxy.clients(), Clock.systemUTC(), new Telemetry("sweep",
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC())));

        assertThat(drained.batches()).isEqualTo(1);
        List<String> expected = new ArrayList<>(List.of(
                "ec2:DescribeInstances",                // the batch's instances, ahead
                "autoscaling:DescribeAutoScalingGroups"));
        instances.forEach(instance -> expected.add(
                "dynamodb:TransactWriteItems"));        // the refusal: its claim done, its evaluation and audit records
        assertThat(calls()).containsExactlyElementsOf(expected);
    }

    /** The drift alarm's sweep over the instances, each NON_COMPLIANT on record: the calls it made. */
    private List<String> sweepCalls(List<String> instances) {
        String rule = env.existingConfigRule(driftRule);
        instances.forEach(id -> env.putEvaluation(rule, "AWS::EC2::Instance", id, ComplianceType.NON_COMPLIANT, Instant.now()));
        String driftAlarm = env.prefix + "-drift-alarm";
        Map<String, String> settings = new HashMap<>();
        settings.put("DRIFT_DEPLOY_DRIFT_RULE_PREFIX", env.prefix + "-drift-");
        settings.put("DRIFT_DEPLOY_DRIFT_ALARMS", driftAlarm);
        settings.put("DRIFT_DEPLOY_MODE", "enforce");
        AlarmsHandler alarms = new AlarmsHandler(env.settings(settings), proxy.clients(), Clock.systemUTC(),
                new Telemetry("alarms", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC()));

        Map<String, Object> result = alarms.handle(AlarmEvents.fromSample("alarms/drift-alarm-state-alarm.json", driftAlarm).bytes()).json();

        assertThat(result).as("%s", result).containsEntry("decision", "sweep");
        return calls();
    }

    /** A sweep's calls: its own, {@code readAhead} before the first decision, and one per instance. */
    private List<String> sweepOf(List<String> instances, List<String> readAhead) {
        // The drift rules by prefix: one call per page of the account's rules, however many other tests left.
        long rulePages = env.aws.config().describeConfigRulesPaginator(r -> { }).stream().count();
        List<String> expected = new ArrayList<>(List.of(
                "dynamodb:UpdateItem",                  // the alarm state change's claim
                "monitoring:DescribeAlarms"));          // the alarm's definition, for the summary
        expected.addAll(Collections.nCopies((int) rulePages, "config:DescribeConfigRules"));
        expected.add("config:GetComplianceDetailsByConfigRule");
        expected.addAll(readAhead);
        instances.forEach(instance -> expected.add(
                "dynamodb:TransactWriteItems"));        // the refusal: its claim done, its evaluation and audit records
        expected.addAll(List.of(
                "dynamodb:PutItem",                     // the summary's audit record
                "sns:Publish",
                "dynamodb:UpdateItem"));                // the claim completed
        return expected;
    }

    @Test
    void aDuplicate() {
        ComplianceEvents event = driftInAnOptedInGroup();
        DriftHandler handler = handler("enforce");
        handler.handle(event.bytes());
        int before = proxy.exchanges().size();

        Map<String, Object> result = handler.handle(event.bytes()).json();

        assertThat(result).containsEntry("reason", "duplicate-event");
        assertThat(calls().subList(before, calls().size())).containsExactly(
                "dynamodb:TransactWriteItems",          // the event's claim, refused with the item as found
                "dynamodb:PutItem");                    // the audit record
    }
}
