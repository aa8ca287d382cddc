package io.driftdeploy.event;

/** AWS Config's compliance values for one resource evaluated by one rule. */
public enum ComplianceType {
    COMPLIANT,
    NON_COMPLIANT,
    NOT_APPLICABLE,
    INSUFFICIENT_DATA
}
