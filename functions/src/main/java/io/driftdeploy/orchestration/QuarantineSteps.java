package io.driftdeploy.orchestration;

import io.driftdeploy.aws.Quarantine;
import io.driftdeploy.policy.Labelled;
import io.driftdeploy.policy.QuarantinePolicy;
import io.driftdeploy.policy.QuarantinePolicy.NetworkInterface;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The steps of one quarantine, in the order that keeps a failure part way safe
 * (docs/quarantine.md, "Steps"):
 * <ol>
 * <li>{@code mark}: the instance is tagged with the decision's audit id, its group and the end of
 * its retention, before anything changes, so that a retry finds where it stopped;</li>
 * <li>{@code isolate}: every network interface gets the VPC's quarantine security group (no
 * ingress, no egress) and nothing else: from here the instance serves nothing, whatever
 * fails next;</li>
 * <li>{@code snapshot}: crash-consistent snapshots of every attached volume, tagged with the audit
 * id, before the instance leaves its group (an unhealthy member could be replaced, and
 * terminated, by the group before a retry);</li>
 * <li>{@code detach}: the group lets it go without lowering its desired capacity, and launches a
 * replacement.</li>
 * </ol>
 * Every step reads first whether it is done (the marker, the interfaces' groups, the snapshots
 * tagged with the audit id, the group's members), so a retry after a lost reply or a crash repeats
 * nothing and does what is left.
 */
final class QuarantineSteps {

    /** The steps, in order; their labels name them in results, audit records and notifications. */
    enum Step implements Labelled {
        MARK, ISOLATE, SNAPSHOT, DETACH
    }

    /** A quarantine done: the AWS calls made (empty for a step found done) and its facts. */
    record Done(List<String> actions, Map<String, Object> details) {
    }

    /**
     * The quarantine stopped at {@code step}; {@code done} lists the calls made before it, and
     * {@code isolated} whether the instance was isolated by then. {@code started} is false when
     * nothing was written (the instance's interfaces could not be read or isolated in no VPC).
     */
    static final class Incomplete extends RuntimeException {
        private final Step step;
        private final List<String> done;
        private final boolean isolated;
        private final boolean started;

        Incomplete(Step step, List<String> done, boolean isolated, boolean started, RuntimeException cause) {
            super("quarantine stopped at step " + step.label() + ": " + cause.getMessage(), cause);
            this.step = step;
            this.done = List.copyOf(done);
            this.isolated = isolated;
            this.started = started;
        }

        Step step() {
            return step;
        }

        List<String> done() {
            return done;
        }

        boolean isolated() {
            return isolated;
        }

        boolean started() {
            return started;
        }
    }

    private final Quarantine quarantine;
    private final Map<String, String> groupsByVpc;

    QuarantineSteps(Quarantine quarantine, Map<String, String> groupsByVpc) {
        this.quarantine = quarantine;
        this.groupsByVpc = Map.copyOf(groupsByVpc);
    }

    /** The instance's network interfaces, for the check that every VPC of it has a quarantine group. */
    List<NetworkInterface> interfaces(String instanceId) {
        return quarantine.interfaces(instanceId);
    }

    /**
     * Quarantines the instance for the decision {@code auditId}, or finishes the quarantine that
     * decision began; throws {@link Incomplete} naming the step that failed.
     */
    Done run(String instanceId, String group, String auditId, Instant until) {
        List<String> actions = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        Step step = Step.MARK;
        boolean started = false;
        boolean isolated = false;
        try {
            List<NetworkInterface> interfaces = quarantine.interfaces(instanceId);
            if (QuarantinePolicy.quarantineReady(interfaces, groupsByVpc).isPresent()) {
                throw new IllegalStateException("instance " + instanceId + " has an interface in a VPC without a quarantine "
                        + "security group (" + QuarantinePolicy.vpcsWithoutGroup(interfaces, groupsByVpc) + ")");
            }
            started = true;
            quarantine.tag(instanceId, QuarantinePolicy.markerTags(auditId, group, until));
            actions.add("CreateTags " + instanceId + " " + QuarantinePolicy.MARKER_TAG + "=" + auditId);

            step = Step.ISOLATE;
            Map<String, Object> previous = new LinkedHashMap<>();
            for (NetworkInterface nic : interfaces) {
                if (!QuarantinePolicy.isolated(nic, groupsByVpc)) {
                    String isolation = QuarantinePolicy.isolationGroup(nic, groupsByVpc);
                    previous.put(nic.id(), nic.securityGroupIds());
                    quarantine.isolate(nic.id(), isolation);
                    actions.add("ModifyNetworkInterfaceAttribute " + nic.id() + " groups=" + isolation);
                }
            }
            isolated = true;
            details.put("isolatedInterfaces", interfaces.stream().map(NetworkInterface::id).toList());
            if (!previous.isEmpty()) {
                details.put("previousSecurityGroups", previous);
            }

            step = Step.SNAPSHOT;
            List<String> snapshots = quarantine.snapshots(auditId);
            if (snapshots.isEmpty()) {
                snapshots = quarantine.snapshot(instanceId, QuarantinePolicy.snapshotTags(auditId, instanceId));
                actions.add("CreateSnapshots " + instanceId + " " + snapshots);
            }
            details.put("snapshots", snapshots);

            step = Step.DETACH;
            Optional<String> activity = quarantine.detach(instanceId, group);
            activity.ifPresent(id -> {
                actions.add("DetachInstances " + instanceId + " from " + group + " (ShouldDecrementDesiredCapacity=false)");
                details.put("activityId", id);
            });
            details.put("detachedFrom", group);
            details.put("quarantinedUntil", until.toString());
            details.put("quarantineSteps", java.util.Arrays.stream(Step.values()).map(Step::label).toList());
            return new Done(actions, details);
        } catch (RuntimeException failure) {
            throw new Incomplete(step, actions, isolated, started, failure);
        }
    }
}
