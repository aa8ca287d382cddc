package io.driftdeploy.aws;

import io.driftdeploy.policy.GroupFacts.LaunchTemplateRef;
import io.driftdeploy.policy.InstanceFacts;
import io.driftdeploy.policy.ReplacementPolicy.TemplateVersionFacts;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet as the drift rules judge it, and the one action they take. {@link AutoScalingFleet}
 * reads EC2 and Auto Scaling.
 */
public interface Fleet {

    /**
     * The group's instance refreshes as the newest of them show it.
     *
     * @param inProgress  whether a refresh is under way (or rolling back)
     * @param lastStarted when the newest refresh started: instances launched since may be its own
     */
    record Refreshes(boolean inProgress, Optional<Instant> lastStarted) {
    }

    /** The instance with its group; empty when EC2 no longer knows the instance; no group when the group no longer lists it. */
    Optional<InstanceFacts> describe(String instanceId);

    /**
     * Each instance with its group, as {@link #describe} gives one, read together: a sweep reads
     * a batch's facts in a few calls instead of two per instance. Every id asked for is a key,
     * empty when EC2 no longer knows the instance.
     */
    Map<String, Optional<InstanceFacts>> describeAll(Collection<String> instanceIds);

    /** Whether a refresh is under way on the group, and when the last one started. */
    Refreshes refreshes(String groupName);

    /** Terminates the instance in its group without lowering the desired capacity, so the group replaces it; returns the activity id. */
    String terminate(String instanceId);

    /**
     * Marks the instance Unhealthy in its group, so that the group replaces it as its instance
     * maintenance policy says: for a surge, the replacement launched and InService before the
     * instance is terminated. Nothing else changes (no desired capacity, no size).
     */
    void surge(String instanceId);

    /** The launch template version the group launches from, as rule 9 judges it; empty when it cannot be read. */
    Optional<TemplateVersionFacts> templateVersion(LaunchTemplateRef template);

    /** The image's tags (none when EC2 knows no such image); empty when the id is no AMI id, e.g. an SSM parameter alias. */
    Optional<Map<String, String>> imageTags(String imageId);
}
