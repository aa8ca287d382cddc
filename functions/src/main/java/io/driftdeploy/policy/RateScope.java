package io.driftdeploy.policy;

/** What a rate-guard limit counts terminations over. */
public enum RateScope {
    GROUP("group", DriftReason.GROUP_RATE_LIMIT),
    ACCOUNT("account", DriftReason.ACCOUNT_RATE_LIMIT);

    private final String label;
    private final DriftReason reason;

    RateScope(String label, DriftReason reason) {
        this.label = label;
        this.reason = reason;
    }

    public String label() {
        return label;
    }

    /** The reason a decision gives when this scope's limit stops it. */
    public DriftReason reason() {
        return reason;
    }
}
