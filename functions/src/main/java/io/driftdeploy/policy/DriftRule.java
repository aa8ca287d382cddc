package io.driftdeploy.policy;

/**
 * The safety rules of drift remediation, numbered as the drift table of
 * docs/safety-rules.md numbers them. A termination happens only when every one holds; {@link DriftReason} says which
 * one did not. Rule 9 came last and keeps the numbers of the others: it is applied after the
 * cheap checks of rules 4 to 6 and before anything is reserved in the ledger.
 */
public enum DriftRule implements Labelled {
    DRIFT_EVALUATION(1),
    NOT_DUPLICATE(2),
    FRESH_AND_STILL_TRUE(3),
    OPTED_IN_GROUP(4),
    NOT_PROTECTED(5),
    CAPACITY_GUARD(6),
    RATE_GUARD(7),
    MODE(8),
    /** The group's replacement would not carry the offending property, and drift-deploy's last replacement did not. */
    REPLACEMENT_CURES(9);

    private final int number;

    DriftRule(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
