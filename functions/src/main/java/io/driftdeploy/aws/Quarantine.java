package io.driftdeploy.aws;

import io.driftdeploy.policy.QuarantinePolicy.NetworkInterface;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The EC2 and Auto Scaling calls of a quarantine and of its retention's end (docs/quarantine.md).
 * Each write is safe to repeat, or is preceded by the read that tells whether it happened:
 * {@link Ec2Quarantine} makes them.
 */
public interface Quarantine {

    /** An instance that carries the quarantine marker, as the retention sweep judges it. */
    record Quarantined(String instanceId, Map<String, String> tags) {
        public Quarantined {
            tags = Map.copyOf(tags);
        }
    }

    /** The instance's network interfaces with their VPC and security groups; empty when EC2 no longer knows it. */
    List<NetworkInterface> interfaces(String instanceId);

    /** Adds (or overwrites) the tags on the instance. */
    void tag(String instanceId, Map<String, String> tags);

    /** Replaces every security group of the interface with {@code securityGroupId}. */
    void isolate(String networkInterfaceId, String securityGroupId);

    /** The snapshots that carry the quarantine marker {@code auditId}. */
    List<String> snapshots(String auditId);

    /** Crash-consistent snapshots of every volume attached to the instance, tagged on creation; returns their ids. */
    List<String> snapshot(String instanceId, Map<String, String> tags);

    /**
     * Detaches the instance from the group without lowering its desired capacity, so the group
     * launches a replacement; returns the activity id, or empty when the group no longer lists it.
     */
    Optional<String> detach(String instanceId, String groupName);

    /** Every instance, not terminated, that carries the quarantine marker. */
    List<Quarantined> quarantined();

    /** Terminates a quarantined instance (it is in no group any more). */
    void terminate(String instanceId);
}
