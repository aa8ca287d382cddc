package io.driftdeploy.message;

import io.driftdeploy.event.AlarmState;
import io.driftdeploy.event.AlarmStateChange;
import io.driftdeploy.event.MetricTrigger;
import io.driftdeploy.policy.AlarmDefinition;
import io.driftdeploy.policy.AlarmReason;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.GuardedRefresh;
import io.driftdeploy.policy.Reason;
import io.driftdeploy.policy.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the alarms function tells the team about an alarm state change: which alarm, from which
 * state to which, why, what it watches, when, and a console link, so the reader can act without
 * looking anything up. Recovery is said as such; missing data is low severity.
 */
public final class AlarmNotice {

    public static final String FUNCTION = "alarms";
    public static final String ALARM_KIND = "alarm";

    private AlarmNotice() {
    }

    /** An alarm that is neither the drift alarm going to ALARM nor guarding a running refresh. */
    public static Report stateChange(AlarmStateChange change, Optional<AlarmDefinition> definition) {
        Map<String, Object> facts = facts(change, definition);
        String summary = headline(change) + " " + condition(change, definition).map(text -> "Watches " + text + ". ").orElse("")
                + "Reason: " + change.reason() + " Console: " + ConsoleLink.alarm(change.region(), change.alarmName());
        Notification notification = new Notification(ALARM_KIND, severity(change.newState()),
                Optional.empty(), Optional.empty(), subject(change), summary);
        return report(change, Decision.NOTIFY, AlarmReason.ALARM_STATE_CHANGE, facts, Optional.of(notification));
    }

    /**
     * A rollout guard alarm went to ALARM while refreshes it guards run. AWS fails each refresh
     * and, with AutoRollback, rolls the group back; drift-deploy does not race it, it says which
     * group, refresh and image are affected.
     */
    public static Report rolloutGuard(AlarmStateChange change, Optional<AlarmDefinition> definition,
                                      List<GuardedRefresh> refreshes) {
        if (refreshes.isEmpty()) {
            throw new IllegalArgumentException("a rollout guard notice needs at least one guarded refresh");
        }
        Map<String, Object> facts = facts(change, definition);
        facts.put("refreshes", refreshes.stream().map(AlarmNotice::refreshFacts).toList());
        Optional<String> group = refreshes.size() == 1 ? Optional.of(refreshes.getFirst().group()) : Optional.empty();
        List<String> apps = refreshes.stream().map(GuardedRefresh::app).flatMap(Optional::stream).distinct().toList();
        Optional<String> app = apps.size() == 1 ? Optional.of(apps.getFirst()) : Optional.empty();
        String subject = "drift-deploy: rollout guard " + change.alarmName() + " in ALARM on "
                + group.orElse(refreshes.size() + " groups");
        String summary = "Rollout guard alarm " + change.alarmName() + " went " + transition(change) + " at "
                + change.stateChangeTime() + " while " + refreshes.stream().map(AlarmNotice::describe)
                .collect(Collectors.joining("; "))
                + ". AWS fails the refresh and, with auto rollback, restores the previous launch template; "
                + "drift-deploy does not act. Reason: " + change.reason()
                + " Console: " + ConsoleLink.alarm(change.region(), change.alarmName());
        Notification notification = new Notification(ALARM_KIND, Severity.HIGH, app, group, subject, summary);
        return report(change, Decision.NOTIFY, AlarmReason.ROLLOUT_GUARD_ALARM, facts, Optional.of(notification));
    }

    /**
     * What makes two deliveries one state change: EventBridge and SNS each deliver at least once,
     * and an alarm may reach the function both ways (an EventBridge rule and an SNS action). Both
     * carry the alarm's state timestamp, so the change is acted on once whichever comes first.
     */
    public static String stateChangeId(AlarmStateChange change) {
        return change.account() + ":" + change.region() + ":" + change.alarmName() + ":" + change.newState().name()
                + "@" + change.stateChangeTime();
    }

    /** The same state change again: audited and logged, not told again. */
    public static Report duplicate(AlarmStateChange change) {
        return report(change, Decision.SKIP, AlarmReason.DUPLICATE_EVENT, facts(change, Optional.empty()), Optional.empty());
    }

    /** Every fact of the state change, in a stable order. */
    static Map<String, Object> facts(AlarmStateChange change, Optional<AlarmDefinition> definition) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("account", change.account());
        facts.put("region", change.region());
        facts.put("alarm", change.alarmName());
        change.alarmArn().ifPresent(arn -> facts.put("alarmArn", arn));
        facts.put("delivery", change.delivery().name().toLowerCase(Locale.ROOT));
        facts.put("previousState", change.previousState().name());
        facts.put("newState", change.newState().name());
        facts.put("stateChangeTime", change.stateChangeTime().toString());
        facts.put("stateReason", change.reason());
        change.metric().ifPresent(metric -> {
            facts.put("namespace", metric.namespace());
            facts.put("metric", metric.metricName());
            if (!metric.dimensions().isEmpty()) {
                facts.put("dimensions", new TreeMap<>(metric.dimensions()));
            }
            metric.statistic().ifPresent(statistic -> facts.put("statistic", statistic));
            metric.periodSeconds().ifPresent(period -> facts.put("periodSeconds", period));
        });
        comparisonOperator(change, definition).ifPresent(operator -> facts.put("comparisonOperator", operator));
        threshold(change, definition).ifPresent(threshold -> facts.put("threshold", threshold));
        compositeRule(change, definition).ifPresent(rule -> facts.put("alarmRule", rule));
        condition(change, definition).ifPresent(condition -> facts.put("condition", condition));
        definition.flatMap(AlarmDefinition::description).ifPresent(description -> facts.put("description", description));
        facts.put("console", ConsoleLink.alarm(change.region(), change.alarmName()));
        return facts;
    }

    /**
     * What the alarm watches, in words: "NonCompliantResourceCount (AWS/Config) Average > 0 over
     * 1 x 300 s", or a composite alarm's rule. Empty when neither the event nor the definition says.
     */
    static Optional<String> condition(AlarmStateChange change, Optional<AlarmDefinition> definition) {
        Optional<String> rule = compositeRule(change, definition);
        if (rule.isPresent()) {
            return Optional.of("composite rule " + rule.get());
        }
        return change.metric().map(metric -> {
            StringBuilder text = new StringBuilder(metric.metricName()).append(" (").append(metric.namespace());
            metric.dimensions().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(dimension -> text.append(", ").append(dimension.getKey()).append('=').append(dimension.getValue()));
            text.append(')');
            metric.statistic().ifPresent(statistic -> text.append(' ').append(statistic));
            Optional<String> operator = comparisonOperator(change, definition);
            OptionalDouble threshold = threshold(change, definition);
            if (threshold.isPresent()) {
                text.append(' ').append(operator.map(AlarmNotice::symbol).orElse("vs threshold"))
                        .append(' ').append(number(threshold.getAsDouble()));
            } else {
                operator.ifPresent(known -> text.append(' ').append(known));
            }
            metric.periodSeconds().ifPresent(period -> {
                text.append(" over ");
                definition.map(AlarmDefinition::evaluationPeriods).filter(OptionalInt::isPresent)
                        .ifPresent(periods -> text.append(periods.getAsInt()).append(" x "));
                text.append(period).append(" s");
            });
            return text.toString();
        });
    }

    static String transition(AlarmStateChange change) {
        return change.previousState().name() + " -> " + change.newState().name();
    }

    private static String headline(AlarmStateChange change) {
        String at = " at " + change.stateChangeTime() + ".";
        return switch (change.newState()) {
            case ALARM -> "Alarm " + change.alarmName() + " went " + transition(change) + at;
            case OK -> "Alarm " + change.alarmName() + " recovered: " + transition(change) + at;
            case INSUFFICIENT_DATA -> "Alarm " + change.alarmName() + " has insufficient data: " + transition(change) + at;
        };
    }

    private static String subject(AlarmStateChange change) {
        return switch (change.newState()) {
            case ALARM -> "drift-deploy: ALARM " + change.alarmName();
            case OK -> "drift-deploy: recovered (OK) " + change.alarmName();
            case INSUFFICIENT_DATA -> "drift-deploy: insufficient data " + change.alarmName();
        };
    }

    /** An alarm firing needs a person; a recovery is news; missing data rarely needs anyone. */
    static Severity severity(AlarmState state) {
        return switch (state) {
            case ALARM -> Severity.WARNING;
            case OK -> Severity.INFO;
            case INSUFFICIENT_DATA -> Severity.LOW;
        };
    }

    /** The SNS delivery carries the operator; for EventBridge only the alarm's definition has it. */
    private static Optional<String> comparisonOperator(AlarmStateChange change, Optional<AlarmDefinition> definition) {
        return change.metric().flatMap(MetricTrigger::comparisonOperator)
                .or(() -> definition.flatMap(AlarmDefinition::comparisonOperator));
    }

    private static OptionalDouble threshold(AlarmStateChange change, Optional<AlarmDefinition> definition) {
        OptionalDouble fromEvent = change.metric().map(MetricTrigger::threshold).orElse(OptionalDouble.empty());
        return fromEvent.isPresent() ? fromEvent : definition.map(AlarmDefinition::threshold).orElse(OptionalDouble.empty());
    }

    private static Optional<String> compositeRule(AlarmStateChange change, Optional<AlarmDefinition> definition) {
        return change.compositeRule().or(() -> definition.flatMap(AlarmDefinition::alarmRule));
    }

    private static String symbol(String comparisonOperator) {
        return switch (comparisonOperator) {
            case "GreaterThanThreshold" -> ">";
            case "GreaterThanOrEqualToThreshold" -> ">=";
            case "LessThanThreshold" -> "<";
            case "LessThanOrEqualToThreshold" -> "<=";
            default -> comparisonOperator;
        };
    }

    /** 0.0 reads as 0, 99.5 as 99.5. */
    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    private static Map<String, Object> refreshFacts(GuardedRefresh refresh) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("group", refresh.group());
        refresh.app().ifPresent(app -> facts.put("app", app));
        facts.put("refreshId", refresh.refreshId());
        facts.put("status", refresh.status());
        refresh.percentageComplete().ifPresent(percent -> facts.put("percentageComplete", percent));
        refresh.startTime().ifPresent(start -> facts.put("startTime", start.toString()));
        refresh.imageId().ifPresent(image -> facts.put("image", image));
        refresh.launchTemplate().ifPresent(template -> facts.put("launchTemplate", template));
        refresh.launchTemplateVersion().ifPresent(version -> facts.put("launchTemplateVersion", version));
        return facts;
    }

    private static String describe(GuardedRefresh refresh) {
        return "refresh " + refresh.refreshId() + " (" + refresh.status()
                + refresh.percentageComplete().stream().mapToObj(percent -> ", " + percent + "% done").findFirst().orElse("")
                + ") on group " + refresh.group() + " rolls out image " + refresh.imageId().orElse("(unknown)")
                + refresh.launchTemplateVersion().map(version -> " (launch template " + refresh.launchTemplate().orElse("?")
                        + " version " + version + ")").orElse("");
    }

    private static Report report(AlarmStateChange change, Decision decision, Reason reason, Map<String, Object> facts,
                                 Optional<Notification> notification) {
        return new Report(FUNCTION, change.eventId(), change.alarmName(), decision, reason, Optional.empty(), List.of(),
                facts, notification);
    }
}
