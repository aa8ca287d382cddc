package io.driftdeploy.fakes;

import io.driftdeploy.aws.Quarantine;
import io.driftdeploy.policy.InstanceState;
import io.driftdeploy.policy.QuarantinePolicy;
import io.driftdeploy.policy.QuarantinePolicy.NetworkInterface;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The quarantine calls on {@link FakeFleet}'s instances: each instance has one network interface
 * (in {@link #VPC}, with {@link #APP_GROUP}) unless a test gives it others; tags and detaching
 * change the fleet, so the drift path reads them back as it would from EC2. A call can be made to
 * fail once, applied or not (a lost reply), and every call is logged.
 */
public final class FakeQuarantine implements Quarantine {

    public static final String VPC = "vpc-0test";
    public static final String APP_GROUP = "sg-0app";

    private final FakeFleet fleet;
    private final Map<String, List<NetworkInterface>> interfaces = new HashMap<>();
    private final Map<String, Map<String, String>> snapshots = new LinkedHashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final Map<String, Boolean> failOnce = new HashMap<>();
    private int reads;
    private int changeAfterReads = -1;
    private Runnable change = () -> { };

    public FakeQuarantine(FakeFleet fleet) {
        this.fleet = fleet;
    }

    /** The instance's interfaces, replacing the default one. */
    public FakeQuarantine interfaces(String instanceId, List<NetworkInterface> nics) {
        interfaces.put(instanceId, new ArrayList<>(nics));
        return this;
    }

    /** The next call named {@code call} (tag, isolate, snapshot, detach, terminate) fails; {@code applied}: after taking effect. */
    public FakeQuarantine failOnce(String call, boolean applied) {
        failOnce.put(call, applied);
        return this;
    }

    /** {@code then} happens once {@code count} reads of interfaces were answered (a change between check and act). */
    public FakeQuarantine afterReads(int count, Runnable then) {
        changeAfterReads = count;
        change = then;
        return this;
    }

    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** The snapshots taken, with their tags. */
    public Map<String, Map<String, String>> snapshotsTaken() {
        return Map.copyOf(snapshots);
    }

    /** The security groups of each of the instance's interfaces now. */
    public List<List<String>> securityGroups(String instanceId) {
        return nics(instanceId).stream().map(NetworkInterface::securityGroupIds).toList();
    }

    @Override
    public List<NetworkInterface> interfaces(String instanceId) {
        calls.add("interfaces " + instanceId);
        if (reads++ == changeAfterReads) {
            change.run();
        }
        return fleet.groupOf(instanceId).isPresent() || fleet.instanceIds().contains(instanceId) ? nics(instanceId) : List.of();
    }

    @Override
    public void tag(String instanceId, Map<String, String> tags) {
        calls.add("tag " + instanceId);
        apply("tag", () -> fleet.tag(instanceId, tags));
    }

    @Override
    public void isolate(String networkInterfaceId, String securityGroupId) {
        calls.add("isolate " + networkInterfaceId);
        apply("isolate", () -> interfaces.values().forEach(nics -> nics.replaceAll(nic -> nic.id().equals(networkInterfaceId)
                ? new NetworkInterface(nic.id(), nic.vpcId(), List.of(securityGroupId)) : nic)));
    }

    @Override
    public List<String> snapshots(String auditId) {
        calls.add("snapshots " + auditId);
        return snapshots.entrySet().stream().filter(snapshot -> auditId.equals(snapshot.getValue().get(QuarantinePolicy.MARKER_TAG)))
                .map(Map.Entry::getKey).toList();
    }

    @Override
    public List<String> snapshot(String instanceId, Map<String, String> tags) {
        calls.add("snapshot " + instanceId);
        List<String> taken = new ArrayList<>();
        apply("snapshot", () -> {
            String id = "snap-" + snapshots.size();
            snapshots.put(id, Map.copyOf(tags));
            taken.add(id);
        });
        return taken;
    }

    @Override
    public Optional<String> detach(String instanceId, String groupName) {
        calls.add("detach " + instanceId);
        if (!fleet.groupOf(instanceId).filter(groupName::equals).isPresent()) {
            return Optional.empty();
        }
        apply("detach", () -> fleet.detach(instanceId));
        return Optional.of("activity-detach-" + instanceId);
    }

    @Override
    public List<Quarantined> quarantined() {
        calls.add("quarantined");
        return fleet.instanceIds().stream()
                .filter(id -> fleet.state(id).isLive() || fleet.state(id) == InstanceState.STOPPED)
                .filter(id -> fleet.tags(id).containsKey(QuarantinePolicy.MARKER_TAG))
                .map(id -> new Quarantined(id, fleet.tags(id))).toList();
    }

    @Override
    public void terminate(String instanceId) {
        calls.add("terminate " + instanceId);
        apply("terminate", () -> fleet.state(instanceId, InstanceState.SHUTTING_DOWN));
    }

    private List<NetworkInterface> nics(String instanceId) {
        return interfaces.computeIfAbsent(instanceId, id -> new ArrayList<>(List.of(
                new NetworkInterface("eni-" + id.substring(2), VPC, List.of(APP_GROUP)))));
    }

    private void apply(String call, Runnable change) {
        Boolean applied = failOnce.remove(call);
        if (applied == null) {
            change.run();
            return;
        }
        if (applied) {
            change.run();
        }
        throw new IllegalStateException("injected failure of " + call + (applied ? " (applied, reply lost)" : ""));
    }
}
