package io.driftdeploy.event;

/** CloudWatch alarm states. */
public enum AlarmState {
    OK,
    ALARM,
    INSUFFICIENT_DATA
}
