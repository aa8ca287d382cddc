package io.driftdeploy.event;

/**
 * The instance refresh events Auto Scaling sends ({@code source} {@code aws.autoscaling}), each
 * with its detail-type.
 */
public enum RefreshKind {
    /** Status became InProgress. */
    STARTED("Started"),
    /** The replaced share reached a checkpoint; carries the percentage and the delay. */
    CHECKPOINT_REACHED("Checkpoint Reached"),
    /** Status became Successful. */
    SUCCEEDED("Succeeded"),
    /** Status became Failed. */
    FAILED("Failed"),
    /** Status became Cancelled. */
    CANCELLED("Cancelled"),
    /** Status became RollbackInProgress. */
    ROLLBACK_STARTED("Rollback Started"),
    /** Status became RollbackSuccessful. */
    ROLLBACK_SUCCEEDED("Rollback Succeeded"),
    /** The rollback failed. */
    ROLLBACK_FAILED("Rollback Failed"),
    /** Listed in the EventBridge events reference (bake time); AWS publishes no example of it. */
    STARTED_BAKING("Started Baking");

    public static final String SOURCE = "aws.autoscaling";
    private static final String DETAIL_TYPE_PREFIX = "EC2 Auto Scaling Instance Refresh ";

    private final String detailType;

    RefreshKind(String suffix) {
        this.detailType = DETAIL_TYPE_PREFIX + suffix;
    }

    /** The EventBridge {@code detail-type}, e.g. {@code EC2 Auto Scaling Instance Refresh Started}. */
    public String detailType() {
        return detailType;
    }
}
