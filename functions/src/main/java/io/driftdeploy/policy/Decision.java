package io.driftdeploy.policy;

/**
 * What a function did, or would do, about one event: the {@code decision} of its result, its audit
 * record and its log line, and the {@code action} its notification is filtered on. Each path
 * decides among its own few (the drift path by {@link DriftDecision}, a rollout by
 * {@link GroupDecision.Outcome}); this is every one any function reports.
 */
public enum Decision implements Labelled {
    /** The drift path terminated the instance through its Auto Scaling group. */
    TERMINATE,
    /**
     * The drift path quarantined the instance: isolated, snapshotted and detached from its group,
     * which replaces it; it is terminated when its retention ends.
     */
    QUARANTINE,
    /** The team is told; nothing is changed. */
    NOTIFY,
    /** Nothing to do. */
    SKIP,
    /** A drift storm: remediation in a group or the account pauses until the rate window ends. */
    PAUSE,
    /** A new launch template version and an instance refresh. */
    REFRESH,
    /** The image waits for the group's running refresh to end. */
    PENDING,
    /** A refresh with drift-deploy's image failed or rolled back: the image is marked bad. */
    MARK_BAD,
    /** A refresh event Auto Scaling cannot confirm: nothing is done. */
    REFUSE,
    /** The drift alarm fired: every non-compliant instance went through the drift path. */
    SWEEP,
    /** A person cleared a guard (a churn breaker, an image's bad mark) with the CLI. */
    CLEAR,
    /** The event was refused before anything was done. */
    REJECTED
}
