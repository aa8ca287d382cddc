package io.driftdeploy.handler;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Compliance;
import io.driftdeploy.aws.DriftLedger;
import io.driftdeploy.aws.Fleet;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Mode;
import io.driftdeploy.config.Settings;
import io.driftdeploy.policy.DriftCase;
import io.driftdeploy.policy.DriftDecision;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.policy.GroupModes;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.DriftReports;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.GroupFacts;
import io.driftdeploy.policy.InstanceFacts;
import io.driftdeploy.policy.MinHealthy;
import io.driftdeploy.policy.RateScope;
import io.driftdeploy.policy.Report;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The drift path: decide on one evaluation by the eight safety rules, act on it, report it.
 * The drift function runs it for each compliance-change event; the alarms function's sweep runs
 * it for each non-compliant instance it finds (with an event id of its own per evaluation). The
 * guards that span decisions (duplicates, in-flight capacity, rate limits, the storm circuit)
 * live in the ledger, so they hold across events, sweeps and concurrent invocations alike.
 *
 * <p>Facts are gathered in rule order and only while the rules hold, so a decision makes as few
 * AWS calls as it can: an enforced termination reads EC2, Auto Scaling (group, refreshes) and
 * Config once each and terminates once.
 */
public final class DriftRemediation {

    /** Which decisions are announced one by one; every decision is audited and logged regardless. */
    public enum Announce {
        /** The drift function: each event's decision is news. */
        EVERY_DECISION,
        /**
         * The alarms function's sweep: only terminations. Its summary tells the rest, so a drift
         * alarm firing again does not re-announce every instance still left alone. Storm alerts
         * are sent either way.
         */
        TERMINATIONS;

        boolean announces(DriftReason reason) {
            return this == EVERY_DECISION || reason.decision() == DriftDecision.TERMINATE;
        }
    }

    /** Account-wide count of non-compliant instances (EMF), which the drift alarm watches. */
    public static final String NON_COMPLIANT_INSTANCES = "NonCompliantInstances";

    private final Settings settings;
    private final DriftLedger ledger;
    private final Fleet fleet;
    private final Compliance compliance;
    private final Reporter reporter;
    private final Clock clock;

    public DriftRemediation(Settings settings, AwsClients aws, Reporter reporter, Clock clock) {
        settings.drift().requireRules();
        this.settings = settings;
        this.ledger = new DriftLedger(new Ledger(aws.dynamoDb(), settings.tableName()));
        this.fleet = new Fleet(aws.ec2(), aws.autoScaling());
        this.compliance = new Compliance(aws.config());
        this.reporter = reporter;
        this.clock = clock;
    }

    /**
     * Decides on the evaluation and acts on it; returns the reported result (decision, reason,
     * instance, group, mode, actions, ...). An exception means nothing was done and the event was
     * released, so a retry can decide again; the one exception is a failure to report after the
     * instance was terminated, which a retry sees as a duplicate.
     */
    public Map<String, Object> remediate(Evaluation evaluation) {
        return remediate(evaluation, Announce.EVERY_DECISION);
    }

    /** As {@link #remediate(Evaluation)}, announcing only the decisions {@code announce} names. */
    public Map<String, Object> remediate(Evaluation evaluation, Announce announce) {
        Instant now = clock.instant();
        DriftCase drift = DriftCase.of(evaluation, settings.mode());
        Optional<DriftReason> stopped = DriftPolicy.driftRule(evaluation, settings.drift())
                .or(() -> DriftPolicy.notDuplicate(ledger.claimEvent(evaluation, now)));
        if (stopped.isPresent()) {
            return report(drift, stopped.get(), List.of(), Map.of(), announce);
        }
        Attempt attempt = new Attempt(evaluation, now, announce);
        try {
            return attempt.decide(drift);
        } catch (RuntimeException failure) {
            attempt.abandon(failure);
            throw failure;
        }
    }

    /** One claimed evaluation on its way through the rules; remembers what it reserved. */
    private final class Attempt {
        private final Evaluation evaluation;
        private final Instant now;
        private final Instant windowStart;
        private final Announce announce;
        /** Set once the instance's group is known; until then nothing is reserved. */
        private Optional<TerminationGuards> guards = Optional.empty();
        private boolean terminated;

        Attempt(Evaluation evaluation, Instant now, Announce announce) {
            this.evaluation = evaluation;
            this.now = now;
            this.windowStart = DriftPolicy.rateWindowStart(now, settings.drift().rateWindow());
            this.announce = announce;
        }

        Map<String, Object> decide(DriftCase unplaced) {
            boolean newest = ledger.recordEvaluation(evaluation, now);
            Optional<DriftReason> stopped = DriftPolicy.nonCompliant(evaluation)
                    .or(() -> DriftPolicy.newestEvaluation(newest));
            if (stopped.isPresent()) {
                return report(unplaced, stopped.get(), List.of(), Map.of(), announce);
            }
            reporter.telemetry().count(Map.of("DriftDetected", 1), Map.of());
            // One drifted instance known now; the drift alarm watches this (README, "Which metric the drift alarm watches").
            reporter.telemetry().accountWide(NON_COMPLIANT_INSTANCES, 1);

            Optional<InstanceFacts> described = fleet.describe(evaluation.instanceId());
            stopped = DriftPolicy.instanceLive(described);
            if (stopped.isPresent()) {
                return report(unplaced, stopped.get(), List.of(), Map.of(), announce);
            }
            InstanceFacts instance = described.orElseThrow();
            DriftCase drift = instance.group().map(group -> place(unplaced, group)).orElse(unplaced);
            Settings.Drift rules = settings.drift();
            stopped = DriftPolicy.optedInGroup(instance, rules.optInTag());
            if (stopped.isPresent()) {
                return report(drift, stopped.get(), List.of(), Map.of(), announce);
            }
            GroupFacts group = instance.group().orElseThrow();
            MinHealthy minHealthy = DriftPolicy.minHealthy(group, rules);
            int allowance = DriftPolicy.capacityAllowance(group, minHealthy);
            TerminationGuards guards = drift.mode() == Mode.ENFORCE
                    ? TerminationGuards.reserving(ledger, evaluation.instanceId(), evaluation.eventId(), now, windowStart,
                            rules.rateWindow())
                    : TerminationGuards.peeking(ledger, evaluation.instanceId(), now, windowStart);
            this.guards = Optional.of(guards);
            DriftCase placed = drift;
            stopped = DriftPolicy.notProtected(instance, group, rules.protectTag())
                    .or(() -> DriftPolicy.noRefreshInProgress(fleet.refreshInProgress(group.name())))
                    .or(() -> DriftPolicy.validGroupTag(minHealthy))
                    // At its floor already: refused before anything is written to the ledger.
                    .or(() -> DriftPolicy.capacityGuard(allowance > 0))
                    .or(() -> DriftPolicy.notAlreadyTerminating(guards.claimTermination()))
                    .or(() -> DriftPolicy.capacityGuard(guards.holdCapacity(group.name(), allowance)))
                    // Last of the guards, so it counts only terminations every other guard allows.
                    .or(() -> rateGuard(placed, guards, group.name()))
                    .or(() -> DriftPolicy.stillNonCompliant(compliance.current(
                            evaluation.ruleName(), evaluation.resourceType(), evaluation.resourceId())));
            DriftReason reason = stopped.orElseGet(() -> DriftPolicy.allRulesHold(placed.mode()));
            if (reason != DriftReason.DRIFT_CONFIRMED) {
                guards.giveBack();
                boolean aboutTheFloor = reason == DriftReason.CAPACITY_GUARD || reason == DriftReason.INVALID_GROUP_TAG;
                return report(placed, reason, List.of(), aboutTheFloor ? minHealthy.facts() : Map.of(), announce);
            }
            String activityId = fleet.terminate(evaluation.instanceId());
            terminated = true;
            return report(placed, reason, List.of("TerminateInstanceInAutoScalingGroup " + evaluation.instanceId()),
                    Map.of("activityId", activityId), announce);
        }

        /**
         * Handling failed before the instance was terminated: give back what was reserved and
         * release the event, so that a retry decides afresh.
         */
        void abandon(RuntimeException failure) {
            if (terminated) {
                return;
            }
            try {
                guards.ifPresent(TerminationGuards::giveBack);
                ledger.releaseEvent(evaluation);
            } catch (RuntimeException cleanup) {
                failure.addSuppressed(cleanup);
            }
        }

        /**
         * Rule 7. The group's limit is taken first, then the account's; the first limit reached
         * opens the circuit for the rest of the window and sends the window's one storm alert.
         */
        private Optional<DriftReason> rateGuard(DriftCase drift, TerminationGuards guards, String groupName) {
            Settings.Drift rules = settings.drift();
            boolean groupBelow = guards.takeRateUnit(RateScope.GROUP, groupName, rules.maxTerminationsPerGroup());
            boolean accountBelow = groupBelow
                    && guards.takeRateUnit(RateScope.ACCOUNT, evaluation.account(), rules.maxTerminationsPerAccount());
            Optional<DriftReason> stopped = DriftPolicy.rateGuard(groupBelow, accountBelow);
            if (stopped.isPresent() && drift.mode() == Mode.ENFORCE) {
                if (groupBelow) {
                    storm(drift, RateScope.ACCOUNT, evaluation.account(), rules.maxTerminationsPerAccount());
                } else {
                    storm(drift, RateScope.GROUP, groupName, rules.maxTerminationsPerGroup());
                }
            }
            return stopped;
        }

        private void storm(DriftCase drift, RateScope scope, String name, int limit) {
            Duration window = settings.drift().rateWindow();
            ledger.openCircuit(scope, name, windowStart, window);
            if (ledger.claimStormAlert(scope, name, windowStart, window, evaluation.eventId())) {
                reporter.report(DriftReports.storm(drift, scope, name, limit, windowStart, windowStart.plus(window)));
                reporter.telemetry().count(Map.of("StormAlerts", 1), Map.of("Scope", scope.label()));
            }
        }
    }

    private DriftCase place(DriftCase drift, GroupFacts group) {
        Optional<String> app = Optional.ofNullable(group.tags().get(settings.rollout().appTag()));
        return drift.inGroup(group.name(), app, GroupModes.effective(settings, group.tags()));
    }

    private Map<String, Object> report(DriftCase drift, DriftReason reason, List<String> actions, Map<String, Object> details,
                                       Announce announce) {
        Report report = DriftReports.decision(drift, reason, actions, details);
        Map<String, Object> result = reporter.report(announce.announces(reason) ? report : report.withoutNotification());
        if (reason == DriftReason.DRIFT_CONFIRMED) {
            reporter.telemetry().count(Map.of("Terminated", 1), Map.of());
        } else {
            reporter.telemetry().count(Map.of("NotTerminated", 1), Map.of("Reason", reason.label()));
        }
        return result;
    }
}
