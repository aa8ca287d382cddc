package io.driftdeploy.policy;

/** Why the alarms function decided as it did: which of its rules the alarm state change fell under. */
public enum AlarmReason implements Reason {
    /** An alarm that is neither the drift alarm going to ALARM nor guarding a running refresh: the team is told. */
    ALARM_STATE_CHANGE,
    /** A rollout guard alarm went to ALARM while refreshes it guards run: the team is told which. */
    ROLLOUT_GUARD_ALARM,
    /** The drift alarm went to ALARM: the sweep. */
    DRIFT_ALARM,
    /** The same state change again (EventBridge and SNS each deliver at least once, and both may deliver it). */
    DUPLICATE_EVENT
}
