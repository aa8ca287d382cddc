package io.driftdeploy.policy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An instance refresh that is running (or rolling back) with a given alarm in its
 * AlarmSpecification: when that alarm goes to ALARM, AWS fails the refresh and, with AutoRollback,
 * rolls the group back.
 *
 * @param status             the refresh status as Auto Scaling spells it, e.g. {@code InProgress}
 * @param launchTemplate     id (or name) of the launch template the refresh rolls out
 * @param launchTemplateVersion the explicit version it rolls out
 * @param imageId            the image that version launches
 */
public record GuardedRefresh(
        String group,
        Optional<String> app,
        String refreshId,
        String status,
        OptionalInt percentageComplete,
        Optional<Instant> startTime,
        Optional<String> launchTemplate,
        Optional<String> launchTemplateVersion,
        Optional<String> imageId) {

    public GuardedRefresh {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(refreshId, "refreshId");
        Objects.requireNonNull(status, "status");
    }
}
