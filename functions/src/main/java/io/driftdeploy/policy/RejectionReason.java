package io.driftdeploy.policy;

/**
 * Why a function rejected an event before doing anything (no AWS call, no ledger write): the
 * label results, notifications and logs carry, with how urgently the team hears of it.
 */
public enum RejectionReason implements Reason {
    /** A field breaks what AWS allows for it, or the event is not the shape the function takes. */
    INVALID_EVENT(Severity.WARNING),
    /**
     * The event names an account the function does not act in: neither its own
     * ({@code DRIFT_DEPLOY_ACCOUNT_ID}) nor a member account (docs/organization.md). Whoever sent it
     * could invoke the function, so it is told as high.
     */
    FOREIGN_ACCOUNT(Severity.HIGH);

    private final Severity severity;

    RejectionReason(Severity severity) {
        this.severity = severity;
    }

    public Severity severity() {
        return severity;
    }

    @Override
    public String toString() {
        return label();
    }
}
