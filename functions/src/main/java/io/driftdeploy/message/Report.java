package io.driftdeploy.message;

import io.driftdeploy.config.Mode;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.Reason;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a function says about one decision, acted on or not: the handler's JSON result, the
 * audit record, the log line and the notification are all written from this one value.
 *
 * @param subject  what the decision is about, for the audit trail's key (an instance id, a group
 *                 name, an image id, an alarm name)
 * @param decision what was done, or would be in enforce mode
 * @param reason   the rule that decided
 * @param actions  what was done to AWS (empty when nothing was, e.g. in dry-run)
 * @param facts    the facts of the case, in a stable order; never anything secret
 * @param notification what to tell the team, if anything
 */
public record Report(
        String function,
        String eventId,
        String subject,
        Decision decision,
        Reason reason,
        Optional<Mode> mode,
        List<String> actions,
        Map<String, Object> facts,
        Optional<Notification> notification) {

    public Report {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(reason, "reason");
        actions = List.copyOf(actions);
        facts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(facts));
    }

    /** The same report, audited and logged but not announced (someone else tells the team). */
    public Report withoutNotification() {
        return new Report(function, eventId, subject, decision, reason, mode, actions, facts, Optional.empty());
    }
}
