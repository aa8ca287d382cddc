package io.driftdeploy.orchestration;

import io.driftdeploy.aws.Compliance.NonCompliantResource;
import io.driftdeploy.aws.Compliance;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.AlarmStateChange;
import io.driftdeploy.event.ComplianceType;
import io.driftdeploy.message.AlarmNotice;
import io.driftdeploy.message.Report;
import io.driftdeploy.message.SweepReports.SweptInstance;
import io.driftdeploy.message.SweepReports;
import io.driftdeploy.orchestration.DriftRemediation.Remediated;
import io.driftdeploy.policy.AlarmDefinition;
import io.driftdeploy.policy.DriftDecision;
import io.driftdeploy.policy.Evaluation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The drift alarm's sweep. Events can be missed, so every NON_COMPLIANT instance of every drift
 * rule is read from AWS Config and sent through the drift function's own decision path, one
 * evaluation at a time. The guards that span decisions live in the ledger, so the rate limits,
 * the storm circuit and the capacity held by terminations in flight bound the sweep as a whole,
 * exactly as they bound a burst of events.
 */
final class DriftSweep {

    /** The metric of a sweep's duration. */
    static final String SWEEP_DURATION = "SweepDuration";

    private final Settings settings;
    /** Every account the sweep covers: the function's own, then the members (docs/organization.md). */
    private final Supplier<List<String>> served;
    private final Function<String, Compliance> compliance;
    private final DriftRemediation remediation;
    private final Telemetry telemetry;
    private final Clock clock;

    DriftSweep(Settings settings, Supplier<List<String>> served, Function<String, Compliance> compliance,
               DriftRemediation remediation, Telemetry telemetry, Clock clock) {
        this.settings = settings;
        this.served = served;
        this.compliance = compliance;
        this.remediation = remediation;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    Report sweep(AlarmStateChange alarm, Optional<AlarmDefinition> definition, Instant deadline) {
        Instant started = clock.instant();
        List<String> swept = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Map<String, List<Evaluation>> byInstance = new LinkedHashMap<>();
        // The drift alarm watches the metric the drift function emits for every account it serves, so it sweeps them all.
        for (String account : served.get()) {
            Compliance results = compliance.apply(account);
            for (String rule : results.driftRules(settings.drift())) {
                Optional<List<NonCompliantResource>> found = results.nonCompliant(rule);
                String named = account.equals(settings.accountId()) ? rule : account + ":" + rule;
                if (found.isEmpty()) {
                    missing.add(named);
                    continue;
                }
                swept.add(named);
                for (NonCompliantResource result : found.get()) {
                    // A drift rule may evaluate other resource types too; only instances are replaced.
                    if (Evaluation.namesAnInstance(result.resourceType(), result.resourceId())) {
                        byInstance.computeIfAbsent(result.resourceId(), instance -> new ArrayList<>())
                                .add(evaluation(alarm, account, result));
                    }
                }
            }
        }
        telemetry.accountWide(DriftRemediation.NON_COMPLIANT_INSTANCES, byInstance.size());
        Map<String, ReadAhead> facts = new HashMap<>();
        List<SweptInstance> outcomes = byInstance.values().stream()
                .map(evaluations -> decide(evaluations, facts.computeIfAbsent(evaluations.get(0).account(),
                        account -> readAhead(account, byInstance.values())), deadline))
                .toList();
        // How long a sweep takes against the function's timeout (sweepTimeoutSeconds), on the dashboard.
        telemetry.duration(SWEEP_DURATION, Duration.between(started, clock.instant()));
        return SweepReports.summary(alarm, definition, settings.mode(), settings.dryRunForced(), swept, missing, outcomes);
    }

    /**
     * One id per alarm state change, rule and instance: a retried sweep (whichever delivery
     * brings the change again) finds what it already decided as a duplicate, not deciding it twice.
     */
    private static Evaluation evaluation(AlarmStateChange alarm, String account, NonCompliantResource result) {
        return new Evaluation(AlarmNotice.stateChangeId(alarm) + "#sweep#" + result.ruleName() + "#" + result.resourceId(),
                account, alarm.region(), result.ruleName(), result.resourceType(), result.resourceId(),
                ComplianceType.NON_COMPLIANT, result.orderingTimestamp());
    }

    /**
     * The account's instances among those the sweep decides, and their groups, read together
     * ({@link ReadAhead}) when the first of them is decided: each decision refuses on them if it
     * can, and reads its own before acting.
     */
    private ReadAhead readAhead(String account, Collection<List<Evaluation>> byInstance) {
        return remediation.readAhead(account, byInstance.stream().map(evaluations -> evaluations.get(0))
                .filter(evaluation -> evaluation.account().equals(account))
                .map(Evaluation::instanceId)
                .toList());
    }

    /**
     * An instance several drift rules flag is decided on once: its evaluations are tried in turn
     * only while the drift path skips them, since a skip can be about one rule's evaluation (stale,
     * compliant again) while terminate and notify are about the instance and its group.
     */
    private SweptInstance decide(List<Evaluation> evaluations, ReadAhead facts, Instant deadline) {
        Iterator<Evaluation> untried = evaluations.iterator();
        Evaluation decided = untried.next();
        Remediated remediated = remediate(decided, facts, deadline);
        while (remediated.reason().decision() == DriftDecision.SKIP && untried.hasNext()) {
            decided = untried.next();
            remediated = remediate(decided, facts, deadline);
        }
        return new SweptInstance(decided.instanceId(), remediated.drift().group(), decided.ruleName(), remediated.reason(),
                remediated.decided().actions());
    }

    private Remediated remediate(Evaluation evaluation, ReadAhead facts, Instant deadline) {
        return remediation.remediate(evaluation, DriftRemediation.Announce.TERMINATIONS, DriftRemediation.Source.CONFIG,
                deadline, Optional.of(facts));
    }
}
