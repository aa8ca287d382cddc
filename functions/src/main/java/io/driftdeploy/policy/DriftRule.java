package io.driftdeploy.policy;

/**
 * The safety rules of drift remediation, numbered as the drift table of
 * docs/safety-rules.md numbers them. A termination happens only when every one holds; {@link DriftReason} says which
 * one did not. Rule 9 came last and keeps the numbers of the others: it is applied after the
 * cheap checks of rules 4 to 6 and before anything is reserved in the ledger.
 */
public enum DriftRule {
    DRIFT_EVALUATION(1, "drift-evaluation"),
    NOT_DUPLICATE(2, "not-duplicate"),
    FRESH_AND_STILL_TRUE(3, "fresh-and-still-true"),
    OPTED_IN_GROUP(4, "opted-in-group"),
    NOT_PROTECTED(5, "not-protected"),
    CAPACITY_GUARD(6, "capacity-guard"),
    RATE_GUARD(7, "rate-guard"),
    MODE(8, "mode"),
    /** The group's replacement would not carry the offending property, and drift-deploy's last replacement did not. */
    REPLACEMENT_CURES(9, "replacement-cures");

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
