package io.driftdeploy.policy;

/** What the drift function does about one evaluation. */
public enum DriftDecision implements Labelled {
    /** Terminate the instance through its Auto Scaling group, which launches a clean replacement. */
    TERMINATE,
    /** Drift that is not remediated (or only would be, in dry-run): the team must know. */
    NOTIFY,
    /** Nothing to remediate: not drift, no longer drift, or already handled. */
    SKIP
}
