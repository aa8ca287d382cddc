package io.driftdeploy.policy;

import static io.driftdeploy.policy.DriftDecision.NOTIFY;
import static io.driftdeploy.policy.DriftDecision.QUARANTINE;
import static io.driftdeploy.policy.DriftDecision.SKIP;
import static io.driftdeploy.policy.DriftDecision.TERMINATE;

/**
 * Why a drift decision came out as it did: every reason names the safety rule that decided and
 * fixes the decision, so a reason can never be paired with the wrong action. What each means, in
 * words, is the message package's ({@code DriftExplanations}).
 */
public enum DriftReason implements Reason {
    NOT_A_DRIFT_RULE(DriftRule.DRIFT_EVALUATION, SKIP),
    COMPLIANT(DriftRule.DRIFT_EVALUATION, SKIP),
    NO_VERDICT(DriftRule.DRIFT_EVALUATION, SKIP),
    DUPLICATE_EVENT(DriftRule.NOT_DUPLICATE, SKIP),
    EVALUATION_FROM_THE_FUTURE(DriftRule.FRESH_AND_STILL_TRUE, NOTIFY),
    EVALUATION_TOO_OLD(DriftRule.FRESH_AND_STILL_TRUE, NOTIFY),
    STALE_EVALUATION(DriftRule.FRESH_AND_STILL_TRUE, SKIP),
    NO_EVALUATION_ON_RECORD(DriftRule.FRESH_AND_STILL_TRUE, NOTIFY),
    INSTANCE_GONE(DriftRule.FRESH_AND_STILL_TRUE, SKIP),
    INSTANCE_NOT_RUNNING(DriftRule.FRESH_AND_STILL_TRUE, NOTIFY),
    ALREADY_TERMINATING(DriftRule.FRESH_AND_STILL_TRUE, SKIP),
    ALREADY_QUARANTINED(DriftRule.FRESH_AND_STILL_TRUE, SKIP),
    NO_LONGER_NON_COMPLIANT(DriftRule.FRESH_AND_STILL_TRUE, SKIP),
    STANDALONE_INSTANCE(DriftRule.OPTED_IN_GROUP, NOTIFY),
    GROUP_NOT_OPTED_IN(DriftRule.OPTED_IN_GROUP, NOTIFY),
    INVALID_ACTION_TAG(DriftRule.OPTED_IN_GROUP, NOTIFY),
    NO_QUARANTINE_GROUP(DriftRule.OPTED_IN_GROUP, NOTIFY),
    PROTECT_TAG(DriftRule.NOT_PROTECTED, NOTIFY),
    SCALE_IN_PROTECTION(DriftRule.NOT_PROTECTED, NOTIFY),
    NOT_IN_SERVICE(DriftRule.NOT_PROTECTED, NOTIFY),
    REFRESH_IN_PROGRESS(DriftRule.CAPACITY_GUARD, NOTIFY),
    INVALID_GROUP_TAG(DriftRule.CAPACITY_GUARD, NOTIFY),
    CAPACITY_GUARD(DriftRule.CAPACITY_GUARD, NOTIFY),
    INVALID_BUDGET_TAG(DriftRule.CAPACITY_GUARD, NOTIFY),
    BUDGET_CLOSED(DriftRule.CAPACITY_GUARD, NOTIFY),
    INVALID_REPLACEMENT_TAG(DriftRule.CAPACITY_GUARD, NOTIFY),
    CANNOT_SURGE(DriftRule.CAPACITY_GUARD, NOTIFY),
    GROUP_RATE_LIMIT(DriftRule.RATE_GUARD, NOTIFY),
    ACCOUNT_RATE_LIMIT(DriftRule.RATE_GUARD, NOTIFY),
    ORGANIZATION_RATE_LIMIT(DriftRule.RATE_GUARD, NOTIFY),
    REPLACEMENT_WOULD_NOT_CURE(DriftRule.REPLACEMENT_CURES, NOTIFY),
    REPLACEMENT_DID_NOT_CURE(DriftRule.REPLACEMENT_CURES, NOTIFY),
    DRY_RUN(DriftRule.MODE, NOTIFY),
    DRY_RUN_QUARANTINE(DriftRule.MODE, NOTIFY),
    DRIFT_CONFIRMED(DriftRule.MODE, TERMINATE),
    DRIFT_QUARANTINED(DriftRule.MODE, QUARANTINE);

    private final DriftRule rule;
    private final DriftDecision decision;

    DriftReason(DriftRule rule, DriftDecision decision) {
        this.rule = rule;
        this.decision = decision;
    }

    public DriftRule rule() {
        return rule;
    }

    public DriftDecision decision() {
        return decision;
    }
}
