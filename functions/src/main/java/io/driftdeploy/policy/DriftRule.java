package io.driftdeploy.policy;

/**
 * The eight safety rules of DESIGN.md "Safety rules — drift", in the order a decision applies
 * them. A termination happens only when every one holds; {@link DriftReason} says which one did not.
 */
public enum DriftRule {
    DRIFT_EVALUATION(1, "drift-evaluation"),
    NOT_DUPLICATE(2, "not-duplicate"),
    FRESH_AND_STILL_TRUE(3, "fresh-and-still-true"),
    OPTED_IN_GROUP(4, "opted-in-group"),
    NOT_PROTECTED(5, "not-protected"),
    CAPACITY_GUARD(6, "capacity-guard"),
    RATE_GUARD(7, "rate-guard"),
    MODE(8, "mode");

    private final int number;
    private final String label;

    DriftRule(int number, String label) {
        this.number = number;
        this.label = label;
    }

    public int number() {
        return number;
    }

    public String label() {
        return label;
    }
}
