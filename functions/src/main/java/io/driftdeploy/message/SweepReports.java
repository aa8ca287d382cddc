package io.driftdeploy.message;

import io.driftdeploy.config.Mode;
import io.driftdeploy.event.AlarmStateChange;
import io.driftdeploy.policy.AlarmDefinition;
import io.driftdeploy.policy.AlarmReason;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DriftDecision;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one notification that sums up a drift sweep: the drift alarm fired, every non-compliant
 * instance of the drift rules went through the drift path, and this is what came of it — found,
 * terminated, and not terminated by the reason (the safety rule) that stopped each.
 */
public final class SweepReports {

    public static final String SWEEP_KIND = "sweep";

    /** The scheduled sweep's function, which lists and decides from its queue (docs/sweep.md). */
    public static final String FUNCTION = "sweep";

    private SweepReports() {
    }

    /**
     * What the drift path decided on one swept instance.
     *
     * @param rule   the drift rule whose evaluation was decided on (the last one tried)
     * @param reason the safety rule that decided, which fixes the decision
     */
    public record SweptInstance(String instanceId, Optional<String> group, String rule, DriftReason reason,
                                List<String> actions) {
        public SweptInstance {
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(reason, "reason");
            actions = List.copyOf(actions);
        }

        /** Taken out of service: terminated, or quarantined. */
        boolean terminated() {
            return reason.decision() == DriftDecision.TERMINATE || reason.decision() == DriftDecision.QUARANTINE;
        }

        /** Drift left in place that a person has to look at (dry run and skips do not need one). */
        boolean leftForAPerson() {
            return reason.decision() == DriftDecision.NOTIFY && reason != DriftReason.DRY_RUN
                    && reason != DriftReason.DRY_RUN_QUARANTINE;
        }

        String where() {
            return instanceId + group.map(name -> " in " + name).orElse("");
        }
    }

    /**
     * @param mode         the global mode
     * @param modeForced   whether a person forced it (a dry run no group tag overrides)
     * @param rules        the drift rules swept
     * @param missingRules configured drift rules AWS Config does not know in this region
     * @param swept        one entry per distinct non-compliant instance, in the order swept
     */
    public static Report summary(AlarmStateChange change, Optional<AlarmDefinition> definition, Mode mode,
                                 boolean modeForced, List<String> rules, List<String> missingRules,
                                 List<SweptInstance> swept) {
        List<SweptInstance> terminated = swept.stream().filter(SweptInstance::terminated).toList();
        Map<DriftReason, List<SweptInstance>> notTerminated = swept.stream().filter(instance -> !instance.terminated())
                .collect(Collectors.groupingBy(SweptInstance::reason, LinkedHashMap::new, Collectors.toList()));

        Map<String, Object> facts = AlarmNotice.facts(change, definition);
        facts.put("mode", mode.label());
        if (modeForced) {
            facts.put("modeForced", true);
        }
        facts.put("rules", rules);
        if (!missingRules.isEmpty()) {
            facts.put("missingRules", missingRules);
        }
        facts.put("found", swept.size());
        facts.put("terminated", terminated.size());
        Map<String, Integer> counts = new LinkedHashMap<>();
        notTerminated.forEach((reason, instances) -> counts.put(reason.label(), instances.size()));
        facts.put("notTerminated", counts);
        facts.put("instances", swept.stream().map(SweepReports::instanceFacts).toList());

        String subject = "drift-deploy: drift sweep (" + change.alarmName() + "): " + swept.size() + " found, "
                + terminated.size() + " terminated";
        StringBuilder summary = new StringBuilder("Drift alarm ").append(change.alarmName()).append(" went ")
                .append(AlarmNotice.transition(change)).append(" at ").append(change.stateChangeTime())
                .append("; the sweep of AWS Config rule").append(rules.size() == 1 ? " " : "s ")
                .append(rules.isEmpty() ? "(none found)" : String.join(", ", rules))
                .append(" found ").append(swept.size()).append(" non-compliant instance").append(swept.size() == 1 ? "" : "s");
        if (!swept.isEmpty()) {
            summary.append(": ").append(terminated.size()).append(" terminated")
                    .append(list(terminated));
            notTerminated.forEach((reason, instances) -> summary.append(", ").append(instances.size())
                    .append(" not terminated (").append(reason.label()).append(')').append(list(instances)));
        }
        summary.append(". Mode ").append(mode.label())
                .append(modeForced ? " (forced: no group's mode tag overrides it)." : " (a group's mode tag overrides it).");
        if (!missingRules.isEmpty()) {
            summary.append(" Configured drift rules AWS Config does not know here: ").append(String.join(", ", missingRules))
                    .append('.');
        }
        summary.append(" Console: ").append(ConsoleLink.alarm(change.region(), change.alarmName()));

        boolean needsAPerson = !missingRules.isEmpty() || swept.stream().anyMatch(SweptInstance::leftForAPerson);
        Notification notification = new Notification(SWEEP_KIND,
                needsAPerson ? Severity.WARNING : Severity.INFO,
                Optional.empty(), Optional.empty(), subject, summary.toString());
        List<String> actions = swept.stream().flatMap(instance -> instance.actions().stream()).toList();
        return new Report(AlarmNotice.FUNCTION, change.eventId(), change.alarmName(), Decision.SWEEP, AlarmReason.DRIFT_ALARM,
                Optional.of(mode), actions, facts, Optional.of(notification));
    }

    private static String list(List<SweptInstance> instances) {
        return instances.isEmpty() ? ""
                : " [" + instances.stream().map(SweptInstance::where).collect(Collectors.joining(", ")) + "]";
    }

    private static Map<String, Object> instanceFacts(SweptInstance instance) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("instance", instance.instanceId());
        instance.group().ifPresent(group -> facts.put("group", group));
        facts.put("rule", instance.rule());
        facts.put("decision", instance.reason().decision().decision().label());
        facts.put("reason", instance.reason().label());
        return facts;
    }
}
