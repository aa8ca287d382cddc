package io.driftdeploy.orchestration;

import io.driftdeploy.aws.AccountClients;
import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.AutoScalingFleet;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.ClaimLapsedException;
import io.driftdeploy.aws.DecisionAttribution;
import io.driftdeploy.aws.Compliance;
import io.driftdeploy.aws.ConfigCompliance;
import io.driftdeploy.aws.DriftLedger;
import io.driftdeploy.aws.DynamoDriftLedger;
import io.driftdeploy.aws.Ec2Quarantine;
import io.driftdeploy.aws.Fleet;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.Notifier;
import io.driftdeploy.config.Mode;
import io.driftdeploy.config.Settings;
import io.driftdeploy.message.DriftReports;
import io.driftdeploy.message.Hints;
import io.driftdeploy.message.QuarantineReports;
import io.driftdeploy.message.Report;
import io.driftdeploy.policy.BudgetVerdict;
import io.driftdeploy.policy.ChurnBreaker.Breaker;
import io.driftdeploy.policy.ChurnBreaker.ChurnRecord;
import io.driftdeploy.policy.ChurnBreaker.Termination;
import io.driftdeploy.policy.ChurnBreaker;
import io.driftdeploy.policy.ConfigResult;
import io.driftdeploy.policy.DriftCase;
import io.driftdeploy.policy.DriftDecision;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.GroupCheck;
import io.driftdeploy.policy.GroupFacts;
import io.driftdeploy.policy.GroupModes;
import io.driftdeploy.policy.InstanceFacts;
import io.driftdeploy.policy.MinHealthy;
import io.driftdeploy.policy.QuarantinePolicy;
import io.driftdeploy.policy.RateScope;
import io.driftdeploy.policy.RemediationAction;
import io.driftdeploy.policy.ReplacementChoice;
import io.driftdeploy.policy.ReplacementPolicy.ConfigRuleFacts;
import io.driftdeploy.policy.ReplacementPolicy.DriftKind;
import io.driftdeploy.policy.ReplacementPolicy.Replacement;
import io.driftdeploy.policy.ReplacementPolicy.TemplateVersionFacts;
import io.driftdeploy.policy.ReplacementPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

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
            return this == EVERY_DECISION || reason.decision() == DriftDecision.TERMINATE
                    || reason.decision() == DriftDecision.QUARANTINE;
        }
    }

    /** Where an evaluation's OrderingTimestamp comes from, which decides how far it is trusted. */
    public enum Source {
        /** An event claims it: anyone who may invoke the function can send any time. */
        EVENT,
        /** AWS Config's own current result (the alarm's sweep): old only when the evaluated configuration is. */
        CONFIG,
        /**
         * AWS Config's own current result, as the scheduled sweep's queue delivers it: trusted as
         * {@link #CONFIG}; a delivery another attempt holds fails, as an event's does, so that the
         * queue delivers it again after its visibility timeout rather than lose it should the holder die.
         */
        QUEUE;

        /** Whether the evaluation's time is only claimed, so that its age is bounded (rule 3). */
        boolean onlyClaimed() {
            return this == EVENT;
        }

        /** Whether a delivery that another attempt holds fails, to be delivered again. */
        boolean redelivered() {
            return this != CONFIG;
        }
    }

    /**
     * One drift decision as reported: the case it was made on (placed in the instance's group once
     * that is known), the reason that decided, and the result the function returns for it.
     */
    public record Remediated(DriftCase drift, DriftReason reason, Result.Decided decided) {
    }

    /**
     * The time a decision must have left before its deadline to confirm its reservations,
     * terminate and report (three calls that take well under a second each on AWS). With less it
     * gives up before acting, leaving the event to a retry, rather than start what it likely
     * cannot finish; should it still be killed after confirming, its retry recovers the event
     * from the claim's terminating mark.
     */
    static final Duration TIME_TO_ACT = Duration.ofSeconds(10);

    private static final String TERMINATE_ACTION = "TerminateInstanceInAutoScalingGroup ";
    private static final String SURGE_ACTION = "SetInstanceHealth Unhealthy ";

    /** Account-wide count of non-compliant instances (EMF), which the drift alarm watches. */
    public static final String NON_COMPLIANT_INSTANCES = "NonCompliantInstances";

    private final Settings settings;
    private final DriftLedger ledger;
    /** The ports that read and act on the fleet of the account an evaluation names. */
    private final Function<String, InAccount> accounts;
    private final Reporter reporter;
    private final Clock clock;

    /** What a decision reads and changes in the account of its evaluation: its own, or a member's. */
    record InAccount(Fleet fleet, Compliance compliance, QuarantineSteps quarantine) {
    }

    /** One account's ports, whatever account an evaluation names: the fast tests' fakes. */
    DriftRemediation(Settings settings, DriftLedger ledger, Fleet fleet, Compliance compliance, Reporter reporter, Clock clock,
                     QuarantineSteps quarantine) {
        this(settings, ledger, account -> new InAccount(fleet, compliance, quarantine), reporter, clock);
    }

    /** Each account's ports: {@link #wire}'s on AWS, or the fast tests' fakes of several accounts. */
    DriftRemediation(Settings settings, DriftLedger ledger, Function<String, InAccount> accounts, Reporter reporter,
                     Clock clock) {
        settings.drift().requireRules();
        this.settings = settings;
        this.ledger = ledger;
        this.accounts = accounts;
        this.reporter = reporter;
        this.clock = clock;
    }

    /** The drift function's composition root: the drift path on AWS, reporting as {@code telemetry}. */
    public static DriftRemediation wire(Settings settings, AwsClients aws, Telemetry telemetry, Clock clock) {
        Ledger ledger = new Ledger(aws.dynamoDb(), settings.tableName());
        AccountClients accounts = new AccountClients(aws, settings, DriftReports.FUNCTION);
        return wire(settings, ledger, accounts, compliance(accounts), Reporter.wire(settings, ledger, aws, telemetry, clock), clock);
    }

    /** Each account's AWS Config results, one reader per account: shared by the drift path and a sweep that lists them. */
    static Function<String, Compliance> compliance(AccountClients accounts) {
        return accounts.ports(in -> new ConfigCompliance(in.config()));
    }

    /**
     * The drift path on AWS in the accounts given, sharing the reporter and each account's
     * compliance reader ({@link #compliance}): also the alarms function's and the scheduled sweep's.
     */
    static DriftRemediation wire(Settings settings, Ledger ledger, AccountClients accounts, Function<String, Compliance> compliance,
                                 Reporter reporter, Clock clock) {
        Function<String, Fleet> fleets = accounts.ports(in -> new AutoScalingFleet(in.ec2(), in.autoScaling()));
        Function<String, QuarantineSteps> quarantines = accounts.ports(in -> new QuarantineSteps(
                new Ec2Quarantine(in.ec2(), in.autoScaling()), settings.drift().quarantine().securityGroupsByVpc()));
        // The function's own account's, built now, at init: SnapStart's prime drives the clients built by then.
        fleets.apply(settings.accountId());
        compliance.apply(settings.accountId());
        quarantines.apply(settings.accountId());
        return new DriftRemediation(settings, new DynamoDriftLedger(ledger),
                account -> new InAccount(fleets.apply(account), compliance.apply(account), quarantines.apply(account)), reporter, clock);
    }

    /** The instances of the account and their groups, read now for the decisions a sweep is about to make on them. */
    ReadAhead readAhead(String account, List<String> instanceIds) {
        return ReadAhead.read(account, instanceIds, accounts.apply(account).fleet(), ledger, clock.instant());
    }

    /** Reports the drift function's rejections, as it reports its decisions. */
    public Reporter reporter() {
        return reporter;
    }

    /**
     * Decides on the evaluation and acts on it, as an attempt that ends by {@code deadline} at the
     * latest; returns the decision as reported (decision, reason, instance, group, mode, actions, ...).
     * An exception means the event is left for Lambda's retry: either nothing was done and the
     * event was released, or the instance was terminated and its announcement is owed on the
     * event's claim, which the retry delivers. An attempt that dies (crash, timeout) holds the
     * event and its reservations only until its deadline; the retry then takes them over.
     */
    public Remediated remediate(Evaluation evaluation, Instant deadline) {
        return remediate(evaluation, Announce.EVERY_DECISION, Source.EVENT, deadline);
    }

    /**
     * As {@link #remediate(Evaluation, Instant)}, announcing only the decisions {@code announce}
     * names, for an evaluation whose time comes from {@code source}.
     */
    public Remediated remediate(Evaluation evaluation, Announce announce, Source source, Instant deadline) {
        return remediate(evaluation, announce, source, deadline, Optional.empty());
    }

    /**
     * As {@link #remediate(Evaluation, Announce, Source, Instant)}, refusing on the facts
     * {@code readAhead} holds for the instance when they suffice ({@link ReadAhead}).
     */
    Remediated remediate(Evaluation evaluation, Announce announce, Source source, Instant deadline,
                         Optional<ReadAhead> readAhead) {
        Instant now = clock.instant();
        DriftCase drift = DriftCase.of(evaluation, settings.mode());
        Optional<DriftReason> stopped = DriftPolicy.driftRule(evaluation, settings.drift())
                // Rule 3's bounds on the evaluation's time, before anything is claimed or recorded.
                .or(() -> DriftPolicy.notFromTheFuture(evaluation, now))
                .or(() -> source.onlyClaimed() ? DriftPolicy.notTooOld(evaluation, now) : Optional.empty());
        if (stopped.isPresent()) {
            return report(drift, stopped.get(), List.of(), Map.of(), announce);
        }
        Attempt proposed = Attempt.until(deadline);
        if (readAhead.isPresent() && announce == Announce.TERMINATIONS) {
            Optional<Remediated> refused = refuseBeforeClaiming(drift, evaluation, now, proposed, readAhead);
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        DriftLedger.EventClaim eventClaim = ledger.claimEvent(evaluation, proposed, now);
        Ledger.Claim claim = eventClaim.claim();
        if (!claim.won()) {
            return duplicate(drift, claim, announce, source);
        }
        // A decision token other than the one proposed is a dead attempt's, adopted with what it reserved.
        boolean tookOver = !claim.decision().equals(proposed.decision());
        ClaimedEvaluation claimed = new ClaimedEvaluation(evaluation, now, announce,
                new Attempt(proposed.id(), claim.decision(), deadline), tookOver, eventClaim.newest(), readAhead, true);
        try (DecisionAttribution.Scope attributed = DecisionAttribution.of(evaluation.eventId())) {
            return DriftLedger.wasTerminating(claim) ? claimed.recover(drift) : claimed.decide(drift);
        } catch (RuntimeException failure) {
            claimed.abandon(failure);
            throw failure;
        }
    }

    /**
     * A sweep's refusal on the facts read ahead for its batch, decided before the event is claimed:
     * its claim, completion, evaluation record and audit record are then one write
     * ({@link DriftLedger#claimDecided}), one call per refused instance instead of two. Safe because
     * such a refusal changes nothing and announces nothing (a sweep announces only terminations):
     * until that write, the decision has only read. Empty when the facts read ahead do not refuse,
     * or when the write finds the event claimed before or a newer evaluation recorded; the decision
     * is then made the usual way, claim first, and nothing of this attempt is left behind.
     */
    private Optional<Remediated> refuseBeforeClaiming(DriftCase drift, Evaluation evaluation, Instant now, Attempt proposed,
                                                      Optional<ReadAhead> readAhead) {
        if (DriftPolicy.nonCompliant(evaluation).isPresent()) {
            return Optional.empty();
        }
        ClaimedEvaluation unclaimed = new ClaimedEvaluation(evaluation, now, Announce.TERMINATIONS, proposed, false,
                Optional.empty(), readAhead, false);
        try (DecisionAttribution.Scope attributed = DecisionAttribution.of(evaluation.eventId())) {
            Optional<Remediated> refused = unclaimed.refuseOnFactsReadAhead(drift, true);
            refused.ifPresent(decided -> driftDetected());
            return refused;
        } catch (ClaimedBefore claimedBefore) {
            return Optional.empty();
        }
    }

    /** A drifted instance was found: counted, and counted account-wide for the drift alarm. */
    private void driftDetected() {
        reporter.telemetry().count(Map.of("DriftDetected", 1), Map.of());
        // One drifted instance known now; the drift alarm watches this (docs/alarms.md, "Which metric the drift alarm watches").
        reporter.telemetry().accountWide(NON_COMPLIANT_INSTANCES, 1);
    }

    /**
     * Rule 2: another attempt decided the event, or holds it. An event delivery (or a sweep
     * queue's message) held elsewhere fails ({@link EventInProgressException}) so that it is
     * delivered again once the holder finished or its claim lapsed; the alarm's sweep just leaves
     * the instance to the holder. When the attempt that decided acted but could not announce it,
     * the announcement it owes is delivered now, then cleared (at least once: a death between the
     * two sends it again rather than never).
     */
    private Remediated duplicate(DriftCase drift, Ledger.Claim claim, Announce announce, Source source) {
        Map<String, Object> facts = new LinkedHashMap<>();
        if (source.redelivered()) {
            EventInProgressException.throwIfHeld(DriftReports.FUNCTION, drift.evaluation().eventId(), claim, reporter.telemetry());
        }
        claim.heldUntil().ifPresent(until -> facts.put("inProgressUntil", until.toString()));
        Optional<Notifier.Rendered> owed = DriftLedger.owed(claim);
        owed.ifPresent(message -> {
            facts.put("owedNotificationId", reporter.deliverOwed(message));
            ledger.clearOwed(drift.evaluation(), claim);
        });
        return report(drift, DriftReason.DUPLICATE_EVENT, List.of(), facts, announce);
    }

    /** One claimed evaluation on its way through the rules; remembers what it reserved. */
    private final class ClaimedEvaluation {
        private final Evaluation evaluation;
        private final Instant now;
        private final Instant windowStart;
        private final Announce announce;
        private final Attempt attempt;
        /** Whether the attempt took the event over from a dead one, whose reservations it then holds. */
        private final boolean tookOver;
        /** Whether the evaluation is the newest recorded, when the event's claim recorded it (or found a newer one). */
        private final Optional<Boolean> newestRecorded;
        /** Facts read for a sweep's batch: tried first, for a refusal, when this instance's are among them. */
        private final Optional<ReadAhead> readAhead;
        /**
         * Whether the event was claimed before deciding. When not, only a refusal on facts read
         * ahead is made, and it is written with its claim ({@link #refuseBeforeClaiming}).
         */
        private final boolean claimedFirst;
        /** Set while the checks run on {@link #readAhead}'s facts rather than on facts read for this decision. */
        private Optional<ReadAhead> readingAhead = Optional.empty();
        /** Set once the reservations are known; until then nothing is reserved. */
        private Optional<DriftLedger.TerminationUnits> units = Optional.empty();
        /** Set once the instance was taken out of service (terminated, or quarantined); the calls that did it. */
        private boolean terminated;
        /** The calls that replaced the instance, as reported; set with {@link #terminated}. */
        private List<String> acted = List.of();
        /** The termination call failed and the instance could not be read: it may have happened. */
        private boolean outcomeUnknown;
        /** Facts only this outcome has (the template to fix, the termination replaced, the activity id). */
        private final Map<String, Object> details = new LinkedHashMap<>();
        /** Whether this decision sends the churn breaker's one alert. */
        private boolean breakerAlert;
        /** The group's refreshes, read once for rule 6 and reused by rule 9; set once the group is known. */
        private Once<Fleet.Refreshes> refreshes;
        /** AWS Config's current result for the rule and instance, read at most once. */
        private final Once<Optional<ConfigResult>> configResult;
        /** The evaluation's account's fleet, compliance results and quarantine: its own, or a member's. */
        private final Fleet fleet;
        private final Compliance compliance;
        private final QuarantineSteps quarantine;

        ClaimedEvaluation(Evaluation evaluation, Instant now, Announce announce, Attempt attempt, boolean tookOver,
                          Optional<Boolean> newestRecorded, Optional<ReadAhead> readAhead, boolean claimedFirst) {
            this.evaluation = evaluation;
            this.now = now;
            this.windowStart = DriftPolicy.rateWindowStart(now, settings.drift().rateWindow());
            this.announce = announce;
            this.attempt = attempt;
            this.tookOver = tookOver;
            this.newestRecorded = newestRecorded;
            this.readAhead = readAhead;
            this.claimedFirst = claimedFirst;
            InAccount in = accounts.apply(evaluation.account());
            this.fleet = in.fleet();
            this.compliance = in.compliance();
            this.quarantine = in.quarantine();
            this.configResult = new Once<>(() ->
                    compliance.current(evaluation.ruleName(), evaluation.resourceType(), evaluation.resourceId()));
        }

        Remediated decide(DriftCase unplaced) {
            boolean newest = newestRecorded.orElseGet(() -> ledger.recordEvaluation(evaluation, now));
            Optional<DriftReason> stopped = DriftPolicy.nonCompliant(evaluation)
                    // Events wrote the ledger, so a newer evaluation there is checked against AWS Config.
                    .or(() -> newest ? Optional.empty() : DriftPolicy.currentInConfig(evaluation, configResult.get(), false));
            if (stopped.isPresent()) {
                return finish(unplaced, stopped.get(), configFacts(), announce.announces(stopped.get()));
            }
            driftDetected();
            Optional<Remediated> refused = refuseOnFactsReadAhead(unplaced, newest);
            if (refused.isPresent()) {
                return refused.get();
            }
            return judge(unplaced, newest, fleet.describe(evaluation.instanceId())).orElseThrow();
        }

        /** A refusal on the facts {@link #readAhead} holds for the instance; empty when they hold none for it, or none refuses. */
        Optional<Remediated> refuseOnFactsReadAhead(DriftCase unplaced, boolean newest) {
            Optional<Optional<InstanceFacts>> readAheadInstance = readAhead
                    .flatMap(ahead -> ahead.instance(evaluation.account(), evaluation.instanceId()));
            if (readAheadInstance.isEmpty()) {
                return Optional.empty();
            }
            readingAhead = readAhead;
            try {
                return judge(unplaced, newest, readAheadInstance.get());
            } catch (ReadAgain breakerWouldOpen) {
                // Opening the breaker writes and alerts: that is decided on facts read for the decision alone.
                return Optional.empty();
            } finally {
                readingAhead = Optional.empty();
            }
        }

        /**
         * The rules from the instance on, judged on {@code described}. On facts read ahead only the
         * checks that refuse are made, and nothing is written but the refusal's completion: empty
         * when none refuses, and the decision is then made again on facts read for it alone.
         */
        private Optional<Remediated> judge(DriftCase unplaced, boolean newest, Optional<InstanceFacts> described) {
            Optional<DriftReason> stopped = DriftPolicy.instanceLive(described);
            if (stopped.isPresent()) {
                return Optional.of(finish(unplaced, stopped.get(), Map.of(), announce.announces(stopped.get())));
            }
            InstanceFacts instance = described.orElseThrow();
            stopped = QuarantinePolicy.notQuarantined(instance.tags());
            if (stopped.isPresent()) {
                details.put("quarantinedBy", instance.tags().get(QuarantinePolicy.MARKER_TAG));
                return Optional.of(finish(unplaced, stopped.get(), details, announce.announces(stopped.get())));
            }
            DriftCase drift = instance.group().map(group -> place(unplaced, group)).orElse(unplaced);
            Settings.Drift rules = settings.drift();
            stopped = DriftPolicy.optedInGroup(instance, rules.optInTag());
            if (stopped.isPresent()) {
                return Optional.of(finish(drift, stopped.get(), Map.of(), announce.announces(stopped.get())));
            }
            GroupFacts group = instance.group().orElseThrow();
            refreshes = new Once<>(() -> readingAhead.map(ahead -> ahead.refreshes(group.name()))
                    .orElseGet(() -> fleet.refreshes(group.name())));
            MinHealthy minHealthy = DriftPolicy.minHealthy(group, rules);
            RemediationAction action = DriftPolicy.action(group.tags(), rules);
            ReplacementChoice replacement = DriftPolicy.replacement(group, rules, action);
            int allowance = DriftPolicy.capacityAllowance(group, minHealthy, replacement);
            BudgetVerdict budget = DriftPolicy.budget(group, rules, now);
            DriftLedger.TerminationUnits needed = new DriftLedger.TerminationUnits(evaluation.instanceId(), ledgerGroup(group),
                    DriftPolicy.reservationLimit(allowance, budget), rateUnits(group), windowStart, rules.rateWindow());
            DriftCase placed = drift;
            InGroup checked = new InGroup(placed, instance, group, minHealthy, replacement, allowance, budget, needed, newest,
                    action);
            if (readingAhead.isPresent()) {
                stopped = GroupCheck.firstRefusal(checked);
                if (stopped.isEmpty()) {
                    return Optional.empty();
                }
            } else {
                stopped = GroupCheck.firstStop(checked);
            }
            DriftReason reason = stopped.orElseGet(() -> QuarantinePolicy.allRulesHold(placed.mode(), action));
            details.putAll(configFacts());
            details.putAll(action.facts());
            if (!(replacement instanceof ReplacementChoice.Terminate)) {
                details.putAll(replacement.facts());
            }
            if (reason != DriftReason.DRIFT_CONFIRMED && reason != DriftReason.DRIFT_QUARANTINED) {
                if (reason == DriftReason.CAPACITY_GUARD && replacement instanceof ReplacementChoice.Terminate
                        || reason == DriftReason.INVALID_GROUP_TAG) {
                    details.putAll(minHealthy.facts());
                }
                if (reason == DriftReason.CAPACITY_GUARD || reason == DriftReason.BUDGET_CLOSED
                        || reason == DriftReason.INVALID_BUDGET_TAG) {
                    details.putAll(budget.facts());
                }
                // The churn breaker's one alert is sent by whoever opened it, and by no later decision.
                boolean announced = reason == DriftReason.REPLACEMENT_DID_NOT_CURE ? breakerAlert : announce.announces(reason);
                return Optional.of(finish(placed, reason, details, announced));
            }
            if (reason == DriftReason.DRIFT_QUARANTINED) {
                quarantine(placed, group.name(), now.plus(rules.quarantine().retention()));
            } else {
                replace(replacement);
            }
            return Optional.of(finish(placed, reason, details, announce.announces(reason)));
        }

        /** The group's name in the ledger, with its account when that is a member's. */
        private String ledgerGroup(GroupFacts group) {
            return DriftPolicy.ledgerGroup(evaluation.account(), settings.accountId(), group.name());
        }

        /**
         * Rule 7's limits: the group's, its account's and, when the functions serve member
         * accounts, every account's together, counted under the functions' own account.
         */
        private List<DriftLedger.RateUnit> rateUnits(GroupFacts group) {
            Settings.Drift rules = settings.drift();
            List<DriftLedger.RateUnit> units = new java.util.ArrayList<>(List.of(
                    new DriftLedger.RateUnit(RateScope.GROUP, ledgerGroup(group), rules.maxTerminationsPerGroup()),
                    new DriftLedger.RateUnit(RateScope.ACCOUNT, evaluation.account(), rules.maxTerminationsPerAccount())));
            if (!settings.members().none()) {
                units.add(new DriftLedger.RateUnit(RateScope.ORGANIZATION, settings.accountId(),
                        rules.maxTerminationsPerOrganization()));
            }
            return units;
        }

        /** The facts of the group-stage checks, read as they are asked for ({@link GroupCheck}). */
        private final class InGroup implements GroupCheck.Facts {
            private final DriftCase placed;
            private final InstanceFacts instance;
            private final GroupFacts group;
            private final MinHealthy minHealthy;
            private final ReplacementChoice replacement;
            private final int allowance;
            private final BudgetVerdict budget;
            private final DriftLedger.TerminationUnits needed;
            private final boolean newest;
            private final RemediationAction action;

            InGroup(DriftCase placed, InstanceFacts instance, GroupFacts group, MinHealthy minHealthy,
                    ReplacementChoice replacement, int allowance, BudgetVerdict budget, DriftLedger.TerminationUnits needed,
                    boolean newest, RemediationAction action) {
                this.placed = placed;
                this.instance = instance;
                this.group = group;
                this.minHealthy = minHealthy;
                this.replacement = replacement;
                this.allowance = allowance;
                this.budget = budget;
                this.needed = needed;
                this.newest = newest;
                this.action = action;
            }

            @Override
            public RemediationAction action() {
                return action;
            }

            /** Quarantine only: the instance's interfaces are read (DescribeInstances) and each VPC must have a quarantine group. */
            @Override
            public Optional<DriftReason> quarantineReady() {
                if (!action.is(RemediationAction.Kind.QUARANTINE)) {
                    return Optional.empty();
                }
                Map<String, String> groups = settings.drift().quarantine().securityGroupsByVpc();
                List<QuarantinePolicy.NetworkInterface> interfaces = quarantine.interfaces(evaluation.instanceId());
                Optional<DriftReason> stopped = QuarantinePolicy.quarantineReady(interfaces, groups);
                stopped.ifPresent(reason -> details.put("vpcsWithoutQuarantineGroup",
                        QuarantinePolicy.vpcsWithoutGroup(interfaces, groups)));
                return stopped;
            }

            @Override
            public Evaluation evaluation() {
                return evaluation;
            }

            @Override
            public InstanceFacts instance() {
                return instance;
            }

            @Override
            public GroupFacts group() {
                return group;
            }

            @Override
            public String protectTag() {
                return settings.drift().protectTag();
            }

            @Override
            public boolean refreshInProgress() {
                return refreshes.get().inProgress();
            }

            @Override
            public MinHealthy minHealthy() {
                return minHealthy;
            }

            @Override
            public ReplacementChoice replacement() {
                return replacement;
            }

            @Override
            public int capacityAllowance() {
                return allowance;
            }

            @Override
            public BudgetVerdict budget() {
                return budget;
            }

            @Override
            public Optional<DriftReason> churnBreaker() {
                return ClaimedEvaluation.this.churnBreaker(placed, instance, group);
            }

            @Override
            public Optional<DriftReason> replacementWouldCure() {
                return ClaimedEvaluation.this.replacementWouldCure(instance, group);
            }

            @Override
            public Optional<DriftReason> knownPaused() {
                return ledger.knownPaused(needed).flatMap(paused -> refused(placed, needed, paused));
            }

            @Override
            public Optional<ConfigResult> configResult() {
                return configResult.get();
            }

            @Override
            public boolean newestRecorded() {
                return newest;
            }

            @Override
            public Optional<DriftReason> reserve() {
                return ClaimedEvaluation.this.reserve(placed, needed, new Termination(evaluation.instanceId(), now, group.members()));
            }
        }

        /**
         * The attempt that held this event reserved everything and went on to terminate, then died
         * (its claim outlived its deadline marked terminating). The instance is read again: when
         * the termination happened it is reported now, with its announcement; otherwise the
         * decision is made afresh, and the reservations the dead attempt made under the same
         * decision token are this attempt's own.
         */
        Remediated recover(DriftCase unplaced) {
            Optional<InstanceFacts> described = fleet.describe(evaluation.instanceId());
            if (described.isPresent() && QuarantinePolicy.startedBy(described.get().tags(), evaluation.eventId())) {
                return resumeQuarantine(unplaced, described.get());
            }
            // An instance its group lists Unhealthy is being replaced: the dead attempt's surge happened.
            if (!DriftPolicy.surgeApplied(described)) {
                return decide(unplaced);
            }
            terminated = true;
            // What is seen now: a surge whose instance the group has already terminated reads as a termination.
            acted = List.of((DriftPolicy.terminationApplied(described) ? TERMINATE_ACTION : SURGE_ACTION) + evaluation.instanceId());
            details.put("recovered", "the attempt that replaced the instance (terminated it, or marked it Unhealthy for a"
                    + " surge) ended before reporting it");
            DriftCase drift = described.flatMap(InstanceFacts::group).map(group -> place(unplaced, group)).orElse(unplaced);
            return finish(drift, DriftReason.DRIFT_CONFIRMED, details, announce.announces(DriftReason.DRIFT_CONFIRMED));
        }

        /**
         * The attempt that held this event began quarantining the instance (its marker names this
         * event) and died: the steps are run again, each skipping what is done, with the group and
         * retention end the marker recorded. Only enforce mode quarantines, so the case is enforce.
         */
        private Remediated resumeQuarantine(DriftCase unplaced, InstanceFacts instance) {
            Map<String, String> tags = instance.tags();
            String group = tags.getOrDefault(QuarantinePolicy.GROUP_TAG, "");
            DriftCase drift = instance.group().map(facts -> place(unplaced, facts))
                    .orElseGet(() -> unplaced.inGroup(group, Optional.empty(), Mode.ENFORCE));
            Instant until = QuarantinePolicy.until(tags).orElseGet(() -> now.plus(settings.drift().quarantine().retention()));
            details.put("recovered", "the attempt that began the quarantine ended before finishing it");
            quarantine(drift, group, until);
            return finish(drift, DriftReason.DRIFT_QUARANTINED, details, announce.announces(DriftReason.DRIFT_QUARANTINED));
        }

        /**
         * The quarantine steps ({@link QuarantineSteps}). When one fails after the first write, the
         * instance may be isolated already: nothing is given back and the claim stays marked
         * terminating until the deadline (as for a termination whose outcome is unknown), the
         * team is told which step failed, and the retry resumes from the instance's marker.
         */
        private void quarantine(DriftCase drift, String group, Instant until) {
            QuarantineSteps.Done done;
            try {
                done = quarantine.run(evaluation.instanceId(), group, evaluation.eventId(), until);
            } catch (QuarantineSteps.Incomplete incomplete) {
                if (incomplete.started()) {
                    outcomeUnknown = true;
                    try {
                        reporter.report(QuarantineReports.incomplete(drift, incomplete.step().label(), incomplete.done(),
                                incomplete.isolated(), String.valueOf(incomplete.getCause().getMessage())));
                    } catch (RuntimeException unreported) {
                        incomplete.addSuppressed(unreported);
                    }
                }
                throw incomplete;
            }
            acted = done.actions();
            details.putAll(done.details());
            terminated = true;
        }

        /**
         * TerminateInstanceInAutoScalingGroup, or for a surge SetInstanceHealth Unhealthy. A call
         * that fails may still have been applied (the reply was lost, or the SDK's retry met an
         * instance already terminating), so the instance is read again before deciding what
         * happened: a replacement that happened keeps its reservations and is reported; one that
         * did not is given back by {@link #abandon}. When even the read fails, nothing is given
         * back: the claim stays marked terminating until the deadline, and the retry after it
         * reads the instance and recovers.
         */
        private void replace(ReplacementChoice replacement) {
            String instanceId = evaluation.instanceId();
            boolean surge = replacement instanceof ReplacementChoice.Surge;
            try {
                if (surge) {
                    fleet.surge(instanceId);
                } else {
                    details.put("activityId", fleet.terminate(instanceId));
                }
            } catch (RuntimeException failure) {
                boolean applied;
                try {
                    Optional<InstanceFacts> reread = fleet.describe(instanceId);
                    applied = surge ? DriftPolicy.surgeApplied(reread) : DriftPolicy.terminationApplied(reread);
                } catch (RuntimeException reread) {
                    failure.addSuppressed(reread);
                    outcomeUnknown = true;
                    throw failure;
                }
                if (!applied) {
                    throw failure;
                }
                details.put(surge ? "surgeCall" : "activityId", "unknown: the call failed (" + failure.getMessage()
                        + ") but the instance was found " + (surge ? "marked Unhealthy" : "terminating"));
            }
            acted = List.of((surge ? SURGE_ACTION : TERMINATE_ACTION) + instanceId);
            terminated = true;
        }

        /**
         * Reports the decision and completes the event's claim, giving back whatever the decision
         * reserved unless it terminated. The claim is completed after the report, so a report
         * that fails leaves the event to Lambda's retry; when only the notification failed and the
         * instance was terminated, the claim is completed owing it.
         */
        private Remediated finish(DriftCase drift, DriftReason reason, Map<String, Object> facts, boolean announced) {
            List<String> actions = terminated ? acted : List.of();
            if (readingAhead.isPresent()) {
                facts = new LinkedHashMap<>(facts);
                // The audit tells a refusal on a sweep batch's facts from one on facts read for the decision alone.
                facts.put("factsReadAt", readingAhead.get().readAt().toString());
            }
            if (!claimedFirst && announced) {
                // Published before the write that claims it, it could be announced twice: never so.
                throw new IllegalStateException("a decision made before its claim announced " + reason.label());
            }
            try {
                return report(drift, reason, actions, facts, announced, Optional.of(this::complete));
            } catch (UndeliveredNotificationException undelivered) {
                if (terminated) {
                    ledger.completeEvent(evaluation, attempt, Optional.of(undelivered.message()));
                }
                throw undelivered;
            }
        }

        /**
         * Completes the event's claim with the decision's audit record, giving back what it reserved
         * unless it terminated; or, for a decision made before its claim, claims the event with both
         * ({@link ClaimedBefore} when that is refused: nothing was written).
         */
        private boolean complete(Ledger.Put audit) {
            if (!claimedFirst) {
                if (!ledger.claimDecided(evaluation, attempt, audit, now)) {
                    throw new ClaimedBefore();
                }
                return true;
            }
            return terminated || units.isEmpty() ? ledger.completeEvent(evaluation, attempt, audit)
                    : ledger.giveBackAndComplete(evaluation, units.get(), attempt, audit);
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
            ChurnRecord record = readingAhead.map(ahead -> ahead.churn(ledgerGroup(group), evaluation.ruleName()))
                    .orElseGet(() -> ledger.churn(ledgerGroup(group), evaluation.ruleName()));
            Optional<Instant> clearedAt = ChurnBreaker.clearedAt(group.tags());
            boolean open = ChurnBreaker.open(record.breaker(), clearedAt);
            Optional<Termination> replaced = open ? Optional.empty()
                    : ChurnBreaker.replacing(instance, record.terminations(), clearedAt, refreshes.get().lastStarted(),
                            now, settings.drift().rateWindow());
            if (replaced.isPresent() && readingAhead.isPresent()) {
                throw new ReadAgain();
            }
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
                breakerAlert = drift.mode() != Mode.ENFORCE || ledger.openBreaker(ledgerGroup(group), evaluation.ruleName(),
                        evaluation.instanceId(), evaluation.eventId(), now, clearedAt, attempt);
            });
            details.put("clearWith", Hints.clearBreaker(ledgerGroup(group), evaluation.ruleName()));
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
                details.put("fix", Hints.whatToFix(replacement));
            });
            return stopped;
        }

        /**
         * Handling failed. Before the termination: what was reserved is given back and the event
         * released, so that a retry decides afresh. After it: nothing is given back (the
         * termination counts against every limit) and the claim stays as it is, completed owing
         * the announcement or, if even that failed, in progress and marked terminating until the
         * deadline, after which the retry recovers it. The same when the termination's outcome is
         * unknown.
         */
        void abandon(RuntimeException failure) {
            if (terminated || outcomeUnknown) {
                return;
            }
            try {
                if (units.isPresent()) {
                    ledger.giveBackAndRelease(evaluation, units.get(), attempt);
                } else {
                    ledger.releaseEvent(evaluation, attempt);
                }
            } catch (RuntimeException cleanup) {
                failure.addSuppressed(cleanup);
            }
        }

        /**
         * Rules 3, 6 and 7 in one transaction: the instance's one termination, a unit of the
         * group's capacity allowance, and the group's and the account's (the account the function
         * acts in, never the event's) rate units, all or none, so a decision one limit refuses
         * holds nothing of another's. In enforce mode it is the last step before the termination
         * and also marks the claim terminating and remembers {@code termination} for the churn
         * breaker; so it is taken only with the time to terminate and report left. In dry run the
         * units are only read.
         */
        private Optional<DriftReason> reserve(DriftCase drift, DriftLedger.TerminationUnits needed, Termination termination) {
            if (drift.mode() != Mode.ENFORCE) {
                return ledger.wouldRefuse(needed, now).flatMap(refusal -> refused(drift, needed, refusal));
            }
            if (clock.instant().plus(TIME_TO_ACT).isAfter(attempt.deadline())) {
                throw new IllegalStateException("too little time left before the invocation's deadline " + attempt.deadline()
                        + " to terminate and report it; nothing was reserved or terminated, and the event is left for a retry");
            }
            // Set first: a reservation that fails with an exception may have been applied, and is given back.
            units = Optional.of(needed);
            Optional<DriftLedger.Refusal> refused;
            try {
                refused = ledger.reserve(evaluation, needed, termination, attempt, now);
            } catch (ClaimLapsedException claimLapsed) {
                // Nothing was written; the units under this decision token are the attempt's that took the claim over.
                units = Optional.empty();
                throw claimLapsed;
            }
            if (refused.isPresent() && !tookOver) {
                // All or none: a refused reservation wrote nothing, so there is nothing to give back.
                units = Optional.empty();
            }
            return refused.flatMap(refusal -> refused(drift, needed, refusal));
        }

        /**
         * The rule a refused reservation breaks. The first rate limit reached in enforce mode
         * opens the circuit for the rest of the window and sends the window's one storm alert.
         */
        private Optional<DriftReason> refused(DriftCase drift, DriftLedger.TerminationUnits needed, DriftLedger.Refusal refusal) {
            return switch (refusal) {
                case DriftLedger.Refusal.AlreadyTerminating ignored -> DriftPolicy.notAlreadyTerminating(false);
                case DriftLedger.Refusal.NoCapacity ignored -> DriftPolicy.capacityGuard(false);
                case DriftLedger.Refusal.RateLimit limit -> {
                    if (drift.mode() == Mode.ENFORCE) {
                        needed.rates().stream().filter(unit -> unit.scope() == limit.scope()).findFirst()
                                .filter(unit -> !limit.stormAlerted())
                                .ifPresent(unit -> storm(drift, unit, limit.circuitOpen()));
                    }
                    yield Optional.of(limit.scope().reason());
                }
            };
        }

        /**
         * Opens the scope's circuit, unless the refused reservation found it open already, and
         * claims the window's one storm alert. Every refused decision tries it until the rate item
         * says the alert is out, so an alert whose sender failed or died is sent by a later one.
         */
        private void storm(DriftCase drift, DriftLedger.RateUnit unit, boolean circuitOpen) {
            Duration window = settings.drift().rateWindow();
            RateScope scope = unit.scope();
            String name = unit.name();
            if (!circuitOpen) {
                ledger.openCircuit(scope, name, windowStart, window);
            }
            if (ledger.claimStormAlert(scope, name, windowStart, window, attempt, evaluation.eventId(), now)) {
                boolean sent = false;
                try {
                    reporter.report(DriftReports.storm(drift, scope, name, unit.limit(), windowStart, windowStart.plus(window)));
                    reporter.telemetry().count(Map.of("StormAlerts", 1), Map.of("Scope", scope.label()));
                    sent = true;
                } finally {
                    // Released when it failed, so that the next refused decision sends it.
                    ledger.stormAlerted(scope, name, windowStart, attempt, sent);
                }
            }
        }
    }

    /**
     * A refusal decided before its claim met a claim of the event made before it, or a newer
     * evaluation on record: nothing was written, and the decision is made again, claim first.
     */
    private static final class ClaimedBefore extends RuntimeException {
        ClaimedBefore() {
            super("the event was claimed before, or a newer evaluation is recorded", null, false, false);
        }
    }

    /**
     * On facts read ahead, the instance would open its group's churn breaker: a write and an
     * alert, so the decision is made again on facts read for it alone.
     */
    private static final class ReadAgain extends RuntimeException {
        ReadAgain() {
            super("the churn breaker would open on facts read ahead", null, false, false);
        }
    }

    private DriftCase place(DriftCase drift, GroupFacts group) {
        Optional<String> app = Optional.ofNullable(group.tags().get(settings.rollout().appTag()));
        return drift.inGroup(group.name(), app, GroupModes.effective(settings, group.tags()));
    }

    private Remediated report(DriftCase drift, DriftReason reason, List<String> actions, Map<String, Object> details,
                              Announce announce) {
        return report(drift, reason, actions, details, announce.announces(reason), Optional.empty());
    }

    /** Reports the decision; {@code recordWith}, when given, writes its audit record with the decision's last write. */
    private Remediated report(DriftCase drift, DriftReason reason, List<String> actions, Map<String, Object> details,
                              boolean announced, Optional<Predicate<Ledger.Put>> recordWith) {
        Report decided = DriftReports.decision(drift, reason, actions, details);
        Report report = announced ? decided : decided.withoutNotification();
        Result.Decided result = recordWith.map(write -> reporter.report(report, write))
                .orElseGet(() -> reporter.report(report));
        if (reason == DriftReason.DRIFT_CONFIRMED) {
            reporter.telemetry().count(Map.of("Terminated", 1), Map.of());
        } else if (reason == DriftReason.DRIFT_QUARANTINED) {
            reporter.telemetry().count(Map.of("Quarantined", 1), Map.of());
        } else {
            reporter.telemetry().count(Map.of("NotTerminated", 1), Map.of("Reason", reason.label()));
        }
        return new Remediated(drift, reason, result);
    }
}
