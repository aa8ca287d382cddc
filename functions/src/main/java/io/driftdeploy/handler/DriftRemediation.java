package io.driftdeploy.handler;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Compliance;
import io.driftdeploy.aws.DriftLedger;
import io.driftdeploy.aws.Fleet;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Mode;
import io.driftdeploy.config.Settings;
import io.driftdeploy.policy.ChurnBreaker;
import io.driftdeploy.policy.ChurnBreaker.Breaker;
import io.driftdeploy.policy.ChurnBreaker.ChurnRecord;
import io.driftdeploy.policy.ChurnBreaker.Termination;
import io.driftdeploy.policy.ConfigResult;
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
import io.driftdeploy.policy.ReplacementPolicy;
import io.driftdeploy.policy.ReplacementPolicy.ConfigRuleFacts;
import io.driftdeploy.policy.ReplacementPolicy.DriftKind;
import io.driftdeploy.policy.ReplacementPolicy.Replacement;
import io.driftdeploy.policy.ReplacementPolicy.TemplateVersionFacts;
import io.driftdeploy.policy.Report;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The drift path: decide on one evaluation by the nine safety rules, act on it, report it.
 * The drift function runs it for each compliance-change event; the alarms function's sweep runs
 * it for each non-compliant instance it finds (with an event id of its own per evaluation). The
 * guards that span decisions (duplicates, in-flight capacity, rate limits, the storm circuit)
 * live in the ledger, so they hold across events, sweeps and concurrent invocations alike.
 *
 * <p>Facts are gathered in rule order and only while the rules hold, so a decision makes as few
 * AWS calls as it can: an enforced termination reads EC2, Auto Scaling (group, refreshes) and
 * Config once each and terminates once (Config's current result is read right before acting, or
 * at rule 3 when the ledger holds a newer evaluation, and then reused); rule 9 adds a ledger Query and, for a rule whose kind it
 * judges, the launch template version (and for an approved-image rule the image), plus
 * DescribeConfigRules once per rule for the life of the function instance.
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

    /** Where an evaluation's OrderingTimestamp comes from, which decides how far it is trusted. */
    public enum Source {
        /** An event claims it: anyone who may invoke the function can send any time. */
        EVENT,
        /** AWS Config's own current result (the sweep): old only when the evaluated configuration is. */
        CONFIG
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
        return remediate(evaluation, Announce.EVERY_DECISION, Source.EVENT);
    }

    /**
     * As {@link #remediate(Evaluation)}, announcing only the decisions {@code announce} names, for
     * an evaluation whose time comes from {@code source}.
     */
    public Map<String, Object> remediate(Evaluation evaluation, Announce announce, Source source) {
        Instant now = clock.instant();
        DriftCase drift = DriftCase.of(evaluation, settings.mode());
        Optional<DriftReason> stopped = DriftPolicy.driftRule(evaluation, settings.drift())
                // Rule 3's bounds on the evaluation's time, before anything is claimed or recorded.
                .or(() -> DriftPolicy.notFromTheFuture(evaluation, now))
                .or(() -> source == Source.EVENT ? DriftPolicy.notTooOld(evaluation, now) : Optional.empty())
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
        /** Facts only this outcome has (the template to fix, the termination replaced, the activity id). */
        private final Map<String, Object> details = new LinkedHashMap<>();
        /** Whether this decision sends the churn breaker's one alert. */
        private boolean breakerAlert;
        /** The group's refreshes, read once for rule 6 and reused by rule 9; set once the group is known. */
        private Once<Fleet.Refreshes> refreshes;
        /** AWS Config's current result for the rule and instance, read at most once. */
        private final Once<Optional<ConfigResult>> configResult;

        Attempt(Evaluation evaluation, Instant now, Announce announce) {
            this.evaluation = evaluation;
            this.now = now;
            this.windowStart = DriftPolicy.rateWindowStart(now, settings.drift().rateWindow());
            this.announce = announce;
            this.configResult = new Once<>(() ->
                    compliance.current(evaluation.ruleName(), evaluation.resourceType(), evaluation.resourceId()));
        }

        Map<String, Object> decide(DriftCase unplaced) {
            boolean newest = ledger.recordEvaluation(evaluation, now);
            Optional<DriftReason> stopped = DriftPolicy.nonCompliant(evaluation)
                    // Events wrote the ledger, so a newer evaluation there is checked against AWS Config.
                    .or(() -> newest ? Optional.empty() : DriftPolicy.currentInConfig(evaluation, configResult.get(), false));
            if (stopped.isPresent()) {
                return report(unplaced, stopped.get(), List.of(), configFacts(), announce);
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
            refreshes = new Once<>(() -> fleet.refreshes(group.name()));
            MinHealthy minHealthy = DriftPolicy.minHealthy(group, rules);
            int allowance = DriftPolicy.capacityAllowance(group, minHealthy);
            TerminationGuards guards = drift.mode() == Mode.ENFORCE
                    ? TerminationGuards.reserving(ledger, evaluation.instanceId(), evaluation.eventId(), now, windowStart,
                            rules.rateWindow())
                    : TerminationGuards.peeking(ledger, evaluation.instanceId(), now, windowStart);
            this.guards = Optional.of(guards);
            DriftCase placed = drift;
            stopped = DriftPolicy.notProtected(instance, group, rules.protectTag())
                    .or(() -> DriftPolicy.noRefreshInProgress(refreshes.get().inProgress()))
                    .or(() -> DriftPolicy.validGroupTag(minHealthy))
                    // At its floor already: refused before anything is written to the ledger.
                    .or(() -> DriftPolicy.capacityGuard(allowance > 0))
                    // Rule 9, before anything is reserved: one ledger Query, then the template only when the rule needs it.
                    .or(() -> churnBreaker(placed, instance, group))
                    .or(() -> replacementWouldCure(instance, group))
                    .or(() -> DriftPolicy.notAlreadyTerminating(guards.claimTermination()))
                    .or(() -> DriftPolicy.capacityGuard(guards.holdCapacity(group.name(), allowance)))
                    // Last of the guards, so it counts only terminations every other guard allows.
                    .or(() -> rateGuard(placed, guards, group.name()))
                    .or(() -> DriftPolicy.currentInConfig(evaluation, configResult.get(), newest));
            DriftReason reason = stopped.orElseGet(() -> DriftPolicy.allRulesHold(placed.mode()));
            details.putAll(configFacts());
            if (reason != DriftReason.DRIFT_CONFIRMED) {
                guards.giveBack();
                if (reason == DriftReason.CAPACITY_GUARD || reason == DriftReason.INVALID_GROUP_TAG) {
                    details.putAll(minHealthy.facts());
                }
                // The churn breaker's one alert is sent by whoever opened it, and by no later decision.
                boolean announced = reason == DriftReason.REPLACEMENT_DID_NOT_CURE ? breakerAlert : announce.announces(reason);
                return report(placed, reason, List.of(), details, announced);
            }
            String activityId = fleet.terminate(evaluation.instanceId());
            terminated = true;
            details.put("activityId", activityId);
            rememberTermination(group);
            return report(placed, reason, List.of("TerminateInstanceInAutoScalingGroup " + evaluation.instanceId()),
                    details, announce.announces(reason));
        }

        /** AWS Config's current result as rule 3 judged it, once it was read: the audit shows what vouched or refused. */
        private Map<String, Object> configFacts() {
            if (!configResult.done()) {
                return Map.of();
            }
            Optional<ConfigResult> read = configResult.get();
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("configCompliance", read.map(result -> result.compliance().map(Enum::name).orElse("unknown"))
                    .orElse("none"));
            read.ifPresent(result -> facts.put("configOrderingTimestamp", result.orderingTimestamp().toString()));
            return facts;
        }

        /**
         * Rule 9, the churn breaker: the group's breaker for this rule is open, or this instance is
         * the replacement of a termination drift-deploy made for the same rule. In enforce mode the
         * first such decision opens the breaker (a conditional write) and sends its one alert.
         */
        private Optional<DriftReason> churnBreaker(DriftCase drift, InstanceFacts instance, GroupFacts group) {
            ChurnRecord record = ledger.churn(group.name(), evaluation.ruleName());
            Optional<Instant> clearedAt = ChurnBreaker.clearedAt(group.tags());
            boolean open = ChurnBreaker.open(record.breaker(), clearedAt);
            Optional<Termination> replaced = open ? Optional.empty()
                    : ChurnBreaker.replacing(instance, record.terminations(), clearedAt, refreshes.get().lastStarted(),
                            now, settings.drift().rateWindow());
            Optional<DriftReason> stopped = ChurnBreaker.replacementDidNotCure(open, replaced);
            if (stopped.isEmpty()) {
                return stopped;
            }
            if (open) {
                Breaker breaker = record.breaker().orElseThrow();
                details.put("breakerOpenedAt", breaker.openedAt().toString());
                details.put("breakerOpenedBy", breaker.instanceId());
            }
            replaced.ifPresent(termination -> {
                details.put("replaces", termination.instanceId());
                details.put("replacedAt", termination.at().toString());
                // Dry run opens nothing, and says what enforce would: open the breaker and alert.
                breakerAlert = drift.mode() != Mode.ENFORCE || ledger.openBreaker(group.name(), evaluation.ruleName(),
                        evaluation.instanceId(), evaluation.eventId(), now, clearedAt);
            });
            details.put("clearWith", DriftReports.clearBreakerHint(group.name(), evaluation.ruleName()));
            return stopped;
        }

        /**
         * Rule 9, the replacement would cure: the group's launch template version and its image are
         * read only for a rule whose kind says what they must hold (config:DescribeConfigRules once
         * per rule and function instance, ec2:DescribeLaunchTemplateVersions, and ec2:DescribeImages
         * for an approved-image rule whose template names another image).
         */
        private Optional<DriftReason> replacementWouldCure(InstanceFacts instance, GroupFacts group) {
            Settings.Drift rules = settings.drift();
            String ruleName = evaluation.ruleName();
            Optional<ConfigRuleFacts> configRule = rules.templateInheritedRules().contains(ruleName)
                    ? Optional.empty() : compliance.rule(ruleName);
            DriftKind kind = ReplacementPolicy.kind(ruleName, configRule, rules.templateInheritedRules());
            if (!ReplacementPolicy.judgesTemplate(kind)) {
                return Optional.empty();
            }
            Optional<TemplateVersionFacts> template = group.launchTemplate().flatMap(fleet::templateVersion);
            Optional<Map<String, String>> imageTags = ReplacementPolicy.judgesImageTags(kind, instance.imageId(), template)
                    ? template.flatMap(TemplateVersionFacts::imageId).flatMap(fleet::imageTags) : Optional.empty();
            Replacement replacement = new Replacement(kind, instance.imageId(), template, imageTags,
                    ReplacementPolicy.approvedImageTags(configRule, rules.goldenImageTag()));
            Optional<DriftReason> stopped = ReplacementPolicy.replacementWouldCure(replacement);
            stopped.ifPresent(reason -> {
                template.ifPresent(version -> {
                    details.put("launchTemplateId", version.launchTemplateId());
                    details.put("launchTemplateVersion", version.versionNumber());
                    version.imageId().ifPresent(image -> details.put("templateImageId", image));
                });
                instance.imageId().ifPresent(image -> details.put("instanceImageId", image));
                details.put("fix", ReplacementPolicy.whatToFix(replacement));
            });
            return stopped;
        }

        /**
         * The churn breaker needs to know this termination when the replacement is flagged. The
         * instance is gone already, so a failure to write is reported, not thrown: the decision
         * stands and a retry would find the event a duplicate.
         */
        private void rememberTermination(GroupFacts group) {
            try {
                ledger.recordTermination(group.name(), evaluation.ruleName(),
                        new Termination(evaluation.instanceId(), now, group.members()), settings.drift().rateWindow());
            } catch (RuntimeException failure) {
                details.put("churnRecord", "not written: " + failure.getMessage());
            }
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
         * Rule 7. The group's and the account's (the account the function acts in, never the
         * event's) units are taken together or not at all, so a decision the account's limit
         * refuses holds nothing of the group's; the first limit reached opens the circuit for the
         * rest of the window and sends the window's one storm alert.
         */
        private Optional<DriftReason> rateGuard(DriftCase drift, TerminationGuards guards, String groupName) {
            Settings.Drift rules = settings.drift();
            Optional<RateScope> refused = guards.takeRateUnits(List.of(
                    new DriftLedger.RateUnit(RateScope.GROUP, groupName, rules.maxTerminationsPerGroup()),
                    new DriftLedger.RateUnit(RateScope.ACCOUNT, settings.accountId(), rules.maxTerminationsPerAccount())));
            Optional<DriftReason> stopped = DriftPolicy.rateGuard(
                    !refused.equals(Optional.of(RateScope.GROUP)), !refused.equals(Optional.of(RateScope.ACCOUNT)));
            if (stopped.isPresent() && drift.mode() == Mode.ENFORCE) {
                if (refused.get() == RateScope.GROUP) {
                    storm(drift, RateScope.GROUP, groupName, rules.maxTerminationsPerGroup());
                } else {
                    storm(drift, RateScope.ACCOUNT, settings.accountId(), rules.maxTerminationsPerAccount());
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
        return report(drift, reason, actions, details, announce.announces(reason));
    }

    private Map<String, Object> report(DriftCase drift, DriftReason reason, List<String> actions, Map<String, Object> details,
                                       boolean announced) {
        Report report = DriftReports.decision(drift, reason, actions, details);
        Map<String, Object> result = reporter.report(announced ? report : report.withoutNotification());
        if (reason == DriftReason.DRIFT_CONFIRMED) {
            reporter.telemetry().count(Map.of("Terminated", 1), Map.of());
        } else {
            reporter.telemetry().count(Map.of("NotTerminated", 1), Map.of("Reason", reason.label()));
        }
        return result;
    }
}
