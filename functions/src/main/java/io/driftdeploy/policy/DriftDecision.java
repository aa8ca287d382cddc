package io.driftdeploy.policy;

/** What the drift function does about one evaluation. */
public enum DriftDecision {
    /** Terminate the instance through its Auto Scaling group, which launches a clean replacement. */
    TERMINATE(Decision.TERMINATE),
    /** Isolate it, snapshot its volumes and detach it from its group, which launches a clean replacement. */
    QUARANTINE(Decision.QUARANTINE),
    /** Drift that is not remediated (or only would be, in dry-run): the team must know. */
    NOTIFY(Decision.NOTIFY),
    /** Nothing to remediate: not drift, no longer drift, or already handled. */
    SKIP(Decision.SKIP);

    private final Decision decision;

    DriftDecision(Decision decision) {
        this.decision = decision;
    }

    /** The decision as the drift function reports it. */
    public Decision decision() {
        return decision;
    }
}
