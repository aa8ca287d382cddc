package io.driftdeploy.policy;

/**
 * What happened to a quarantined instance after the drift decision that quarantined it: a quarantine
 * that stopped part way, and what the retention sweep decided (docs/quarantine.md). Instances still
 * within their retention are counted, not reported one by one.
 */
public enum QuarantineReason implements Reason {
    /**
     * A quarantine stopped part way (an AWS call failed); the steps done stay done, and the retry
     * resumes from the instance's marker. Announced at high severity: a person may need to look.
     */
    QUARANTINE_INCOMPLETE(Decision.QUARANTINE),
    /** The retention ended and no person kept it: terminated. */
    RETENTION_ENDED(Decision.TERMINATE),
    /** The instance's retention tag cannot be read: left as it is, and the team is told to fix the tag. */
    INVALID_RETENTION_TAG(Decision.NOTIFY);

    private final Decision decision;

    QuarantineReason(Decision decision) {
        this.decision = decision;
    }

    public Decision decision() {
        return decision;
    }
}
