package io.driftdeploy.policy;

import io.driftdeploy.config.Mode;
import io.driftdeploy.settings.QuarantineTags;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of quarantine instead of termination (docs/quarantine.md): which groups quarantine,
 * whether an instance can be, the tags that mark a quarantine so a retry finds where it stopped,
 * and when a quarantined instance's retention ends.
 */
public final class QuarantinePolicy {

    /** On the instance: the audit id (event id) of the decision that quarantined it; set first, before any change. */
    public static final String MARKER_TAG = QuarantineTags.MARKER;
    /** On the instance: the group it was quarantined from, so a retry can finish detaching it. */
    public static final String GROUP_TAG = QuarantineTags.GROUP;
    /** On the instance: when its retention ends (ISO-8601 instant). */
    public static final String UNTIL_TAG = QuarantineTags.UNTIL;
    /** On each snapshot: the instance it was taken of (the audit id is in {@link #MARKER_TAG}). */
    public static final String INSTANCE_TAG = QuarantineTags.INSTANCE;

    /** One network interface of an instance as quarantine needs it: the security groups it has, in its VPC. */
    public record NetworkInterface(String id, String vpcId, List<String> securityGroupIds) {
        public NetworkInterface {
            securityGroupIds = List.copyOf(securityGroupIds);
        }
    }

    /** What the retention sweep does with a quarantined instance now. */
    public sealed interface Expiry {
        /** Its retention has not ended. */
        record Waiting(Instant until) implements Expiry {
        }

        /** Its retention ended and nobody kept it: terminate it. */
        record Ended(Instant until) implements Expiry {
        }

        /** A person set the keep tag. */
        record Kept(String keepTag, String value) implements Expiry {
        }

        /** The retention tag is missing or not an instant: never guessed at. */
        record Unreadable(String value) implements Expiry {
        }
    }

    private QuarantinePolicy() {
    }

    /**
     * An instance another decision quarantined (or began to) is left to it: detached, it is in no
     * group, and still isolated in its group, the decision's retry finishes it.
     */
    public static Optional<DriftReason> notQuarantined(Map<String, String> instanceTags) {
        return instanceTags.containsKey(MARKER_TAG) ? Optional.of(DriftReason.ALREADY_QUARANTINED) : Optional.empty();
    }

    /** An action tag that names neither action stops the group's remediation (fail closed). */
    public static Optional<DriftReason> validActionTag(RemediationAction action) {
        return action instanceof RemediationAction.Invalid ? Optional.of(DriftReason.INVALID_ACTION_TAG) : Optional.empty();
    }

    /**
     * Quarantine needs a quarantine security group in the VPC of every network interface of the
     * instance: isolating some interfaces and not others is no isolation.
     */
    public static Optional<DriftReason> quarantineReady(List<NetworkInterface> interfaces, Map<String, String> groupsByVpc) {
        if (interfaces.isEmpty()) {
            return Optional.of(DriftReason.NO_QUARANTINE_GROUP);
        }
        return interfaces.stream().allMatch(nic -> groupsByVpc.containsKey(nic.vpcId()))
                ? Optional.empty() : Optional.of(DriftReason.NO_QUARANTINE_GROUP);
    }

    /** The VPCs of the instance that have no quarantine security group, for the notification. */
    public static List<String> vpcsWithoutGroup(List<NetworkInterface> interfaces, Map<String, String> groupsByVpc) {
        return interfaces.stream().map(NetworkInterface::vpcId).filter(vpc -> !groupsByVpc.containsKey(vpc)).distinct().toList();
    }

    /** Every rule holds: what enforce does, or in dry run says it would. */
    public static DriftReason allRulesHold(Mode mode, RemediationAction action) {
        if (!action.is(RemediationAction.Kind.QUARANTINE)) {
            return DriftPolicy.allRulesHold(mode);
        }
        return mode == Mode.ENFORCE ? DriftReason.DRIFT_QUARANTINED : DriftReason.DRY_RUN_QUARANTINE;
    }

    /** The tags that mark the instance quarantined by the decision {@code auditId}, written before anything else. */
    public static Map<String, String> markerTags(String auditId, String group, Instant until) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(MARKER_TAG, auditId);
        tags.put(GROUP_TAG, group);
        tags.put(UNTIL_TAG, until.toString());
        return tags;
    }

    /** The tags of every snapshot the quarantine takes. */
    public static Map<String, String> snapshotTags(String auditId, String instanceId) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(MARKER_TAG, auditId);
        tags.put(INSTANCE_TAG, instanceId);
        return tags;
    }

    /** Whether the decision {@code auditId} began quarantining the instance (its marker is on it). */
    public static boolean startedBy(Map<String, String> instanceTags, String auditId) {
        return auditId.equals(instanceTags.get(MARKER_TAG));
    }

    /** The security group each interface gets: its VPC's quarantine group (quarantineReady held). */
    public static String isolationGroup(NetworkInterface nic, Map<String, String> groupsByVpc) {
        String group = groupsByVpc.get(nic.vpcId());
        if (group == null) {
            throw new IllegalStateException("no quarantine security group for " + nic.vpcId() + " of " + nic.id());
        }
        return group;
    }

    /** Whether the interface carries its quarantine group and nothing else. */
    public static boolean isolated(NetworkInterface nic, Map<String, String> groupsByVpc) {
        return nic.securityGroupIds().equals(List.of(isolationGroup(nic, groupsByVpc)));
    }

    /** What the retention sweep does with a quarantined instance whose tags are {@code tags}, at {@code now}. */
    public static Expiry expiry(Map<String, String> tags, String keepTag, Instant now) {
        if (tags.containsKey(keepTag)) {
            return new Expiry.Kept(keepTag, tags.get(keepTag));
        }
        Optional<Instant> until = until(tags);
        if (until.isEmpty()) {
            return new Expiry.Unreadable(tags.getOrDefault(UNTIL_TAG, ""));
        }
        return now.isBefore(until.get()) ? new Expiry.Waiting(until.get()) : new Expiry.Ended(until.get());
    }

    /** When the instance's retention ends, as its tag says; empty when the tag is missing or not an instant. */
    public static Optional<Instant> until(Map<String, String> tags) {
        String raw = tags.get(UNTIL_TAG);
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(raw.strip()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
