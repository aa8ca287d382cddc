package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.SweepHandler;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.FaultProxy;
import io.driftdeploy.testing.Sandbox;
import io.driftdeploy.testing.SweepQueueDriver;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefresh;
import software.amazon.awssdk.services.config.model.Evaluation;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The scheduled sweep on the emulator: a start message on the sweep queue becomes one listing step
 * per account, drift rule and page, and one evaluation per NON_COMPLIANT instance, each decided once
 * by the drift path in its account, with Lambda's event source mapping played by {@link SweepQueueDriver}.
 */
class SweepQueueIT {

    private static final String OPT_IN_KEY = "drift-deploy:remediation";
    /** More than one page of GetComplianceDetailsByConfigRule (at most 100 a page). */
    private static final int DRIFTED = 105;

    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    /**
     * This environment's own app tag: a sweep catches up every application its tag key finds in the
     * account, so with the default key another test's sweep, running beside this one, would roll out
     * this test's groups first, with its own ledger and audit.
     */
    private final String appTag = env.prefix + ":app";
    private final String queueUrl = SweepQueueDriver.createQueue(env, "sweep");
    private final SweepQueueDriver queue = new SweepQueueDriver(env.aws.sqs(), queueUrl);
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    /** Dry run, drift rules by this environment's prefix: every decision is audited, nothing changes. */
    private SweepHandler handler() {
        return handler("dry-run");
    }

    private SweepHandler handler(String mode) {
        return handler(Map.of(Settings.PREFIX + "MODE", mode));
    }

    private SweepHandler handler(Map<String, String> more) {
        return handler(more, TestEnvironment.clients());
    }

    private SweepHandler handler(Map<String, String> more, AwsClients clients) {
        Map<String, String> settings = new HashMap<>();
        settings.put(Settings.PREFIX + "DRIFT_RULE_PREFIX", env.prefix + "-drift-");
        settings.put(Settings.PREFIX + "MODE", "dry-run");
        settings.put(Settings.PREFIX + "APP_TAG", appTag);
        settings.putAll(more);
        return new SweepHandler(env.settings(settings), queueUrl, clients, Clock.systemUTC(),
                new Telemetry("sweep", new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    /** {@code count} instances NON_COMPLIANT with one drift rule, recorded in AWS Config in calls of 100. */
    private List<String> drifted(String rule, List<String> instances, Instant at) {
        return drifted(env, rule, instances, at);
    }

    /** As {@link #drifted(String, List, Instant)}, in the account of {@code in}: its own AWS Config. */
    private static List<String> drifted(Sandbox in, String rule, List<String> instances, Instant at) {
        in.existingConfigRule(rule);
        List<Evaluation> evaluations = instances.stream().map(instance -> Evaluation.builder()
                .complianceResourceType("AWS::EC2::Instance").complianceResourceId(instance)
                .complianceType(ComplianceType.NON_COMPLIANT).orderingTimestamp(at).build()).toList();
        for (int from = 0; from < evaluations.size(); from += 100) {
            List<Evaluation> batch = evaluations.subList(from, Math.min(from + 100, evaluations.size()));
            in.clients.config().putEvaluations(r -> r.resultToken(rule).evaluations(batch));
        }
        return instances;
    }

    private List<Map<String, AttributeValue>> decisions(String instanceId) {
        return env.auditRecords(instanceId);
    }

    /** A listing step's message for one non-compliant instance of the rule, of sweep {@code s}. */
    private static String evaluate(String rule, String instance, Instant at) {
        return "{\"sweep\":\"evaluate\",\"sweepId\":\"s\",\"rule\":\"" + rule
                + "\",\"resourceType\":\"AWS::EC2::Instance\",\"resourceId\":\"" + instance
                + "\",\"orderingTimestamp\":\"" + at + "\"}";
    }

    /**
     * The batch's read ahead fails (EC2 answers 500 to the SDK's three attempts): the evaluation
     * that asked for it claimed nothing and comes back; the next one in the batch reads again, and
     * each instance is decided once.
     */
    @Test
    void anEvaluationWhoseReadAheadFailedComesBackAndEachInstanceIsDecidedOnce() throws Exception {
        TestGroup legacy = env.group("legacy").instances(2).create();
        Instant at = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        String rule = env.prefix + "-drift-golden";
        List<String> instances = drifted(rule, legacy.instanceIds(), at);
        instances.forEach(instance -> env.aws.sqs().sendMessage(r -> r.queueUrl(queueUrl)
                .messageBody(evaluate(rule, instance, at))));
        try (FaultProxy proxy = FaultProxy.start(Emulator.endpoint())) {
            proxy.when("ec2", "DescribeInstances").times(3).fail(FaultProxy.Fault.INTERNAL_ERROR);

            SweepQueueDriver.Drained drained = queue.drain(1, () -> handler(Map.of(), proxy.clients()));

            assertThat(drained.redelivered()).isEqualTo(1);
            assertThat(proxy.exchanges("ec2", "DescribeInstances")).hasSize(5);
        }
        for (String instance : instances) {
            assertThat(decisions(instance)).extracting(record -> record.get("reason").s()).containsExactly("group-not-opted-in");
        }
    }

    @Test
    void everyNonCompliantInstanceOfEveryRuleIsDecidedOnceAcrossPages() throws Exception {
        TestGroup web = env.group("web").instances(DRIFTED).tag(OPT_IN_KEY, "terminate").create();
        Instant at = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<String> golden = drifted(env.prefix + "-drift-golden", web.instanceIds(), at);
        List<String> imdsv1 = drifted(env.prefix + "-drift-imds", web.instanceIds().subList(0, 2), at);

        queue.start("2026-12-02T08:00:00Z");
        SweepQueueDriver.Drained drained = queue.drain(3, this::handler);

        // 1 start, the account's rules step, 2 rules' pages (2 + 1), one message per evaluation, the apps and
        // quarantines steps, and one catch-up per app other tests left in the account (none of them for this
        // environment's groups, which have no app tag).
        assertThat(drained.messages()).isGreaterThanOrEqualTo(1 + 1 + 3 + golden.size() + imdsv1.size() + 2);
        assertThat(drained.redelivered()).isZero();
        for (String instance : golden) {
            int rules = imdsv1.contains(instance) ? 2 : 1;
            assertThat(decisions(instance)).as(instance).hasSize(rules).allSatisfy(record -> {
                assertThat(record.get("function").s()).isEqualTo("drift");
                assertThat(record.get("reason").s()).isEqualTo("dry-run");
                assertThat(record.get("eventId").s()).startsWith("2026-12-02T08:00:00Z#sweep#" + env.prefix + "-drift-");
            });
        }
    }

    @Test
    void theSameSweepStartedAgainDecidesNothingTwice() throws Exception {
        TestGroup web = env.group("web").instances(2).tag(OPT_IN_KEY, "terminate").create();
        List<String> instances = drifted(env.prefix + "-drift-golden", web.instanceIds(), Instant.now().minusSeconds(60));

        queue.start("sweep-1");
        queue.drain(1, this::handler);
        // The schedule's delivery retried: the start step is claimed already, nothing is listed again.
        queue.start("sweep-1");
        SweepQueueDriver.Drained again = queue.drain(1, this::handler);

        assertThat(again.messages()).as("the start message alone").isEqualTo(1);
        instances.forEach(instance -> assertThat(decisions(instance)).as(instance).hasSize(1));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("\"duplicate\":true");
    }

    @Test
    void aNewSweepDecidesAgainWhatAnEarlierOneLeftAlone() throws Exception {
        TestGroup web = env.group("web").instances(1).tag(OPT_IN_KEY, "terminate").create();
        String instance = drifted(env.prefix + "-drift-golden", web.instanceIds(), Instant.now().minusSeconds(60)).getFirst();

        queue.start("sweep-1");
        queue.drain(1, this::handler);
        queue.start("sweep-2");
        queue.drain(1, this::handler);

        assertThat(decisions(instance)).extracting(record -> record.get("eventId").s().substring(0, 7))
                .containsExactlyInAnyOrder("sweep-1", "sweep-2");
    }

    @Test
    void anEvaluationSentTwiceIsDecidedOnce() throws Exception {
        TestGroup web = env.group("web").instances(1).tag(OPT_IN_KEY, "terminate").create();
        String rule = env.prefix + "-drift-golden";
        Instant at = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        String instance = drifted(rule, web.instanceIds(), at).getFirst();
        String evaluate = evaluate(rule, instance, at);
        env.aws.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(evaluate));
        env.aws.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(evaluate));

        SweepQueueDriver.Drained drained = queue.drain(2, this::handler);

        assertThat(drained.messages()).isEqualTo(2);
        // The copy is audited as the duplicate it is; one decision was made on the instance.
        assertThat(decisions(instance)).extracting(record -> record.get("reason").s())
                .containsExactlyInAnyOrder("capacity-guard", "duplicate-event");
    }

    @Test
    void aGroupLeftBehindByAMissedImageEventIsRolledOutToItsAppsNewestGoldenImage() throws Exception {
        String app = env.prefix + "-shop";
        String v1 = goldenImage(app, "v1");
        TestGroup behind = env.group("blue").instances(2).tag(appTag, app).image(v1).create();
        String v2 = goldenImage(app, "v2");
        TestGroup current = env.group("green").instances(1).tag(appTag, app).image(v2).create();
        // A newer image that is not golden is no candidate.
        env.registerImage(app + "-v3", Map.of(appTag, app));

        queue.start("sweep-1");
        SweepQueueDriver.Drained drained = queue.drain(2, () -> handler("enforce"));

        // start, the apps step, and this environment's app among whatever apps other tests left in the account.
        assertThat(drained.messages()).isGreaterThanOrEqualTo(3);
        assertThat(refreshes(behind)).singleElement().satisfies(refresh -> assertThat(env.aws.ec2()
                .describeLaunchTemplateVersions(r -> r.launchTemplateId(behind.launchTemplateId)
                        .versions(refresh.desiredConfiguration().launchTemplate().version()))
                .launchTemplateVersions().getFirst().launchTemplateData().imageId()).isEqualTo(v2));
        assertThat(refreshes(current)).isEmpty();
        assertThat(env.auditRecords(behind.name)).extracting(record -> record.get("reason").s()).contains("newer-image");
        assertThat(env.auditRecords(current.name)).isEmpty();
    }

    @Test
    void anAppWhoseGroupsAllRunItsNewestGoldenImageIsNeitherDecidedNorAnnounced() throws Exception {
        String app = env.prefix + "-shop";
        String v1 = goldenImage(app, "v1");
        TestGroup current = env.group("blue").instances(1).tag(appTag, app).image(v1).create();

        queue.start("sweep-1");
        queue.drain(1, () -> handler("enforce"));

        assertThat(refreshes(current)).isEmpty();
        assertThat(env.auditRecords(current.name)).isEmpty();
        assertThat(env.notificationsSoFar()).noneMatch(notification -> notification.body().toString().contains(app));
    }

    private String goldenImage(String app, String version) {
        return env.registerImage(app + "-" + version, Map.of(appTag, app, "drift-deploy-golden", "true"));
    }

    private List<InstanceRefresh> refreshes(TestGroup group) {
        return env.aws.autoScaling().describeInstanceRefreshes(r -> r.autoScalingGroupName(group.name)).instanceRefreshes();
    }

    /** A member account of its own for the test, listed by id (the member role is assumed there). */
    private Sandbox member() {
        return env.inAccount(String.valueOf(ThreadLocalRandom.current().nextLong(100_000_000_000L, 1_000_000_000_000L)));
    }

    /** Enforce, no floor, and the member account listed: the sweep serves both accounts. */
    private SweepHandler serving(Sandbox member) {
        return handler(Map.of(Settings.PREFIX + "MODE", "enforce", Settings.PREFIX + "MIN_HEALTHY_PERCENT", "0",
                Settings.PREFIX + "MEMBER_ACCOUNTS", member.accountId));
    }

    private static InstanceStateName state(Sandbox in, String instanceId) {
        return in.clients.ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().getFirst()
                .instances().getFirst().state().name();
    }

    @Test
    void aDriftedInstanceOfAMemberAccountIsTerminatedThereAndTheCentralAccountsToo() throws Exception {
        Sandbox member = member();
        // The same group name in both accounts: each is its own account's group.
        TestGroup central = env.group("web").instances(2).tag(OPT_IN_KEY, "terminate").create();
        TestGroup inMember = member.group("web").instances(2).tag(OPT_IN_KEY, "terminate").create();
        String rule = env.prefix + "-drift-golden";
        Instant at = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        String centralDrifted = drifted(env, rule, central.instanceIds().subList(0, 1), at).getFirst();
        String memberDrifted = drifted(member, rule, inMember.instanceIds().subList(0, 1), at).getFirst();

        queue.start("sweep-1");
        SweepQueueDriver.Drained drained = queue.drain(2, () -> serving(member));

        assertThat(drained.redelivered()).isZero();
        assertThat(state(member, memberDrifted)).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
        assertThat(state(env, centralDrifted)).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
        assertThat(List.of(state(member, inMember.instanceIds().get(1)), state(env, central.instanceIds().get(1))))
                .as("the compliant ones").containsOnly(InstanceStateName.RUNNING);
        assertThat(decisions(memberDrifted)).singleElement().satisfies(record -> {
            assertThat(record.get("reason").s()).isEqualTo("drift-confirmed");
            assertThat(record.get("eventId").s()).isEqualTo("sweep-1#sweep#" + rule + "#" + memberDrifted + "#" + at + "#"
                    + member.accountId);
        });
        assertThat(decisions(centralDrifted)).singleElement().satisfies(record -> {
            assertThat(record.get("reason").s()).isEqualTo("drift-confirmed");
            assertThat(record.get("eventId").s()).isEqualTo("sweep-1#sweep#" + rule + "#" + centralDrifted + "#" + at);
        });
        assertThat(env.notificationsSoFar()).filteredOn(notification -> "terminate".equals(notification.attributes().get("action")))
                .extracting(notification -> notification.attributes().get("account"))
                .containsExactlyInAnyOrder(member.accountId, Emulator.ACCOUNT);
    }

    @Test
    void aMembersGroupLeftBehindIsRolledOutToTheGoldenImageTheCentralAccountSharedWithIt() throws Exception {
        Sandbox member = member();
        String app = env.prefix + "-shop";
        String v1 = goldenImage(app, "v1");
        env.shareImage(v1, member.accountId);
        TestGroup behind = member.group("blue").instances(1).tag(appTag, app).image(v1).create();
        // Tagged golden in the central account; the member sees it shared, without the owner's tags.
        String v2 = goldenImage(app, "v2");
        env.shareImage(v2, member.accountId);

        queue.start("sweep-1");
        queue.drain(2, () -> serving(member));

        List<InstanceRefresh> refreshes = member.clients.autoScaling()
                .describeInstanceRefreshes(r -> r.autoScalingGroupName(behind.name)).instanceRefreshes();
        assertThat(refreshes).singleElement().satisfies(refresh -> assertThat(member.clients.ec2()
                .describeLaunchTemplateVersions(r -> r.launchTemplateId(behind.launchTemplateId)
                        .versions(refresh.desiredConfiguration().launchTemplate().version()))
                .launchTemplateVersions().getFirst().launchTemplateData().imageId()).isEqualTo(v2));
        assertThat(env.auditRecords(behind.name)).singleElement().satisfies(record -> {
            assertThat(record.get("reason").s()).isEqualTo("newer-image");
            assertThat(record.get("eventId").s()).isEqualTo("sweep-1#app#" + app + "#" + member.accountId);
        });
    }

    @Test
    void aMalformedMessageIsRejectedNamingTheFieldAndNotDeliveredAgain() throws Exception {
        env.aws.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"sweep\":\"evaluate\",\"sweepId\":\"s\"}"));

        SweepQueueDriver.Drained drained = queue.drain(1, this::handler);

        assertThat(drained.messages()).isEqualTo(1);
        assertThat(drained.redelivered()).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("\"field\":\"resourceType\"");
    }

    @Test
    void aBatchOfAnotherAccountsQueueIsRejectedAndDecidesNothing() {
        TestGroup web = env.group("web").instances(1).tag(OPT_IN_KEY, "terminate").create();
        String instance = drifted(env.prefix + "-drift-golden", web.instanceIds(), Instant.now().minusSeconds(60)).getFirst();
        queue.start("s");
        List<Message> received = new ArrayList<>(env.aws.sqs().receiveMessage(r -> r.queueUrl(queueUrl)).messages());
        String event = new String(queue.event(received), StandardCharsets.UTF_8)
                .replaceAll(":sqs:([a-z0-9-]+):[0-9]{12}:", ":sqs:$1:999999999999:");

        List<String> again = handler().handle(event.getBytes(StandardCharsets.UTF_8), Instant.now().plusSeconds(120));

        assertThat(again).isEmpty();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("foreign-account");
        // Nothing listed: no rule's page was put on the queue (the start message itself is still out of sight).
        assertThat(env.aws.sqs().receiveMessage(r -> r.queueUrl(queueUrl)).messages()).isEmpty();
        assertThat(decisions(instance)).isEmpty();
    }
}
