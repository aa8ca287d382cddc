package io.driftdeploy.policy;

/**
 * How urgently the team hears of a decision: low, info, warning, high. The rules fix it (a
 * rollout reason has one, a refresh's outcome has one), so it is decided, not worded.
 */
public enum Severity implements Labelled {
    LOW, INFO, WARNING, HIGH
}
