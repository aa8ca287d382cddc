package io.driftdeploy.message;

import io.driftdeploy.policy.DriftCase;
import io.driftdeploy.policy.QuarantinePolicy;
import io.driftdeploy.policy.QuarantineReason;
import io.driftdeploy.policy.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reports of a quarantine after its drift decision (docs/quarantine.md): one that stopped part
 * way, and the retention sweep's decisions. The decision that quarantines is a drift report
 * ({@link DriftReports#decision}).
 */
public final class QuarantineReports {

    public static final String KIND = "quarantine";
    /** The retention sweep's function name in audit records and logs. */
    public static final String SWEEP_FUNCTION = "quarantine-sweep";

    private QuarantineReports() {
    }

    /**
     * A quarantine that stopped at {@code failedStep}: what was done, what failed, and whether the
     * instance is isolated already (then it is out of service whatever happens next).
     */
    public static Report incomplete(DriftCase drift, String failedStep, List<String> done, boolean isolated, String error) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("instance", drift.instanceId());
        drift.group().ifPresent(group -> facts.put("group", group));
        drift.app().ifPresent(app -> facts.put("app", app));
        facts.put("auditId", drift.evaluation().eventId());
        facts.put("failedStep", failedStep);
        facts.put("stepsDone", List.copyOf(done));
        facts.put("isolated", isolated);
        facts.put("error", error);
        String where = drift.instanceId() + drift.group().map(group -> " in " + group).orElse("");
        String summary = "Quarantine of " + where + " stopped at step " + failedStep + " (" + error + "). "
                + (isolated ? "The instance is isolated (quarantine security group only), so it serves no traffic. "
                        : "No step that takes it out of service was done yet. ")
                + "The event's retry resumes from the instance's " + QuarantinePolicy.MARKER_TAG + " tag; if it does not, "
                + "replay event " + drift.evaluation().eventId() + ".";
        Notification notification = new Notification(KIND, Severity.HIGH, drift.app(), drift.group(),
                "drift-deploy: quarantine of " + where + " incomplete at " + failedStep, summary);
        return new Report(DriftReports.FUNCTION, drift.evaluation().eventId(), drift.instanceId(), QuarantineReason.QUARANTINE_INCOMPLETE.decision(),
                QuarantineReason.QUARANTINE_INCOMPLETE, Optional.of(drift.mode()), List.of(), facts, Optional.of(notification));
    }

    /**
     * The retention sweep's decision on one quarantined instance of {@code account}; {@code actions} is what it did.
     */
    public static Report expiry(String sweepId, String account, String instanceId, Map<String, String> tags,
                                QuarantineReason reason, List<String> actions, Map<String, Object> details) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("account", account);
        facts.put("instance", instanceId);
        Optional<String> group = Optional.ofNullable(tags.get(QuarantinePolicy.GROUP_TAG));
        group.ifPresent(name -> facts.put("group", name));
        Optional.ofNullable(tags.get(QuarantinePolicy.MARKER_TAG)).ifPresent(id -> facts.put("auditId", id));
        facts.putAll(details);
        String where = instanceId + group.map(name -> " (quarantined from " + name + ")").orElse("");
        Optional<Notification> notification = switch (reason) {
            case RETENTION_ENDED -> Optional.of(new Notification(KIND, Severity.INFO, Optional.empty(), group,
                    "drift-deploy: quarantine of " + instanceId + " ended, terminated",
                    "Terminated " + where + ": its quarantine retention ended " + details.get("until")
                            + " and nobody set the keep tag. Its snapshots are kept."));
            case INVALID_RETENTION_TAG -> Optional.of(new Notification(KIND, Severity.WARNING, Optional.empty(), group,
                    "drift-deploy: quarantined " + instanceId + " has an unreadable retention tag",
                    "Did not terminate " + where + ": its " + QuarantinePolicy.UNTIL_TAG + " tag holds '" + details.get("value")
                            + "', which is not an ISO-8601 instant. Fix the tag, or set the keep tag to keep it."));
            case QUARANTINE_INCOMPLETE -> Optional.empty();
        };
        return new Report(SWEEP_FUNCTION, sweepId, instanceId, reason.decision(), reason, Optional.empty(), actions, facts,
                notification);
    }
}
