package io.driftdeploy.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.SweepQueue;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.ComplianceType;
import io.driftdeploy.event.QueueBatch;
import io.driftdeploy.event.SweepMessage;
import io.driftdeploy.fakes.FakeAuditTrail;
import io.driftdeploy.fakes.FakeClock;
import io.driftdeploy.fakes.FakeCompliance;
import io.driftdeploy.fakes.FakeDriftLedger;
import io.driftdeploy.fakes.FakeEventClaims;
import io.driftdeploy.fakes.FakeFleet;
import io.driftdeploy.fakes.FakeImageCatalog;
import io.driftdeploy.fakes.FakeNotifier;
import io.driftdeploy.fakes.FakeQuarantine;
import io.driftdeploy.fakes.FakeRolloutFleet;
import io.driftdeploy.fakes.FakeRolloutLedger;
import io.driftdeploy.policy.DescribedImage;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.InstanceState;
import io.driftdeploy.policy.QuarantinePolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The scheduled sweep on fakes: its steps fan out through the queue, over every account served and
 * each acting in its account, every step is safe to repeat, and a message is handed back to the
 * queue (a partial batch response) exactly when it may succeed later.
 */
class ScheduledSweepTest {

    private static final String ACCOUNT = "123456789012";
    private static final String MEMBER = "111122223333";
    private static final String REGION = "eu-west-1";
    private static final String RULE = "dd-drift-golden-ami";
    private static final String APP_TAG = "drift-deploy:app";
    private static final Map<String, String> OPTED_IN = Map.of("drift-deploy:remediation", "terminate");
    private static final Instant NOW = Instant.parse("2026-12-02T10:15:00Z");
    private static final Duration INVOCATION = Duration.ofMinutes(2);

    private final FakeClock clock = new FakeClock(NOW);
    private final FakeDriftLedger driftLedger = new FakeDriftLedger();
    /** The central account's fleet, Config, quarantines and images (the function's own). */
    private final Account central = new Account();
    /** A member account's, reached through its member role on AWS. */
    private final Account member = new Account();
    private final FakeFleet fleet = central.fleet;
    private final FakeQuarantine quarantine = central.quarantine;
    private final FakeCompliance compliance = central.compliance;
    private final FakeImageCatalog images = central.images;
    private final FakeRolloutFleet rolloutFleet = central.rolloutFleet;
    private final FakeEventClaims stepClaims = new FakeEventClaims();
    private final FakeNotifier notifier = new FakeNotifier();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final Queue queue = new Queue();
    /** The accounts served as AWS Organizations says now: the central one, unless a test serves the member too. */
    private final List<String> served = new ArrayList<>(List.of(ACCOUNT));
    private final Settings settings;
    private ScheduledSweep sweep;

    /** One account's ports, as the sweep acts on them. */
    private final class Account {
        final FakeFleet fleet = new FakeFleet();
        final FakeQuarantine quarantine = new FakeQuarantine(fleet);
        final FakeCompliance compliance = new FakeCompliance().rule(RULE, Optional.empty());
        final FakeImageCatalog images = new FakeImageCatalog();
        final FakeRolloutFleet rolloutFleet = new FakeRolloutFleet(clock);
        final Rollouts.InAccount rollouts = new Rollouts.InAccount(images, rolloutFleet, new FakeRolloutLedger());
        /** Whether the account's role cannot be assumed, once: its next step fails, as an AWS error would. */
        boolean unreachableOnce;

        /** Its Config results, failing once when it is unreachable. */
        FakeCompliance reached() {
            if (unreachableOnce) {
                unreachableOnce = false;
                throw new IllegalStateException("AccessDenied: not authorized to perform sts:AssumeRole");
            }
            return compliance;
        }
    }

    ScheduledSweepTest() {
        settings = settings(Map.of());
        sweep = sweep(settings);
    }

    private static Settings settings(Map<String, String> more) {
        Map<String, String> env = new HashMap<>();
        env.put(Settings.PREFIX + "TOPIC_ARN", "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":drift-deploy");
        env.put(Settings.PREFIX + "TABLE", "drift-deploy-ledger");
        env.put(Settings.PREFIX + "ACCOUNT_ID", ACCOUNT);
        env.put(Settings.PREFIX + "MEMBER_ACCOUNTS", MEMBER);
        env.put(Settings.PREFIX + "DRIFT_RULES", RULE);
        env.put(Settings.PREFIX + "MODE", "enforce");
        env.put(Settings.PREFIX + "MIN_HEALTHY_PERCENT", "0");
        env.putAll(more);
        return Settings.from(env);
    }

    private Account account(String id) {
        return switch (id) {
            case ACCOUNT -> central;
            case MEMBER -> member;
            default -> throw new IllegalArgumentException("no ports in account " + id);
        };
    }

    private ScheduledSweep sweep(Settings settings) {
        Telemetry telemetry = new Telemetry("sweep", new PrintStream(log, true, StandardCharsets.UTF_8), clock);
        Reporter reporter = new Reporter(new FakeAuditTrail(), notifier, telemetry, clock);
        Rollouts rollouts = new Rollouts(settings, new Rollouts.RolloutAccounts() {
            @Override
            public List<String> served() {
                return List.copyOf(served);
            }

            @Override
            public Rollouts.InAccount in(String account) {
                return account(account).rollouts;
            }
        }, new OncePerEvent(new FakeEventClaims(), telemetry, clock), reporter, clock);
        return new ScheduledSweep(settings, () -> List.copyOf(served), account -> account(account).reached(), queue,
                new DriftRemediation(settings, driftLedger, account -> new DriftRemediation.InAccount(account(account).fleet,
                        account(account).compliance, new QuarantineSteps(account(account).quarantine, Map.of())), reporter, clock),
                rollouts,
                account -> new QuarantineExpiry(account, account(account).quarantine, "drift-deploy:keep", reporter, clock),
                new OncePerEvent(stepClaims, telemetry, clock), reporter, clock);
    }

    /** The sweep's queue in memory: what was sent, in order; the first send of evaluations can be made to fail. */
    private static final class Queue implements SweepQueue {
        private final Deque<String> bodies = new ArrayDeque<>();
        private boolean failFirstEvaluations;

        @Override
        public void send(List<? extends SweepMessage> messages) {
            if (failFirstEvaluations && !messages.isEmpty() && messages.getFirst() instanceof SweepMessage.Evaluate) {
                failFirstEvaluations = false;
                // Part of it went out before the failure, as when a later SendMessageBatch call of a step fails.
                bodies.add(messages.getFirst().json());
                throw new IllegalStateException("SendMessageBatch failed");
            }
            messages.forEach(message -> bodies.add(message.json()));
        }
    }

    /** Lambda's event source mapping: batches of ten until the queue is empty; returns every message id handed back. */
    private List<String> drain() {
        List<String> handedBack = new ArrayList<>();
        int ids = 0;
        while (!queue.bodies.isEmpty()) {
            if (ids > 10_000) {
                throw new AssertionError("the queue never drains: handed back " + handedBack.size() + " times");
            }
            List<QueueBatch.Record> batch = new ArrayList<>();
            Map<String, String> bodies = new HashMap<>();
            while (batch.size() < 10 && !queue.bodies.isEmpty()) {
                String id = "m" + ++ids;
                bodies.put(id, queue.bodies.poll());
                batch.add(new QueueBatch.Record(id, ACCOUNT, REGION, bodies.get(id)));
            }
            List<String> again = sweep.handle(new QueueBatch(batch), clock.instant().plus(INVOCATION));
            handedBack.addAll(again);
            again.forEach(id -> queue.bodies.add(bodies.get(id)));
        }
        return handedBack;
    }

    private void start(String sweepId) {
        queue.bodies.add(new SweepMessage.Start(sweepId).json());
    }

    /** {@code count} instances of an opted-in group of the central account, each NON_COMPLIANT with the rule. */
    private void driftedGroup(int count) {
        driftedGroup(central, "web", RULE, count);
    }

    /** {@code count} instances of an opted-in group in {@code account}, each NON_COMPLIANT with {@code rule} there. */
    private List<String> driftedGroup(Account account, String group, String rule, int count) {
        account.fleet.group(group, OPTED_IN, count);
        List<String> instances = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            instances.add(FakeFleet.member(group, i));
            account.compliance.result(rule, FakeFleet.member(group, i), ComplianceType.NON_COMPLIANT, NOW.minusSeconds(600));
        }
        return instances;
    }

    /** The messages the queue holds now, handled as one batch (one invocation). */
    private List<String> handleOneBatch() {
        List<QueueBatch.Record> batch = new ArrayList<>();
        while (!queue.bodies.isEmpty()) {
            batch.add(new QueueBatch.Record("one-" + batch.size(), ACCOUNT, REGION, queue.bodies.poll()));
        }
        return sweep.handle(new QueueBatch(batch), clock.instant().plus(INVOCATION));
    }

    private List<String> decidedEventIds() {
        return driftLedger.audits().stream().map(audit -> audit.attributes().get("eventId").s()).toList();
    }

    @Test
    void aSweepListsEveryPageAndDecidesEachInstanceOnce() {
        driftedGroup(7);
        start("s1");

        assertThat(drain()).isEmpty();

        assertThat(compliance.calls()).filteredOn(call -> call.startsWith("nonCompliantPage"))
                .containsExactly("nonCompliantPage " + RULE, "nonCompliantPage " + RULE + " 3", "nonCompliantPage " + RULE + " 6");
        assertThat(decidedEventIds()).hasSize(7).doesNotHaveDuplicates().allMatch(id -> id.startsWith("s1#sweep#" + RULE + "#"));
        // The default limit: two a group a window; the rest are refused by the rate guard, not lost.
        assertThat(fleet.terminated()).hasSize(2);
    }

    @Test
    void aListingStepWhoseSendFailedComesBackAndItsEvaluationsAreStillDecidedOnce() {
        driftedGroup(4);
        // The first page's send gets its first evaluation out and fails.
        queue.failFirstEvaluations = true;
        start("s1");

        List<String> handedBack = drain();

        assertThat(handedBack).hasSize(1);
        assertThat(decidedEventIds()).hasSize(4).doesNotHaveDuplicates();
        // The first evaluation was sent twice (before the failure and by the retry) and decided once.
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("\"reason\":\"duplicate-event\"");
    }

    @Test
    void theSameSweepStartedTwiceListsOnce() {
        driftedGroup(2);
        start("s1");
        drain();
        start("s1");

        drain();

        assertThat(log.toString(StandardCharsets.UTF_8)).contains("\"step\":\"s1#start\",\"duplicate\":true");
        assertThat(compliance.calls()).filteredOn(call -> call.startsWith("nonCompliantPage")).hasSize(1);
        assertThat(decidedEventIds()).hasSize(2);
    }

    @Test
    void anEvaluationAnotherInvocationHoldsIsHandedBackToBeDeliveredAgain() {
        driftedGroup(1);
        SweepMessage.Evaluate evaluate = new SweepMessage.Evaluate("s1", ACCOUNT, RULE, "AWS::EC2::Instance",
                FakeFleet.member("web", 1), NOW.minusSeconds(600));
        driftLedger.claimEvent(new Evaluation(evaluate.eventId(ACCOUNT), ACCOUNT, REGION, RULE, "AWS::EC2::Instance",
                evaluate.resourceId(), ComplianceType.NON_COMPLIANT, evaluate.orderingTimestamp()),
                Attempt.until(NOW.plusSeconds(60)), NOW);

        List<String> again = sweep.handle(new QueueBatch(List.of(new QueueBatch.Record("m1", ACCOUNT, REGION, evaluate.json()))),
                NOW.plus(INVOCATION));

        assertThat(again).containsExactly("m1");
        assertThat(fleet.terminated()).isEmpty();
    }

    @Test
    void messagesLeftWithTooLittleTimeAreHandedBackUntouched() {
        driftedGroup(1);
        start("s1");
        List<QueueBatch.Record> batch = List.of(new QueueBatch.Record("m1", ACCOUNT, REGION, queue.bodies.poll()));

        List<String> again = sweep.handle(new QueueBatch(batch), NOW.plus(ScheduledSweep.TIME_TO_BEGIN).minusSeconds(1));

        assertThat(again).containsExactly("m1");
        assertThat(compliance.calls()).isEmpty();
        assertThat(queue.bodies).isEmpty();
    }

    @Test
    void malformedAndForeignMessagesAreRejectedAndNotHandedBack() {
        List<QueueBatch.Record> batch = List.of(
                new QueueBatch.Record("m1", ACCOUNT, REGION, "{\"sweep\":\"list\",\"sweepId\":\"s1\"}"),
                new QueueBatch.Record("m2", "999999999999", REGION, new SweepMessage.Start("s1").json()));

        List<String> again = sweep.handle(new QueueBatch(batch), NOW.plus(INVOCATION));

        assertThat(again).isEmpty();
        assertThat(notifier.withAttribute("kind", "rejected")).hasSize(2);
        assertThat(queue.bodies).isEmpty();
    }

    @Test
    void aGroupBehindItsAppsNewestGoldenImageIsRolledOutAndOneOnItIsLeftAlone() {
        String v1 = "ami-0000000000000000a";
        String v2 = "ami-0000000000000000b";
        for (String image : List.of(v1, v2)) {
            images.register(new DescribedImage(image, DescribedImage.AVAILABLE, ACCOUNT,
                    NOW.minus(Duration.ofDays(image.equals(v1) ? 2 : 1)), Map.of(APP_TAG, "shop", "drift-deploy-golden", "true")));
        }
        Map<String, String> shop = Map.of(APP_TAG, "shop");
        rolloutFleet.group("blue", shop, rolloutFleet.launchTemplate(shop, v1), "1");
        rolloutFleet.group("green", shop, rolloutFleet.launchTemplate(shop, v2), "1");
        start("s1");

        assertThat(drain()).isEmpty();

        assertThat(rolloutFleet.refreshIds("blue")).hasSize(1);
        assertThat(rolloutFleet.refreshIds("green")).isEmpty();
        assertThat(notifier.withAttribute("group", "green")).isEmpty();
    }

    @Test
    void anAppWhoseGroupsAllRunItsNewestGoldenImageIsNeitherDecidedNorAnnounced() {
        String v1 = "ami-0000000000000000a";
        images.register(new DescribedImage(v1, DescribedImage.AVAILABLE, ACCOUNT, NOW.minus(Duration.ofDays(1)),
                Map.of(APP_TAG, "shop", "drift-deploy-golden", "true")));
        Map<String, String> shop = Map.of(APP_TAG, "shop");
        rolloutFleet.group("blue", shop, rolloutFleet.launchTemplate(shop, v1), "1");
        start("s1");

        assertThat(drain()).isEmpty();

        assertThat(rolloutFleet.refreshIds("blue")).isEmpty();
        assertThat(notifier.published()).isEmpty();
        assertThat(images.calls()).containsExactly("goldenImages " + APP_TAG + "=shop");
    }

    @Test
    void eachSweepEndsTheQuarantinesWhoseRetentionIsOverOnce() {
        fleet.group("vault", OPTED_IN, 2);
        String ended = FakeFleet.member("vault", 1);
        String waiting = FakeFleet.member("vault", 2);
        fleet.detach(ended).tag(ended, QuarantinePolicy.markerTags("event-1", "vault", NOW.minusSeconds(1)));
        fleet.detach(waiting).tag(waiting, QuarantinePolicy.markerTags("event-2", "vault", NOW.plus(Duration.ofDays(1))));
        start("s1");
        assertThat(drain()).isEmpty();
        assertThat(quarantine.calls()).as("the start queues the step").contains("terminate " + ended);
        // The same step delivered again: done once per sweep.
        queue.bodies.add(new SweepMessage.EndQuarantines("s1", ACCOUNT).json());
        assertThat(drain()).isEmpty();

        assertThat(quarantine.calls()).containsExactly("quarantined", "terminate " + ended);
        assertThat(fleet.state(ended)).isEqualTo(InstanceState.SHUTTING_DOWN);
        assertThat(fleet.state(waiting)).isEqualTo(InstanceState.RUNNING);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("s1#quarantines");
    }

    @Test
    void aForcedDryRunEndsNoQuarantine() {
        sweep = sweep(settings.forceDryRun());
        fleet.group("vault", OPTED_IN, 1);
        String ended = FakeFleet.member("vault", 1);
        fleet.detach(ended).tag(ended, QuarantinePolicy.markerTags("event-1", "vault", NOW.minusSeconds(1)));
        queue.bodies.add(new SweepMessage.EndQuarantines("s1", ACCOUNT).json());

        assertThat(drain()).isEmpty();

        assertThat(quarantine.calls()).isEmpty();
        assertThat(fleet.state(ended)).isEqualTo(InstanceState.RUNNING);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("not ended: a dry run was forced");
    }

    @Test
    void aSweepDecidesEveryServedAccountsInstancesEachInItsOwnAccount() {
        served.add(MEMBER);
        List<String> web = driftedGroup(central, "web", RULE, 2);
        // More than a page (FakeCompliance.PAGE_SIZE): the next page is listed in the member too.
        List<String> api = driftedGroup(member, "api", RULE, 4);
        start("s1");

        assertThat(drain()).isEmpty();

        // Each in its own account's fleet, as far as each group's capacity guard and rate limit let it.
        assertThat(central.fleet.terminated()).singleElement().isIn(web);
        assertThat(member.fleet.terminated()).hasSize(2).isSubsetOf(api);
        assertThat(central.compliance.calls()).filteredOn(call -> call.startsWith("nonCompliantPage"))
                .containsExactly("nonCompliantPage " + RULE);
        assertThat(member.compliance.calls()).filteredOn(call -> call.startsWith("nonCompliantPage"))
                .containsExactly("nonCompliantPage " + RULE, "nonCompliantPage " + RULE + " 3");
        // The central account's ids are the release before organizations' (a sweep in flight during an upgrade
        // is not decided again); a member's name it.
        Instant at = NOW.minusSeconds(600);
        List<String> expected = new ArrayList<>();
        web.forEach(instance -> expected.add("s1#sweep#" + RULE + "#" + instance + "#" + at));
        api.forEach(instance -> expected.add("s1#sweep#" + RULE + "#" + instance + "#" + at + "#" + MEMBER));
        assertThat(decidedEventIds()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(notifier.withAttribute("account", MEMBER)).hasSize(2)
                .allSatisfy(message -> assertThat(message.attributes().get("action")).isEqualTo("terminate"));
        String lines = log.toString(StandardCharsets.UTF_8);
        assertThat(lines).contains("\"step\":\"s1#start\",\"accounts\":2", "\"step\":\"s1#rules\"",
                "\"step\":\"s1#rules#" + MEMBER + "\"", "\"step\":\"s1#apps\"", "\"step\":\"s1#apps#" + MEMBER + "\"");
    }

    @Test
    void eachAccountsDriftRulesAreTheNamedOnesAndThoseStartingWithThePrefixThere() {
        sweep = sweep(settings(Map.of(Settings.PREFIX + "DRIFT_RULE_PREFIX", "dd-drift-")));
        served.add(MEMBER);
        driftedGroup(central, "web", "dd-drift-imds", 1);
        driftedGroup(member, "api", "dd-drift-tags", 1);
        start("s1");

        assertThat(drain()).isEmpty();

        assertThat(central.compliance.calls()).filteredOn(call -> call.startsWith("nonCompliantPage") || call.startsWith("ruleNames"))
                .containsExactlyInAnyOrder("ruleNamesStartingWith dd-drift-", "nonCompliantPage " + RULE,
                        "nonCompliantPage dd-drift-imds");
        assertThat(member.compliance.calls()).filteredOn(call -> call.startsWith("nonCompliantPage") || call.startsWith("ruleNames"))
                .containsExactlyInAnyOrder("ruleNamesStartingWith dd-drift-", "nonCompliantPage " + RULE,
                        "nonCompliantPage dd-drift-tags");
        assertThat(central.fleet.terminated()).containsExactly(FakeFleet.member("web", 1));
        assertThat(member.fleet.terminated()).containsExactly(FakeFleet.member("api", 1));
    }

    @Test
    void aMembersGroupBehindItsAppsNewestGoldenImageIsRolledOutInTheMember() {
        served.add(MEMBER);
        String v1 = "ami-0000000000000000a";
        String v2 = "ami-0000000000000000b";
        for (String image : List.of(v1, v2)) {
            // Built and tagged in the central account, and shared with the member, which does not see the owner's tags.
            Instant created = NOW.minus(Duration.ofDays(image.equals(v1) ? 2 : 1));
            central.images.register(new DescribedImage(image, DescribedImage.AVAILABLE, ACCOUNT, created,
                    Map.of(APP_TAG, "shop", "drift-deploy-golden", "true")));
            member.images.register(new DescribedImage(image, DescribedImage.AVAILABLE, ACCOUNT, created, Map.of()));
        }
        Map<String, String> shop = Map.of(APP_TAG, "shop");
        member.rolloutFleet.group("blue", shop, member.rolloutFleet.launchTemplate(shop, v1), "1");
        start("s1");

        assertThat(drain()).isEmpty();

        assertThat(member.rolloutFleet.refreshIds("blue")).hasSize(1);
        assertThat(central.rolloutFleet.calls()).noneMatch(call -> call.startsWith("start"));
        assertThat(notifier.withAttribute("group", "blue")).singleElement()
                .satisfies(message -> assertThat(message.attributes().get("account")).isEqualTo(MEMBER));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("s1#app#shop#" + MEMBER);
    }

    @Test
    void aMembersGroupIsNotCaughtUpToAGoldenImageNotSharedWithItAndTheMemberIsTold() {
        served.add(MEMBER);
        String v1 = "ami-0000000000000000a";
        String v2 = "ami-0000000000000000b";
        for (String image : List.of(v1, v2)) {
            central.images.register(new DescribedImage(image, DescribedImage.AVAILABLE, ACCOUNT,
                    NOW.minus(Duration.ofDays(image.equals(v1) ? 2 : 1)), Map.of(APP_TAG, "shop", "drift-deploy-golden", "true")));
        }
        // Only the older one was shared with the member.
        member.images.register(new DescribedImage(v1, DescribedImage.AVAILABLE, ACCOUNT, NOW.minus(Duration.ofDays(2)), Map.of()));
        Map<String, String> shop = Map.of(APP_TAG, "shop");
        member.rolloutFleet.group("blue", shop, member.rolloutFleet.launchTemplate(shop, v1), "1");
        start("s1");

        assertThat(drain()).isEmpty();

        assertThat(member.rolloutFleet.refreshIds("blue")).isEmpty();
        assertThat(notifier.withAttribute("account", MEMBER)).singleElement()
                .satisfies(message -> assertThat(message.body()).contains(v2, "image-not-found"));
    }

    @Test
    void eachAccountsEndedQuarantinesAreEndedInThatAccountOncePerSweep() {
        served.add(MEMBER);
        central.fleet.group("vault", OPTED_IN, 1);
        member.fleet.group("safe", OPTED_IN, 1);
        String centralEnded = FakeFleet.member("vault", 1);
        String memberEnded = FakeFleet.member("safe", 1);
        central.fleet.detach(centralEnded).tag(centralEnded, QuarantinePolicy.markerTags("event-1", "vault", NOW.minusSeconds(1)));
        member.fleet.detach(memberEnded).tag(memberEnded, QuarantinePolicy.markerTags("event-2", "safe", NOW.minusSeconds(1)));
        start("s1");
        assertThat(drain()).isEmpty();
        // The member's step delivered again: done once per sweep and account.
        queue.bodies.add(new SweepMessage.EndQuarantines("s1", MEMBER).json());
        assertThat(drain()).isEmpty();

        assertThat(central.quarantine.calls()).containsExactly("quarantined", "terminate " + centralEnded);
        assertThat(member.quarantine.calls()).containsExactly("quarantined", "terminate " + memberEnded);
        assertThat(notifier.withAttribute("account", MEMBER)).singleElement()
                .satisfies(message -> assertThat(message.subject()).contains(memberEnded));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("\"step\":\"s1#quarantines#" + MEMBER + "\",\"duplicate\":true");
    }

    @Test
    void aStepOfAnAccountNoLongerServedIsRejectedAsForeignAndActsNowhere() {
        served.add(MEMBER);
        driftedGroup(member, "api", RULE, 1);
        member.fleet.detach(FakeFleet.member("api", 1))
                .tag(FakeFleet.member("api", 1), QuarantinePolicy.markerTags("event-1", "api", NOW.minusSeconds(1)));
        start("s1");
        assertThat(handleOneBatch()).as("the start, while the member is served").isEmpty();
        // The member left its organization unit while the sweep went on.
        served.remove(MEMBER);
        // And an operator's message about an account that never was served.
        queue.bodies.add(new SweepMessage.ListApps("s1", "999988887777").json());

        assertThat(drain()).isEmpty();

        assertThat(member.compliance.calls()).isEmpty();
        assertThat(member.quarantine.calls()).isEmpty();
        assertThat(member.rolloutFleet.calls()).isEmpty();
        assertThat(member.fleet.terminated()).isEmpty();
        assertThat(notifier.withAttribute("kind", "rejected")).extracting(message -> message.attributes().get("account"))
                .containsExactlyInAnyOrder(MEMBER, MEMBER, MEMBER, "999988887777");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("foreign-account");
    }

    @Test
    void aMemberWhoseRoleCannotBeAssumedFailsAloneAndComesBack() {
        served.add(MEMBER);
        List<String> web = driftedGroup(central, "web", RULE, 1);
        List<String> api = driftedGroup(member, "api", RULE, 1);
        member.unreachableOnce = true;
        start("s1");

        assertThat(drain()).as("the member's listing, handed back once").hasSize(1);

        assertThat(central.fleet.terminated()).containsExactlyElementsOf(web);
        assertThat(member.fleet.terminated()).containsExactlyElementsOf(api);
    }
}
