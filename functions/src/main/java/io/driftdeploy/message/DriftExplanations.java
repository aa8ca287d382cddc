package io.driftdeploy.message;

import io.driftdeploy.policy.DriftReason;

/**
 * What each drift reason means, in words: the report's {@code explanation} and the heart of the
 * notification's summary (docs/safety-rules.md, "Drift: when an instance is terminated").
 */
final class DriftExplanations {

    /** {@code drift-confirmed} for a group that surges (docs/safety-rules.md, "Rule 6: surge replacement"). */
    static final String SURGE_CONFIRMED = "every safety rule holds: marked Unhealthy so that its group launches the"
            + " replacement from its launch template and terminates it once the replacement is InService (surge)";

    private DriftExplanations() {
    }

    static String of(DriftReason reason) {
        return switch (reason) {
            case NOT_A_DRIFT_RULE -> "the Config rule is not one of the configured drift rules";
            case COMPLIANT -> "the evaluation is COMPLIANT; it was recorded and cancels any older NON_COMPLIANT one";
            case NO_VERDICT -> "the evaluation is NOT_APPLICABLE or INSUFFICIENT_DATA, which is no evidence of drift";
            case DUPLICATE_EVENT -> "this event was already handled (EventBridge delivers at least once)";
            case EVALUATION_FROM_THE_FUTURE -> "the event's evaluation is dated after now plus the allowed clock skew,"
                    + " which AWS Config never sends: refused before anything was recorded";
            case EVALUATION_TOO_OLD -> "the event's evaluation is older than the ledger keeps evaluations, so it"
                    + " cannot be ordered against newer ones: refused before anything was recorded";
            case STALE_EVALUATION -> "a newer evaluation of this rule and instance is on record: AWS Config's current"
                    + " result is newer and not NON_COMPLIANT, or an earlier event recorded a newer one and AWS"
                    + " Config's current result is newer than this evaluation";
            case NO_EVALUATION_ON_RECORD -> "AWS Config holds no evaluation of this rule for the instance, so nothing"
                    + " but the event says it drifted";
            case INSTANCE_GONE -> "the instance no longer exists or is already shutting down";
            case INSTANCE_NOT_RUNNING -> "the instance is stopping or stopped, not pending or running";
            case ALREADY_TERMINATING -> "another decision is already terminating this instance";
            case NO_LONGER_NON_COMPLIANT -> "AWS Config's current result for this rule is not NON_COMPLIANT"
                    + " (COMPLIANT, NOT_APPLICABLE or INSUFFICIENT_DATA) and not older than the event's evaluation";
            case STANDALONE_INSTANCE -> "the instance is in no Auto Scaling group, so nothing would replace it";
            case GROUP_NOT_OPTED_IN -> "the instance's Auto Scaling group has not opted in to remediation";
            case PROTECT_TAG -> "the instance or its group carries the protect tag";
            case SCALE_IN_PROTECTION -> "the instance is protected from scale in";
            case NOT_IN_SERVICE -> "the instance is not InService in its group (e.g. Standby, Pending, Terminating)";
            case REFRESH_IN_PROGRESS -> "an instance refresh is in progress on the group and replaces the instance"
                    + " anyway";
            case INVALID_GROUP_TAG -> "the group's minimum healthy percentage tag is not a whole number from 0 to 100,"
                    + " so the capacity guard cannot be kept: fix or remove the tag";
            case CAPACITY_GUARD -> "terminating it would leave the group below its minimum healthy share (for a surge:"
                    + " launching its replacement would take the group above its maximum size)";
            case INVALID_BUDGET_TAG -> "a disruption budget of the group (its budget tag, or the default budgets) cannot"
                    + " be read, so no budget can be kept: fix or remove it";
            case BUDGET_CLOSED -> "the group's disruption budget lets no more of its instances go now: the active budget"
                    + " is zero or already used by instances out of service, or every budget is scheduled and none is"
                    + " in its window";
            case INVALID_REPLACEMENT_TAG -> "the group's replacement tag is neither terminate nor surge, so how to"
                    + " replace the instance is unknown: fix or remove the tag";
            case CANNOT_SURGE -> "the group chose surge replacement but cannot launch before terminating (no instance"
                    + " maintenance policy of minimum 100% and maximum above 100%, or no room under its maximum size),"
                    + " and terminating instead is what it opted out of";
            case GROUP_RATE_LIMIT -> "the group reached its termination limit for this window (drift storm:"
                    + " remediation paused)";
            case ACCOUNT_RATE_LIMIT -> "the account reached its termination limit for this window (drift storm:"
                    + " remediation paused)";
            case ORGANIZATION_RATE_LIMIT -> "the accounts drift-deploy serves together reached their termination limit"
                    + " for this window (drift storm across the organization: remediation paused in every account)";
            case REPLACEMENT_WOULD_NOT_CURE -> "the group would launch the replacement with the same offending"
                    + " property (launch template or image): fix that first, or the replacement comes back drifted";
            case REPLACEMENT_DID_NOT_CURE -> "the instance is drift-deploy's own replacement and the same rule flags"
                    + " it again: remediation of this rule in this group is stopped until a person clears the churn"
                    + " breaker";
            case DRY_RUN -> "every safety rule holds and enforce mode would replace it (as its group chose: terminate, or"
                    + " surge), but the mode is dry-run";
            case ALREADY_QUARANTINED -> "another decision quarantined the instance (or began to, and its retry finishes it):"
                    + " it is isolated and kept until its retention ends";
            case DRY_RUN_QUARANTINE -> "every safety rule holds and enforce mode would quarantine it (the group's action"
                    + " tag), but the mode is dry-run";
            case DRIFT_QUARANTINED -> "every safety rule holds and the group's action tag says quarantine: isolated"
                    + " (quarantine security group only; established connections last until idle), its volumes"
                    + " snapshotted, and detached so that the group replaces it; it is terminated when its retention ends"
                    + " unless a person sets the keep tag";
            case INVALID_ACTION_TAG -> "the group's action tag is neither terminate nor quarantine, so nothing is done:"
                    + " fix or remove the tag (the notification's facts name the tag and its value)";
            case NO_QUARANTINE_GROUP -> "the group's action tag says quarantine, but a VPC of the instance has no"
                    + " quarantine security group (stack context quarantineVpcs), so it cannot be isolated: nothing is done";
            case DRIFT_CONFIRMED -> "every safety rule holds: terminated so that the group replaces it from its launch"
                    + " template";
        };
    }
}
