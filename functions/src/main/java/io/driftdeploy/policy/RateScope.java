package io.driftdeploy.policy;

/** What a rate-guard limit counts terminations over. */
public enum RateScope implements Labelled {
    GROUP(DriftReason.GROUP_RATE_LIMIT),
    ACCOUNT(DriftReason.ACCOUNT_RATE_LIMIT),
    /** Every account the functions act in together, counted under the functions' own account id. */
    ORGANIZATION(DriftReason.ORGANIZATION_RATE_LIMIT);

    private final DriftReason reason;

    RateScope(DriftReason reason) {
        this.reason = reason;
    }

    /** The reason a decision gives when this scope's limit stops it. */
    public DriftReason reason() {
        return reason;
    }
}
