package io.driftdeploy.message;

import io.driftdeploy.config.Mode;
import io.driftdeploy.config.ReplacementStrategy;
import io.driftdeploy.policy.ChurnBreaker;
import io.driftdeploy.policy.ClearedReason;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DriftCase;
import io.driftdeploy.policy.DriftDecision;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.RateScope;
import io.driftdeploy.policy.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a drift decision, or a drift storm, into the one {@link Report} its result, audit record,
 * log line and notification are written from.
 */
public final class DriftReports {

    public static final String FUNCTION = "drift";
    public static final String DRIFT_KIND = "drift";
    public static final String STORM_KIND = "storm";
    public static final String CLI_FUNCTION = "cli";

    private DriftReports() {
    }

    /**
     * @param details facts only this outcome has (e.g. the Auto Scaling activity id), appended
     *                after the case's facts
     */
    public static Report decision(DriftCase drift, DriftReason reason, List<String> actions, Map<String, Object> details) {
        Evaluation evaluation = drift.evaluation();
        Map<String, Object> facts = caseFacts(drift);
        facts.put("safetyRule", reason.rule().number() + " " + reason.rule().label());
        boolean surge = surges(reason, details);
        facts.put("explanation", explanation(reason, surge));
        if (drift.mode() == Mode.DRY_RUN) {
            // Dry run reports exactly what enforce would do.
            facts.put("enforceWouldDo", enforceWouldDo(reason).decision().label());
        }
        facts.putAll(details);
        Decision decision = reason.decision().decision();
        Optional<Notification> notification = reason == DriftReason.DUPLICATE_EVENT
                // The first delivery already told the team; a duplicate is audited and logged only.
                ? Optional.empty()
                : Optional.of(new Notification(DRIFT_KIND, severity(reason), drift.app(), drift.group(),
                        subject(drift, reason, surge), summary(drift, reason, surge, facts)));
        return new Report(FUNCTION, evaluation.eventId(), evaluation.instanceId(), decision, reason,
                Optional.of(drift.mode()), actions, facts, notification);
    }

    /**
     * The one alert of a drift storm: the rate guard tripped, remediation in {@code scopeName}
     * pauses until the window ends. A storm usually means a bad rule or baseline, not that many
     * bad servers, so it is high severity.
     */
    public static Report storm(DriftCase drift, RateScope scope, String scopeName, int limit,
                               Instant windowStart, Instant windowEnd) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("scope", scope.label());
        facts.put(scope.label(), scopeName);
        facts.put("limit", limit);
        facts.put("windowStart", windowStart.toString());
        facts.put("windowEnd", windowEnd.toString());
        facts.put("trippedBy", caseFacts(drift));
        String subject = "drift-deploy: drift storm in " + scope.label() + " " + scopeName + ", remediation paused";
        String summary = "Drift storm: more than " + limit + " drifted instances in " + scope.label() + " " + scopeName
                + " would be terminated within one window; remediation is paused until " + windowEnd
                + ". A storm usually means a bad rule or baseline, not that many bad servers: check the drift rules.";
        Evaluation evaluation = drift.evaluation();
        Notification notification = new Notification(STORM_KIND, Severity.HIGH, drift.app(),
                scope == RateScope.GROUP ? Optional.of(scopeName) : Optional.empty(), subject, summary);
        return new Report(FUNCTION, evaluation.eventId(), scope.label() + ":" + scopeName, Decision.PAUSE,
                scope.reason(), Optional.of(drift.mode()), List.of(), facts, Optional.of(notification));
    }

    private static Map<String, Object> caseFacts(DriftCase drift) {
        Evaluation evaluation = drift.evaluation();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("account", evaluation.account());
        facts.put("region", evaluation.region());
        facts.put("rule", evaluation.ruleName());
        facts.put("resourceType", evaluation.resourceType());
        facts.put("instance", evaluation.instanceId());
        drift.group().ifPresent(group -> facts.put("group", group));
        drift.app().ifPresent(app -> facts.put("app", app));
        facts.put("compliance", evaluation.compliance().name());
        facts.put("orderingTimestamp", evaluation.orderingTimestamp().toString());
        return facts;
    }

    /**
     * A person cleared a churn breaker (drift-deploy resume): audited, and announced, since the
     * team was told when it opened and remediation of the rule in the group starts again.
     */
    public static Report breakerCleared(String account, String group, String rule, ChurnBreaker.Breaker breaker, Instant at) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("account", account);
        facts.put("group", group);
        facts.put("rule", rule);
        facts.put("breakerOpenedAt", breaker.openedAt().toString());
        facts.put("breakerOpenedBy", breaker.instanceId());
        facts.put("clearedAt", at.toString());
        Notification notification = new Notification(DRIFT_KIND, Severity.INFO, Optional.empty(), Optional.of(group),
                "drift-deploy: resumed " + group + ", churn breaker for " + rule + " cleared",
                "A person cleared the churn breaker for AWS Config rule " + rule + " in group " + group + " (opened at "
                        + breaker.openedAt() + " by " + breaker.instanceId() + ") at " + at + " with drift-deploy resume:"
                        + " drift-deploy remediates the rule in the group again.");
        return new Report(CLI_FUNCTION, "clear-breaker#" + group + "#" + rule + "#" + breaker.openedAt().toEpochMilli(),
                group, Decision.CLEAR, ClearedReason.BREAKER_CLEARED, Optional.empty(),
                List.of("DeleteItem CHURN#" + group + "#" + rule + " BREAKER"), facts, Optional.of(notification));
    }

    private static DriftDecision enforceWouldDo(DriftReason reason) {
        return switch (reason) {
            case DRY_RUN -> DriftDecision.TERMINATE;
            case DRY_RUN_QUARANTINE -> DriftDecision.QUARANTINE;
            default -> reason.decision();
        };
    }

    private static Severity severity(DriftReason reason) {
        if (reason == DriftReason.REPLACEMENT_DID_NOT_CURE) {
            // Churn: remediation of a rule stopped for a whole group until a person acts.
            return Severity.HIGH;
        }
        return switch (reason.decision()) {
            case TERMINATE, QUARANTINE -> Severity.WARNING;
            // Dry run is the expected outcome while observing; every other unremediated drift needs a person.
            case NOTIFY -> reason == DriftReason.DRY_RUN || reason == DriftReason.DRY_RUN_QUARANTINE ? Severity.INFO : Severity.WARNING;
            case SKIP -> Severity.LOW;
        };
    }

    /** Whether the decision replaces (or in dry run would replace) the instance by a surge. */
    private static boolean surges(DriftReason reason, Map<String, Object> facts) {
        return (reason == DriftReason.DRIFT_CONFIRMED || reason == DriftReason.DRY_RUN)
                && ReplacementStrategy.SURGE.label().equals(facts.get("replacement"));
    }

    private static String subject(DriftCase drift, DriftReason reason, boolean surge) {
        String where = drift.instanceId() + drift.group().map(group -> " in " + group).orElse("");
        String replace = surge ? "surge-replace" : "terminate";
        return switch (reason.decision()) {
            case TERMINATE -> "drift-deploy: " + (surge ? "surge-replacing" : "terminated") + " drifted " + where;
            case QUARANTINE -> "drift-deploy: quarantined drifted " + where;
            case NOTIFY -> switch (reason) {
                case DRY_RUN -> "drift-deploy: dry-run, would " + replace + " drifted " + where;
                case DRY_RUN_QUARANTINE -> "drift-deploy: dry-run, would quarantine drifted " + where;
                case REPLACEMENT_DID_NOT_CURE -> "drift-deploy: churn on " + where + ", remediation of "
                        + drift.evaluation().ruleName() + " stopped";
                case REPLACEMENT_WOULD_NOT_CURE -> "drift-deploy: replacement would not cure drift on " + where;
                case EVALUATION_FROM_THE_FUTURE, EVALUATION_TOO_OLD, NO_EVALUATION_ON_RECORD ->
                        "drift-deploy: untrusted drift event for " + where + " refused (" + reason.label() + ")";
                default -> "drift-deploy: drift on " + where + " not remediated (" + reason.label() + ")";
            };
            case SKIP -> "drift-deploy: skipped " + where + " (" + reason.label() + ")";
        };
    }

    private static String explanation(DriftReason reason, boolean surge) {
        return surge && reason == DriftReason.DRIFT_CONFIRMED ? DriftExplanations.SURGE_CONFIRMED : DriftExplanations.of(reason);
    }

    private static String summary(DriftCase drift, DriftReason reason, boolean surge, Map<String, Object> facts) {
        Evaluation evaluation = drift.evaluation();
        String lead = switch (reason.decision()) {
            case TERMINATE -> surge ? "Surge-replacing " : "Terminated ";
            case QUARANTINE -> "Quarantined ";
            case NOTIFY -> switch (reason) {
                case DRY_RUN -> surge ? "Dry run: would surge-replace " : "Dry run: would terminate ";
                case DRY_RUN_QUARANTINE -> "Dry run: would quarantine ";
                default -> "Did not remediate ";
            };
            case SKIP -> "Skipped ";
        };
        return lead + evaluation.instanceId() + drift.group().map(group -> " (group " + group + ")").orElse("")
                + ": " + claim(reason, evaluation) + "; " + explanation(reason, surge) + " [rule " + reason.rule().number() + ", " + drift.mode().label() + "]."
                + action(facts) + (surge ? " Surge: the instance is marked Unhealthy, and its group's instance maintenance"
                + " policy launches the replacement and terminates the instance only once the replacement is InService." : "");
    }

    /**
     * What the evaluation says. When AWS Config does not back it (no result on record, a time no
     * genuine evaluation has) it is only what the event claimed, and the summary says so and who to
     * ask: whoever can invoke the function or route events to it.
     */
    private static String claim(DriftReason reason, Evaluation evaluation) {
        String evaluated = "AWS Config rule " + evaluation.ruleName() + " evaluated it " + evaluation.compliance().name();
        return switch (reason) {
            case EVALUATION_FROM_THE_FUTURE, EVALUATION_TOO_OLD, NO_EVALUATION_ON_RECORD -> "event " + evaluation.eventId()
                    + " claims " + evaluated + " at " + evaluation.orderingTimestamp()
                    + " (check who invoked the function or routed the event to it)";
            default -> evaluated;
        };
    }

    /** What a person has to do, when the facts say (rule 9). */
    private static String action(Map<String, Object> facts) {
        StringBuilder action = new StringBuilder();
        if (facts.containsKey("fix")) {
            action.append(" To fix: ").append(facts.get("fix")).append('.');
        }
        if (facts.containsKey("replaces")) {
            action.append(" It replaced ").append(facts.get("replaces")).append(", terminated at ").append(facts.get("replacedAt"))
                    .append(": fix the launch template or image, then clear the breaker.");
        }
        if (facts.containsKey("budgetDetail")) {
            action.append(" Budget: ").append(facts.get("budgetDetail")).append('.');
        }
        if (facts.containsKey("clearWith")) {
            action.append(" Clear with: ").append(facts.get("clearWith")).append('.');
        }
        return action.toString();
    }
}
