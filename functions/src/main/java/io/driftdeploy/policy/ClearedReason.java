package io.driftdeploy.policy;

/** A guard a person cleared with the CLI: audited under what it guarded, never announced (the person is there). */
public enum ClearedReason implements Reason {
    /** drift-deploy resume: a group's churn breaker for a rule. */
    BREAKER_CLEARED,
    /** drift-deploy clear-bad-image: an image's bad mark; it may be rolled out again. */
    BAD_MARK_CLEARED
}
