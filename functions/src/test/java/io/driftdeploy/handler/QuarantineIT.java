package io.driftdeploy.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.orchestration.EventInProgressException;
import io.driftdeploy.orchestration.QuarantineExpiry;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Quarantine end to end on the emulator, through the drift function's handler: the fleet keeps its
 * size (the group replaces the instance it lets go), the drifted instance keeps running detached,
 * with the quarantine security group on every interface, its volumes snapshotted and everything
 * tagged with the decision's audit id, announced and audited; a failure part way leaves it
 * isolated and the retry finishes it; the retention sweep ends it unless a person keeps it.
 *
 * <p>One test at a time: the retention sweep reads the whole account eight days ahead and ends every
 * quarantine it finds, so run beside another test here it ended that test's quarantine too (seen
 * once: "kept running for the investigation" found the instance terminated). No other test class
 * quarantines.
 */
@Execution(ExecutionMode.SAME_THREAD)
class QuarantineIT {

    private static final String OPT_IN_KEY = "drift-deploy:remediation";
    private static final Duration NOTIFIED = Duration.ofSeconds(20);

    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    private final FaultProxy proxy = FaultProxy.start(Emulator.endpoint());
    private final String driftRule = env.prefix + "-drift-golden-ami";
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    /** The VPC's quarantine group, as the stack makes it: no ingress, and its default egress rule revoked. */
    private final String quarantineGroup = quarantineGroup();

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    private String quarantineGroup() {
        String id = env.aws.ec2().createSecurityGroup(r -> r.vpcId(env.vpcId).groupName(env.prefix + "-quarantine")
                .description("drift-deploy quarantine")).groupId();
        env.aws.ec2().revokeSecurityGroupEgress(r -> r.groupId(id).ipPermissions(p -> p.ipProtocol("-1")
                .ipRanges(range -> range.cidrIp("0.0.0.0/0"))));
        return id;
    }

    private Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("DRIFT_DEPLOY_DRIFT_RULE_PREFIX", env.prefix + "-drift-");
        settings.put("DRIFT_DEPLOY_MODE", "enforce");
        settings.put("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "0");
        settings.put("DRIFT_DEPLOY_QUARANTINE_SECURITY_GROUPS", env.vpcId + "=" + quarantineGroup);
        return settings;
    }

    private DriftHandler handler(io.driftdeploy.aws.AwsClients aws, Clock clock) {
        return handler(aws, clock, settings());
    }

    private DriftHandler handler(io.driftdeploy.aws.AwsClients aws, Clock clock, Map<String, String> settings) {
        return new DriftHandler(env.settings(settings), aws, clock,
                new Telemetry("drift", new PrintStream(log, true, StandardCharsets.UTF_8), clock));
    }

    private TestGroup quarantiningGroup(int instances) {
        return env.group("web").instances(instances).tag(OPT_IN_KEY, "terminate").tag("drift-deploy:action", "quarantine").create();
    }

    private ComplianceEvents onRecord(String instanceId) {
        ComplianceEvents event = ComplianceEvents.nonCompliant(driftRule, instanceId);
        env.putEvaluation(env.existingConfigRule(driftRule), event.resourceType(), instanceId, ComplianceType.NON_COMPLIANT,
                event.orderingTimestamp());
        return event;
    }

    private Instance instance(String instanceId) {
        return env.aws.ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0);
    }

    private Map<String, String> tags(String instanceId) {
        return instance(instanceId).tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }

    private List<List<String>> interfaceGroups(String instanceId) {
        return instance(instanceId).networkInterfaces().stream()
                .map(InstanceNetworkInterface::groups)
                .map(groups -> groups.stream().map(GroupIdentifier::groupId).toList())
                .toList();
    }

    private List<Snapshot> snapshots(String auditId) {
        return env.aws.ec2().describeSnapshots(r -> r.ownerIds("self")
                .filters(Filter.builder().name("tag:drift-deploy:quarantine").values(auditId).build())).snapshots();
    }

    private List<ReceivedNotification> announced(String action) {
        return env.notificationsSoFar().stream().filter(n -> action.equals(n.attributes().get("action"))).toList();
    }

    @Test
    void aQuarantinedInstanceLeavesItsGroupIsolatedAndSnapshottedAndTheGroupReplacesIt() {
        TestGroup group = quarantiningGroup(3);
        String victim = group.instanceIds().get(0);
        ComplianceEvents event = onRecord(victim);

        Map<String, Object> result = handler(env.aws, Clock.systemUTC()).handle(event.bytes()).json();

        assertThat(result).as("%s", result).containsEntry("decision", "quarantine").containsEntry("reason", "drift-quarantined");
        assertThat(group.describe().desiredCapacity()).as("desired capacity unchanged").isEqualTo(3);
        assertThat(group.instanceIds()).as("the group replaced it: the fleet keeps its size").hasSize(3).doesNotContain(victim);
        assertThat(instance(victim).state().name()).as("kept running for the investigation").isEqualTo(InstanceStateName.RUNNING);
        assertThat(interfaceGroups(victim)).as("every interface: the quarantine group alone").isNotEmpty()
                .allSatisfy(groups -> assertThat(groups).containsExactly(quarantineGroup));
        assertThat(tags(victim)).containsEntry("drift-deploy:quarantine", event.id())
                .containsEntry("drift-deploy:quarantine-group", group.name)
                .containsKey("drift-deploy:quarantine-until")
                .doesNotContainKey("aws:autoscaling:groupName");
        List<Snapshot> snapshots = snapshots(event.id());
        assertThat(snapshots).as("every attached volume").hasSize(instance(victim).blockDeviceMappings().size()).isNotEmpty();
        assertThat(snapshots).allSatisfy(snapshot -> assertThat(snapshot.tags())
                .contains(Tag.builder().key("drift-deploy:quarantine-instance").value(victim).build()));
        assertThat((List<?>) result.get("actions")).hasSize(4);
        List<ReceivedNotification> told = env.awaitNotifications(1, NOTIFIED);
        assertThat(told).filteredOn(n -> "quarantine".equals(n.attributes().get("action"))).singleElement()
                .satisfies(n -> assertThat(n.subject()).contains("quarantined drifted " + victim));
        assertThat(env.auditRecords(victim)).hasSize(1);
    }

    /**
     * Auto Scaling refuses the detach: the instance stays in its group, but isolated (no traffic in
     * or out), snapshotted, and the team is told which step failed; the retry after the attempt's
     * deadline finishes the quarantine without a second snapshot.
     */
    @Test
    void aDetachThatFailsLeavesTheInstanceIsolatedAndTheRetryFinishesIt() {
        TestGroup group = quarantiningGroup(2);
        String victim = group.instanceIds().get(0);
        ComplianceEvents event = onRecord(victim);
        proxy.when("autoscaling", "DetachInstances").fail(Fault.INTERNAL_ERROR);
        Instant deadline = Instant.now().plusSeconds(60);

        assertThatThrownBy(() -> handler(proxy.clients(), Clock.systemUTC()).handle(event.bytes(), deadline))
                .hasMessageContaining("detach");

        assertThat(group.instanceIds()).as("still listed by its group").contains(victim);
        assertThat(interfaceGroups(victim)).as("but isolated, never back in service")
                .allSatisfy(groups -> assertThat(groups).containsExactly(quarantineGroup));
        List<String> snapshotted = snapshots(event.id()).stream().map(Snapshot::snapshotId).toList();
        assertThat(snapshotted).isNotEmpty();
        env.awaitNotifications(1, NOTIFIED);
        assertThat(announced("quarantine")).singleElement()
                .satisfies(n -> assertThat(n.subject()).contains("incomplete at detach"));
        assertThatThrownBy(() -> handler(env.aws, Clock.systemUTC()).handle(event.bytes()))
                .as("a retry before the deadline is delivered again later").isInstanceOf(EventInProgressException.class);

        Clock afterDeadline = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(61));
        Map<String, Object> retried = handler(env.aws, afterDeadline).handle(event.bytes()).json();

        assertThat(retried).as("%s", retried).containsEntry("decision", "quarantine").containsKey("recovered");
        assertThat(group.instanceIds()).doesNotContain(victim).hasSize(2);
        assertThat(snapshots(event.id())).as("one set of snapshots").extracting(Snapshot::snapshotId)
                .containsExactlyInAnyOrderElementsOf(snapshotted);
        env.awaitNotifications(2, NOTIFIED);
        assertThat(announced("quarantine")).hasSize(2);
    }

    /** The retention sweep: a quarantine past its retention ends, a kept one stays, its snapshots stay. */
    @Test
    void theRetentionSweepTerminatesAnEndedQuarantineUnlessKept() {
        TestGroup group = quarantiningGroup(3);
        String ended = group.instanceIds().get(0);
        String kept = group.instanceIds().get(1);
        ComplianceEvents first = onRecord(ended);
        ComplianceEvents second = onRecord(kept);
        handler(env.aws, Clock.systemUTC()).handle(first.bytes());
        handler(env.aws, Clock.systemUTC()).handle(second.bytes());
        env.tagInstance(kept, "drift-deploy:keep", "INC-42");
        Clock afterRetention = Clock.offset(Clock.systemUTC(), Duration.ofDays(8));

        QuarantineExpiry.Summary summary = QuarantineExpiry.wire(env.settings(settings()), env.aws,
                new Telemetry("quarantine-sweep", new PrintStream(log, true, StandardCharsets.UTF_8), afterRetention),
                afterRetention).sweep("sweep-" + env.prefix);

        // The sweep reads the whole account: other tests' quarantines may be in it too.
        assertThat(summary.terminated()).contains(ended).doesNotContain(kept);
        assertThat(summary.kept()).contains(kept);
        assertThat(instance(ended).state().name()).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
        assertThat(instance(kept).state().name()).isEqualTo(InstanceStateName.RUNNING);
        assertThat(snapshots(first.id())).as("the evidence outlives the instance").isNotEmpty();
        assertThat(group.instanceIds()).as("the fleet is whole throughout").hasSize(3);
    }

    /** Dry run reads what enforce would (the interfaces included) and changes nothing. */
    @Test
    void aDryRunSaysItWouldQuarantineAndLeavesTheInstanceAsItWas() {
        TestGroup group = quarantiningGroup(2);
        String victim = group.instanceIds().get(0);
        List<List<String>> before = interfaceGroups(victim);
        Map<String, String> dryRun = settings();
        dryRun.put("DRIFT_DEPLOY_MODE", "dry-run");

        Map<String, Object> result = handler(env.aws, Clock.systemUTC(), dryRun).handle(onRecord(victim).bytes()).json();

        assertThat(result).as("%s", result).containsEntry("reason", "dry-run-quarantine").containsEntry("enforceWouldDo", "quarantine");
        assertThat(group.instanceIds()).contains(victim);
        assertThat(interfaceGroups(victim)).isEqualTo(before);
        assertThat(tags(victim)).doesNotContainKey("drift-deploy:quarantine");
    }

    /** An instance in a VPC with no quarantine group is left in service, untouched, and the team told why. */
    @Test
    void anInstanceInAVpcWithoutAQuarantineGroupIsNotTouched() {
        TestGroup group = quarantiningGroup(2);
        String victim = group.instanceIds().get(0);
        Map<String, String> otherVpcOnly = settings();
        otherVpcOnly.put("DRIFT_DEPLOY_QUARANTINE_SECURITY_GROUPS", "vpc-0123456789abcdef0=" + quarantineGroup);

        Map<String, Object> result = handler(env.aws, Clock.systemUTC(), otherVpcOnly).handle(onRecord(victim).bytes()).json();

        assertThat(result).as("%s", result).containsEntry("reason", "no-quarantine-group")
                .containsEntry("vpcsWithoutQuarantineGroup", List.of(env.vpcId));
        assertThat(group.instanceIds()).contains(victim);
        assertThat(interfaceGroups(victim)).noneSatisfy(groups -> assertThat(groups).contains(quarantineGroup));
        assertThat(tags(victim)).doesNotContainKey("drift-deploy:quarantine");
        env.awaitNotifications(1, NOTIFIED);
        assertThat(announced("notify")).singleElement().satisfies(n -> assertThat(n.subject()).contains("no-quarantine-group"));
    }
}
