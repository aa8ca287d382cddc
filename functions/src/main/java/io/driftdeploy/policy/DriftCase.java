package io.driftdeploy.policy;

import io.driftdeploy.config.Mode;
import java.util.Objects;
import java.util.Optional;

/**
 * What a drift decision is about, as far as it is known when the decision is made: the
 * evaluation, the instance's group and application once the fleet has been read, and the mode
 * in force (the global one until the group's tag has been seen).
 */
public record DriftCase(Evaluation evaluation, Optional<String> group, Optional<String> app, Mode mode) {

    public DriftCase {
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(mode, "mode");
    }

    public static DriftCase of(Evaluation evaluation, Mode globalMode) {
        return new DriftCase(evaluation, Optional.empty(), Optional.empty(), globalMode);
    }

    /** The same case once the instance's group is known, with the mode that group is under. */
    public DriftCase inGroup(String groupName, Optional<String> appName, Mode groupMode) {
        return new DriftCase(evaluation, Optional.of(groupName), appName, groupMode);
    }

    public String instanceId() {
        return evaluation.instanceId();
    }
}
