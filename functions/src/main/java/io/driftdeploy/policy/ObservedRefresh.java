package io.driftdeploy.policy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An instance refresh as Auto Scaling reported it (DescribeInstanceRefreshes), not as an event
 * claims it: the evidence a refresh outcome is decided on, and that a bad mark keeps.
 *
 * @param status the refresh's Status as AWS wrote it, e.g. {@code InProgress}, {@code RollbackSuccessful}
 * @param statusReason AWS's StatusReason, when it gave one
 * @param readAt when drift-deploy read it
 */
public record ObservedRefresh(String refreshId, String group, String status, Optional<String> statusReason, Instant readAt) {
    public ObservedRefresh {
        Objects.requireNonNull(refreshId, "refreshId");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(statusReason, "statusReason");
        Objects.requireNonNull(readAt, "readAt");
    }
}
