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
 * The scheduled sweep on fakes: its steps fan out through the queue, every step is safe to repeat,
 * and a message is handed back to the queue (a partial batch response) exactly when it may succeed later.
 */
class ScheduledSweepTest {

    private static final String ACCOUNT = "123456789012";
    private static final String REGION = "eu-west-1";
    private static final String RULE = "dd-drift-golden-ami";
    private static final String APP_TAG = "drift-deploy:app";
    private static final Map<String, String> OPTED_IN = Map.of("drift-deploy:remediation", "terminate");
    private static final Instant NOW = Instant.parse("2026-12-02T10:15:00Z");
    private static final Duration INVOCATION = Duration.ofMinutes(2);

    private final FakeClock clock = new FakeClock(NOW);
    private final FakeDriftLedger driftLedger = new FakeDriftLedger();
    private final FakeFleet fleet = new FakeFleet();
    private final FakeQuarantine quarantine = new FakeQuarantine(fleet);
    private final FakeCompliance compliance = new FakeCompliance().rule(RULE, Optional.empty());
    private final FakeImageCatalog images = new FakeImageCatalog();
    private final FakeRolloutFleet rolloutFleet = new FakeRolloutFleet(clock);
    private final FakeEventClaims stepClaims = new FakeEventClaims();
    private final FakeNotifier notifier = new FakeNotifier();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final Queue queue = new Queue();
    private final Settings settings;
    private ScheduledSweep sweep;

    ScheduledSweepTest() {
        Map<String, String> env = new HashMap<>();
        env.put(Settings.PREFIX + "TOPIC_ARN", "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":drift-deploy");
        env.put(Settings.PREFIX + "TABLE", "drift-deploy-ledger");
        env.put(Settings.PREFIX + "ACCOUNT_ID", ACCOUNT);
        env.put(Settings.PREFIX + "DRIFT_RULES", RULE);
        env.put(Settings.PREFIX + "MODE", "enforce");
        env.put(Settings.PREFIX + "MIN_HEALTHY_PERCENT", "0");
        settings = Settings.from(env);
        sweep = sweep(settings);
    }

    private ScheduledSweep sweep(Settings settings) {
        Telemetry telemetry = new Telemetry("sweep", new PrintStream(log, true, StandardCharsets.UTF_8), clock);
        Reporter reporter = new Reporter(new FakeAuditTrail(), notifier, telemetry, clock);
        return new ScheduledSweep(settings, compliance, queue,
                new DriftRemediation(settings, driftLedger, fleet, compliance, reporter, clock,
                        new QuarantineSteps(quarantine, Map.of())),
                new Rollouts(settings, images, rolloutFleet, new FakeRolloutLedger(), new FakeEventClaims(), reporter, clock),
                new QuarantineExpiry(quarantine, "drift-deploy:keep", reporter, clock),
                new OncePerEvent(stepClaims, telemetry, clock), reporter, clock);
    }

    /** The sweep's queue in memory: what was sent, in order; a send can be made to fail once. */
    private static final class Queue implements SweepQueue {
        private final Deque<String> bodies = new ArrayDeque<>();
        private int sends;
        private int failingSend;

        @Override
        public void send(List<? extends SweepMessage> messages) {
            if (++sends == failingSend) {
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

    /** {@code count} instances of an opted-in group, each NON_COMPLIANT with the rule. */
    private void driftedGroup(int count) {
        fleet.group("web", OPTED_IN, count);
        for (int i = 1; i <= count; i++) {
            compliance.result(RULE, FakeFleet.member("web", i), ComplianceType.NON_COMPLIANT, NOW.minusSeconds(600));
        }
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
        // Send 1 is the start's; send 2 is the first page's, which gets its first message out and fails.
        queue.failingSend = 2;
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
        SweepMessage.Evaluate evaluate = new SweepMessage.Evaluate("s1", RULE, "AWS::EC2::Instance", FakeFleet.member("web", 1),
                NOW.minusSeconds(600));
        driftLedger.claimEvent(new Evaluation(evaluate.eventId(), ACCOUNT, REGION, RULE, "AWS::EC2::Instance",
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
        queue.bodies.add(new SweepMessage.EndQuarantines("s1").json());
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
        queue.bodies.add(new SweepMessage.EndQuarantines("s1").json());

        assertThat(drain()).isEmpty();

        assertThat(quarantine.calls()).isEmpty();
        assertThat(fleet.state(ended)).isEqualTo(InstanceState.RUNNING);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("not ended: a dry run was forced");
    }
}
