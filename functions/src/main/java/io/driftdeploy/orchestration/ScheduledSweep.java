package io.driftdeploy.orchestration;

import io.driftdeploy.aws.AccountClients;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Compliance.NonCompliantPage;
import io.driftdeploy.aws.Compliance;
import io.driftdeploy.aws.DynamoEventClaims;
import io.driftdeploy.aws.EventClaims.EventKey;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.SqsSweepQueue;
import io.driftdeploy.aws.SweepQueue;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.ComplianceType;
import io.driftdeploy.event.InvalidEventException;
import io.driftdeploy.event.QueueBatch;
import io.driftdeploy.event.SweepMessage.CatchUp;
import io.driftdeploy.event.SweepMessage.EndQuarantines;
import io.driftdeploy.event.SweepMessage.Evaluate;
import io.driftdeploy.event.SweepMessage.InAccount;
import io.driftdeploy.event.SweepMessage.ListApps;
import io.driftdeploy.event.SweepMessage.ListPage;
import io.driftdeploy.event.SweepMessage.ListRules;
import io.driftdeploy.event.SweepMessage.Start;
import io.driftdeploy.event.SweepMessage;
import io.driftdeploy.message.SweepReports;
import io.driftdeploy.policy.AccountTrust;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.Rejection;
import io.driftdeploy.policy.RolloutTrigger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The scheduled sweep (docs/sweep.md): AWS delivers Config, image and refresh events on a best-effort
 * basis, so on a schedule every drift rule's NON_COMPLIANT instances are listed from AWS Config and
 * decided by the drift path, through a queue so that no sweep is bounded by one invocation's time.
 * The schedule puts a {@link Start} on the queue; it becomes, for each account the sweep serves (its
 * own, then the members: docs/organization.md), one {@link ListRules}, which becomes one
 * {@link ListPage} per drift rule there; each page becomes one {@link Evaluate} per instance, plus
 * the rule's next page. Images are missed too: the start also puts one {@link ListApps} per account,
 * which becomes one {@link CatchUp} per application, decided by the rollout path in that account
 * ({@link Rollouts#catchUp}); and one {@link EndQuarantines} per account, which ends the quarantines
 * whose retention is over ({@link QuarantineExpiry}). Every step is one message of one batch, acts
 * in the account it names with that account's clients, and is safe to repeat: a listing step is
 * claimed by its account and page, an evaluation by its event id ({@link Evaluate#eventId}) exactly
 * as an event is, and an application's catch-up by the sweep, account and application, as the
 * images function claims an image event.
 */
public final class ScheduledSweep {

    /**
     * A message is begun only with this much of the invocation left: the drift path needs
     * {@link DriftRemediation#TIME_TO_ACT} to act and report, and a listing step a page read and a
     * few SendMessageBatch calls. The rest of the batch is handed back to the queue untouched.
     */
    static final Duration TIME_TO_BEGIN = DriftRemediation.TIME_TO_ACT.plusSeconds(5);

    /** The claim of a rule's first page, which has no token. */
    private static final String FIRST_PAGE = "first";

    private final Settings settings;
    /** Every account the sweep covers: the function's own first, then the members, as known now. */
    private final Supplier<List<String>> served;
    /** Each account's AWS Config results. */
    private final Function<String, Compliance> compliance;
    private final SweepQueue queue;
    private final DriftRemediation remediation;
    /**
     * The rollout path in the function's own account: {@link Rollouts#in} lists another account's
     * applications, and {@link Rollouts#catchUp} decides in the account its trigger names.
     */
    private final Rollouts rollouts;
    private final Function<String, QuarantineExpiry> quarantines;
    private final OncePerEvent steps;
    private final Reporter reporter;
    private final Clock clock;

    ScheduledSweep(Settings settings, Supplier<List<String>> served, Function<String, Compliance> compliance, SweepQueue queue,
                   DriftRemediation remediation, Rollouts rollouts, Function<String, QuarantineExpiry> quarantines,
                   OncePerEvent steps, Reporter reporter, Clock clock) {
        this.settings = settings;
        this.served = served;
        this.compliance = compliance;
        this.queue = queue;
        this.remediation = remediation;
        this.rollouts = rollouts;
        this.quarantines = quarantines;
        this.steps = steps;
        this.reporter = reporter;
        this.clock = clock;
    }

    /** The sweep function's composition root: the sweep on AWS, its queue at {@code queueUrl}. */
    public static ScheduledSweep wire(Settings settings, AwsClients aws, String queueUrl, Clock clock, Telemetry telemetry) {
        settings.drift().requireRules();
        Ledger ledger = new Ledger(aws.dynamoDb(), settings.tableName());
        Reporter reporter = Reporter.wire(settings, ledger, aws, telemetry, clock);
        AccountClients accounts = new AccountClients(aws, settings, SweepReports.FUNCTION);
        Function<String, Compliance> compliance = DriftRemediation.compliance(accounts);
        // One list of the accounts for the sweep and its rollouts: one walk of the member units, not two.
        Supplier<List<String>> served = ServedAccounts.of(settings, accounts, clock);
        return new ScheduledSweep(settings, served, compliance,
                new SqsSweepQueue(aws.sqs(), queueUrl),
                DriftRemediation.wire(settings, ledger, accounts, compliance, reporter, clock),
                Rollouts.wire(settings, ledger, accounts, served, reporter, clock),
                QuarantineExpiry.inAccounts(settings, accounts, reporter, clock),
                new OncePerEvent(new DynamoEventClaims(ledger), telemetry, clock), reporter, clock);
    }

    public Reporter reporter() {
        return reporter;
    }

    /**
     * Handles each message of the batch on its own, in an invocation that ends by {@code deadline};
     * returns the ids of the messages to be delivered again (Lambda's partial batch response). A
     * message that failed (AWS errors, an evaluation another attempt holds, too little time left)
     * comes back after the queue's visibility timeout; one that can never succeed (malformed, of
     * another account's queue, about an account no longer served) is rejected, notified and not retried.
     */
    public List<String> handle(QueueBatch batch, Instant deadline) {
        List<String> again = new ArrayList<>();
        BatchFacts facts = new BatchFacts(batch);
        for (QueueBatch.Record record : batch.records()) {
            if (clock.instant().plus(TIME_TO_BEGIN).isAfter(deadline)) {
                again.add(record.messageId());
                continue;
            }
            try {
                handle(record, facts, deadline);
            } catch (RuntimeException failed) {
                reporter.telemetry().decision("ERROR", Map.of("messageId", record.messageId(),
                        "problem", String.valueOf(failed.getMessage()), "outcome", "delivered again"));
                reporter.telemetry().count(Map.of("SweepMessagesFailed", 1), Map.of());
                again.add(record.messageId());
            }
        }
        return again;
    }

    /**
     * The batch's messages, each parsed once, and its evaluations by account, whose instances are
     * read together ({@link ReadAhead}) when the first of them in an account is decided: that
     * account is served then, as the check before it found. A read that fails fails that message,
     * and the next one tries again.
     */
    private final class BatchFacts {
        private final Map<QueueBatch.Record, SweepMessage> messages = new HashMap<>();
        private final Map<String, List<String>> instancesByAccount = new LinkedHashMap<>();
        private final Map<String, ReadAhead> read = new HashMap<>();

        BatchFacts(QueueBatch batch) {
            for (QueueBatch.Record record : batch.records()) {
                try {
                    SweepMessage message = record.message();
                    messages.put(record, message);
                    if (message instanceof Evaluate evaluate
                            && Evaluation.namesAnInstance(evaluate.resourceType(), evaluate.resourceId())) {
                        instancesByAccount.computeIfAbsent(evaluate.account(), account -> new ArrayList<>())
                                .add(evaluate.resourceId());
                    }
                } catch (InvalidEventException malformed) {
                    // Rejected when its turn comes.
                }
            }
        }

        /** The record's message; a malformed one is parsed again here, for the field its rejection names. */
        SweepMessage message(QueueBatch.Record record) {
            SweepMessage parsed = messages.get(record);
            return parsed != null ? parsed : record.message();
        }

        ReadAhead in(String account) {
            return read.computeIfAbsent(account,
                    served -> remediation.readAhead(served, instancesByAccount.getOrDefault(served, List.of())));
        }
    }

    private void handle(QueueBatch.Record record, BatchFacts facts, Instant deadline) {
        SweepMessage message;
        try {
            message = facts.message(record);
        } catch (InvalidEventException invalid) {
            reporter.reject(SweepReports.FUNCTION, invalid.field(), invalid.problem());
            return;
        }
        Optional<Rejection> foreign = AccountTrust.foreignAccount(SweepReports.FUNCTION, record.account(), settings.accountId());
        if (foreign.isEmpty() && message instanceof InAccount inAccount) {
            // Served when the step was sent, but a sweep outlasts a change of the organization: an account
            // that has left the member units since (or was suspended) is not acted in, nor retried.
            foreign = AccountTrust.servedNow(SweepReports.FUNCTION, inAccount.account(), settings.accountId(), served);
        }
        if (foreign.isPresent()) {
            reporter.reject(foreign.get());
            return;
        }
        switch (message) {
            case Start start -> start(start, deadline);
            case ListRules rules -> listRules(rules, deadline);
            case ListPage page -> list(page, deadline);
            case Evaluate evaluate -> remediation.remediate(evaluation(evaluate, record.region()),
                    DriftRemediation.Announce.TERMINATIONS, DriftRemediation.Source.QUEUE, deadline,
                    Optional.of(facts.in(evaluate.account())));
            case ListApps apps -> listApps(apps, deadline);
            case CatchUp catchUp -> catchUp(catchUp, record.region(), deadline);
            case EndQuarantines end -> endQuarantines(end, deadline);
        }
    }

    /**
     * For every account served, the drift rules' step, the applications' step and the quarantines'
     * step, once per sweep. Each account's steps are messages of their own, so that an account whose
     * member role cannot be assumed (a new account the StackSet has not reached yet) fails and comes
     * back alone, and no sweep's start makes more than the one call that lists the accounts.
     */
    private void start(Start start, Instant deadline) {
        once(start.sweepId() + "#start", deadline, start, () -> {
            List<String> accounts = served.get();
            List<SweepMessage> next = new ArrayList<>();
            for (String account : accounts) {
                next.add(new ListRules(start.sweepId(), account));
                next.add(new ListApps(start.sweepId(), account));
                next.add(new EndQuarantines(start.sweepId(), account));
            }
            queue.send(next);
            return Map.of("accounts", accounts.size());
        });
    }

    /** The first page of each drift rule in the account: those named, and those starting with the prefix there. */
    private void listRules(ListRules listRules, Instant deadline) {
        once(listRules.stepId("rules", settings.accountId()), deadline, listRules, () -> {
            Set<String> rules = compliance.apply(listRules.account()).driftRules(settings.drift());
            queue.send(rules.stream().map(rule -> new ListPage(listRules.sweepId(), listRules.account(), rule, Optional.empty()))
                    .toList());
            return Map.of("rules", rules.size());
        });
    }

    /** One catch-up per application of the account, once per sweep: each is decided on its own, and fails and comes back alone. */
    private void listApps(ListApps listApps, Instant deadline) {
        once(listApps.stepId("apps", settings.accountId()), deadline, listApps, () -> {
            Set<String> apps = rollouts.in(listApps.account()).apps();
            queue.send(apps.stream().map(app -> new CatchUp(listApps.sweepId(), listApps.account(), app)).toList());
            return Map.of("apps", apps.size());
        });
    }

    /**
     * The application's groups in the account caught up to its newest golden image (found where
     * its tags are seen: {@link Rollouts#catchUp}), once per sweep and mode, as the images function
     * handles an image event ({@link Rollouts#once}): a refresh AWS refused to start is announced
     * (HIGH) and its claim given back, so the next sweep tries it again.
     */
    private void catchUp(CatchUp catchUp, String region, Instant deadline) {
        String stepId = catchUp.stepId("app#" + catchUp.app(), settings.accountId());
        RolloutTrigger trigger = new RolloutTrigger(SweepReports.FUNCTION, stepId, catchUp.account(), region,
                "scheduled sweep " + catchUp.sweepId());
        rollouts.once(SweepReports.FUNCTION, stepId, catchUp.app(), deadline, () -> rollouts.catchUp(trigger, catchUp.app()));
    }

    /**
     * The quarantines whose retention is over, ended once per sweep. A quarantine exists only
     * because enforce mode made it, and its retention was promised then, so the global mode does
     * not hold it back; only a person's forced dry run (the CLI's --dry-run) changes nothing. A
     * sweep that could not end one fails after ending the rest, and its retry lists only those still
     * running.
     */
    private void endQuarantines(EndQuarantines end, Instant deadline) {
        once(end.stepId("quarantines", settings.accountId()), deadline, end, () -> settings.dryRunForced()
                ? Map.of("quarantines", "not ended: a dry run was forced")
                : quarantines.apply(end.account()).sweep(end.sweepId()).json());
    }

    /**
     * One page of a rule in the account: an evaluation per instance on it, and the next page, once
     * per page. A rule that AWS Config does not know there is reported, not retried: it will not
     * appear by then.
     */
    private void list(ListPage page, Instant deadline) {
        String pageKey = page.nextToken().map(ScheduledSweep::digest).orElse(FIRST_PAGE);
        once(page.stepId("list#" + page.ruleName() + "#" + pageKey, settings.accountId()), deadline, page, () -> {
            Optional<NonCompliantPage> listed = compliance.apply(page.account()).nonCompliantPage(page.ruleName(), page.nextToken());
            if (listed.isEmpty()) {
                reporter.telemetry().count(Map.of("SweepRulesMissing", 1), Map.of());
                return Map.of("rule", page.ruleName(), "problem",
                        "AWS Config knows no such rule in account " + page.account() + " and this region");
            }
            List<SweepMessage> next = new ArrayList<>();
            listed.get().results().stream()
                    // A drift rule may evaluate other resource types too; only instances are replaced.
                    .filter(result -> Evaluation.namesAnInstance(result.resourceType(), result.resourceId()))
                    .forEach(result -> next.add(new Evaluate(page.sweepId(), page.account(), result.ruleName(),
                            result.resourceType(), result.resourceId(), result.orderingTimestamp())));
            int evaluations = next.size();
            listed.get().nextToken().ifPresent(token -> next.add(new ListPage(page.sweepId(), page.account(), page.ruleName(),
                    Optional.of(token))));
            queue.send(next);
            reporter.telemetry().count(Map.of("SweepEvaluationsQueued", evaluations), Map.of());
            return Map.of("rule", page.ruleName(), "evaluationsQueued", evaluations,
                    "morePages", listed.get().nextToken().isPresent());
        });
    }

    /**
     * A listing step, once: a repeat (the message delivered again, or sent twice) finds it done;
     * one that failed gives its claim back and fails, so that the queue delivers it again. One log
     * line says what it did.
     */
    private void once(String stepId, Instant deadline, SweepMessage message, Supplier<Map<String, Object>> step) {
        Map<String, Object> done = steps.handle(EventKey.once(SweepReports.FUNCTION, stepId), deadline,
                () -> Map.of("duplicate", true),
                () -> new OncePerEvent.Ran<>(step.get(), false));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("sweepId", message.sweepId());
        if (message instanceof InAccount inAccount) {
            line.put("account", inAccount.account());
        }
        line.put("step", stepId);
        line.putAll(done);
        reporter.telemetry().decision("INFO", line);
    }

    /**
     * The evaluation as the drift path decides it: in the account the message names (served, checked
     * above), whose ports the drift path then uses, and the queue's region.
     */
    private Evaluation evaluation(Evaluate evaluate, String region) {
        return new Evaluation(evaluate.eventId(settings.accountId()), evaluate.account(), region, evaluate.ruleName(),
                evaluate.resourceType(), evaluate.resourceId(), ComplianceType.NON_COMPLIANT, evaluate.orderingTimestamp());
    }

    /** A page token as a claim key: Config's tokens are long and opaque, their digest short and as unique. */
    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException always) {
            throw new IllegalStateException("every JVM has SHA-256", always);
        }
    }
}
