package io.driftdeploy.policy;

import static io.driftdeploy.policy.DriftDecision.NOTIFY;
import static io.driftdeploy.policy.DriftDecision.SKIP;
import static io.driftdeploy.policy.DriftDecision.TERMINATE;

/**
 * Why a drift decision came out as it did: every reason names the safety rule that decided and
 * fixes the decision, so a reason can never be paired with the wrong action.
 */
public enum DriftReason implements Reason {
    NOT_A_DRIFT_RULE(DriftRule.DRIFT_EVALUATION, SKIP, "the Config rule is not one of the configured drift rules"),
    COMPLIANT(DriftRule.DRIFT_EVALUATION, SKIP,
            "the evaluation is COMPLIANT; it was recorded and cancels any older NON_COMPLIANT one"),
    NO_VERDICT(DriftRule.DRIFT_EVALUATION, SKIP,
            "the evaluation is NOT_APPLICABLE or INSUFFICIENT_DATA, which is no evidence of drift"),
    DUPLICATE_EVENT(DriftRule.NOT_DUPLICATE, SKIP,
            "this event was already handled (EventBridge delivers at least once)"),
    EVALUATION_FROM_THE_FUTURE(DriftRule.FRESH_AND_STILL_TRUE, NOTIFY,
            "the event's evaluation is dated after now plus the allowed clock skew, which AWS Config never sends:"
                    + " refused before anything was recorded"),
    EVALUATION_TOO_OLD(DriftRule.FRESH_AND_STILL_TRUE, NOTIFY,
            "the event's evaluation is older than the ledger keeps evaluations, so it cannot be ordered against newer ones:"
                    + " refused before anything was recorded"),
    STALE_EVALUATION(DriftRule.FRESH_AND_STILL_TRUE, SKIP,
            "a newer evaluation of this rule and instance is on record: AWS Config's current result is newer and not"
                    + " NON_COMPLIANT, or an earlier event recorded a newer one and AWS Config's current result is newer"
                    + " than this evaluation"),
    NO_EVALUATION_ON_RECORD(DriftRule.FRESH_AND_STILL_TRUE, NOTIFY,
            "AWS Config holds no evaluation of this rule for the instance, so nothing but the event says it drifted"),
    INSTANCE_GONE(DriftRule.FRESH_AND_STILL_TRUE, SKIP, "the instance no longer exists or is already shutting down"),
    INSTANCE_NOT_RUNNING(DriftRule.FRESH_AND_STILL_TRUE, NOTIFY,
            "the instance is stopping or stopped, not pending or running"),
    ALREADY_TERMINATING(DriftRule.FRESH_AND_STILL_TRUE, SKIP, "another decision is already terminating this instance"),
    NO_LONGER_NON_COMPLIANT(DriftRule.FRESH_AND_STILL_TRUE, SKIP,
            "AWS Config's current result for this rule is not NON_COMPLIANT (COMPLIANT, NOT_APPLICABLE or"
                    + " INSUFFICIENT_DATA) and not older than the event's evaluation"),
    STANDALONE_INSTANCE(DriftRule.OPTED_IN_GROUP, NOTIFY,
            "the instance is in no Auto Scaling group, so nothing would replace it"),
    GROUP_NOT_OPTED_IN(DriftRule.OPTED_IN_GROUP, NOTIFY,
            "the instance's Auto Scaling group has not opted in to remediation"),
    PROTECT_TAG(DriftRule.NOT_PROTECTED, NOTIFY, "the instance or its group carries the protect tag"),
    SCALE_IN_PROTECTION(DriftRule.NOT_PROTECTED, NOTIFY, "the instance is protected from scale in"),
    NOT_IN_SERVICE(DriftRule.NOT_PROTECTED, NOTIFY,
            "the instance is not InService in its group (e.g. Standby, Pending, Terminating)"),
    REFRESH_IN_PROGRESS(DriftRule.CAPACITY_GUARD, NOTIFY,
            "an instance refresh is in progress on the group and replaces the instance anyway"),
    INVALID_GROUP_TAG(DriftRule.CAPACITY_GUARD, NOTIFY,
            "the group's minimum healthy percentage tag is not a whole number from 0 to 100, so the capacity guard"
                    + " cannot be kept: fix or remove the tag"),
    CAPACITY_GUARD(DriftRule.CAPACITY_GUARD, NOTIFY,
            "terminating it would leave the group below its minimum healthy share"),
    GROUP_RATE_LIMIT(DriftRule.RATE_GUARD, NOTIFY,
            "the group reached its termination limit for this window (drift storm: remediation paused)"),
    ACCOUNT_RATE_LIMIT(DriftRule.RATE_GUARD, NOTIFY,
            "the account reached its termination limit for this window (drift storm: remediation paused)"),
    REPLACEMENT_WOULD_NOT_CURE(DriftRule.REPLACEMENT_CURES, NOTIFY,
            "the group would launch the replacement with the same offending property (launch template or image):"
                    + " fix that first, or the replacement comes back drifted"),
    REPLACEMENT_DID_NOT_CURE(DriftRule.REPLACEMENT_CURES, NOTIFY,
            "the instance is drift-deploy's own replacement and the same rule flags it again: remediation of this rule"
                    + " in this group is stopped until a person clears the churn breaker"),
    DRY_RUN(DriftRule.MODE, NOTIFY,
            "every safety rule holds and enforce mode would terminate it, but the mode is dry-run"),
    DRIFT_CONFIRMED(DriftRule.MODE, TERMINATE,
            "every safety rule holds: terminated so that the group replaces it from its launch template");

    private final DriftRule rule;
    private final DriftDecision decision;
    private final String explanation;

    DriftReason(DriftRule rule, DriftDecision decision, String explanation) {
        this.rule = rule;
        this.decision = decision;
        this.explanation = explanation;
    }

    public DriftRule rule() {
        return rule;
    }

    public DriftDecision decision() {
        return decision;
    }

    public String explanation() {
        return explanation;
    }
}
