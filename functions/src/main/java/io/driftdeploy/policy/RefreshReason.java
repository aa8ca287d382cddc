package io.driftdeploy.policy;

import io.driftdeploy.event.RefreshKind;

/**
 * Why the refreshes function decided as it did about one instance refresh event: the status it
 * acted on, or why it acted on none (docs/safety-rules.md, "Refresh outcomes: an event only says where to look").
 */
public enum RefreshReason implements Reason {
    REFRESH_STARTED,
    REFRESH_CHECKPOINT_REACHED,
    REFRESH_SUCCEEDED,
    REFRESH_FAILED,
    REFRESH_CANCELLED,
    REFRESH_ROLLBACK_STARTED,
    REFRESH_ROLLBACK_SUCCEEDED,
    REFRESH_ROLLBACK_FAILED,
    REFRESH_STARTED_BAKING,
    /**
     * Auto Scaling reports the refresh in another status than the event claims (still running, or
     * another end state): the decision follows AWS's status; an image is marked bad only on an end
     * state AWS reports. The report names both what the event said and what AWS says.
     */
    REFRESH_STATUS_MISMATCH,
    /** Auto Scaling knows no refresh with the event's id on the event's group: the event is refused, nothing is done. */
    REFRESH_NOT_FOUND;

    /** The reason of a status Auto Scaling confirmed, e.g. {@code refresh-rollback-succeeded}. */
    public static RefreshReason of(RefreshKind kind) {
        return switch (kind) {
            case STARTED -> REFRESH_STARTED;
            case CHECKPOINT_REACHED -> REFRESH_CHECKPOINT_REACHED;
            case SUCCEEDED -> REFRESH_SUCCEEDED;
            case FAILED -> REFRESH_FAILED;
            case CANCELLED -> REFRESH_CANCELLED;
            case ROLLBACK_STARTED -> REFRESH_ROLLBACK_STARTED;
            case ROLLBACK_SUCCEEDED -> REFRESH_ROLLBACK_SUCCEEDED;
            case ROLLBACK_FAILED -> REFRESH_ROLLBACK_FAILED;
            case STARTED_BAKING -> REFRESH_STARTED_BAKING;
        };
    }
}
