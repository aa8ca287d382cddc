package io.driftdeploy.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.aws.DynamoDriftLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.FaultProxy.Fault;
import io.driftdeploy.testing.FaultProxy;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.orchestration.EventInProgressException;
import io.driftdeploy.orchestration.UndeliveredNotificationException;

/**
 * The drift function when AWS calls fail, lose their reply or the process dies, driven through
 * {@link FaultProxy} and retried as Lambda would (the same event again): every event decided once,
 * no limit passed, nothing held past its expiry, every termination announced once. Each test was
 * written against a defect the ledger had before its claims and reservations carried holders and
 * expiries.
 */
class DriftFaultsIT {

    private static final String OPT_IN_KEY = "drift-deploy:remediation";
    private static final Duration NOTIFIED = Duration.ofSeconds(20);
    private static final String TERMINATE = "TerminateInstanceInAutoScalingGroup";
    /** The SDK's standard retry strategy tries a call three times: failing them all fails the call. */
    private static final int SNS_TRIES = 3;
    private static final Duration RATE_WINDOW = Duration.ofDays(1);

    /** Closed after each test: it deletes the Config rules the test made. */
    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    private final FaultProxy proxy = FaultProxy.start(Emulator.endpoint());
    private final String driftRule = env.prefix + "-drift-golden-ami";
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    /** Enforce, one termination per group in a day's window, no capacity floor: the rate limit is what is tested. */
    private Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("DRIFT_DEPLOY_DRIFT_RULE_PREFIX", env.prefix + "-drift-");
        settings.put("DRIFT_DEPLOY_MODE", "enforce");
        settings.put("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "0");
        settings.put("DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "1");
        settings.put("DRIFT_DEPLOY_RATE_WINDOW_MINUTES", Long.toString(RATE_WINDOW.toMinutes()));
        return settings;
    }

    /** The function as deployed would run, its calls going through the proxy. */
    private DriftHandler throughProxy() {
        return handler(proxy.clients(), settings(), Clock.systemUTC());
    }

    /** Lambda's retry, its calls going straight to the emulator, at {@code clock}'s time. */
    private DriftHandler retry(Clock clock) {
        return handler(env.aws, settings(), clock);
    }

    private DriftHandler handler(io.driftdeploy.aws.AwsClients aws, Map<String, String> settings, Clock clock) {
        return new DriftHandler(env.settings(settings), aws, clock,
                new Telemetry("drift", new PrintStream(log, true, StandardCharsets.UTF_8), clock));
    }

    /** A group opted in to remediation; its instances as it starts (it replaces those it loses). */
    private List<String> optedInGroup(int instances) {
        return env.group("web").instances(instances).tag(OPT_IN_KEY, "terminate").create().instanceIds();
    }

    /** The event as AWS Config sends it, its evaluation on record in Config. */
    private ComplianceEvents onRecord(String instanceId) {
        ComplianceEvents event = ComplianceEvents.nonCompliant(driftRule, instanceId);
        env.putEvaluation(env.existingConfigRule(driftRule), event.resourceType(), instanceId, ComplianceType.NON_COMPLIANT,
                event.orderingTimestamp());
        return event;
    }

    /** Which of the given instances were terminated. */
    private List<String> terminated(List<String> instanceIds) {
        return instanceIds.stream().filter(id -> {
            InstanceStateName state = env.aws.ec2().describeInstances(r -> r.instanceIds(id)).reservations().get(0)
                    .instances().get(0).state().name();
            return state == InstanceStateName.TERMINATED || state == InstanceStateName.SHUTTING_DOWN;
        }).toList();
    }

    /** Every termination announced so far: none can still be on its way (see notificationsSoFar). */
    private List<ReceivedNotification> terminationsAnnounced() {
        return env.notificationsSoFar().stream().filter(n -> "terminate".equals(n.attributes().get("action"))).toList();
    }

    /**
     * The defect: the call succeeded but its reply was lost, the termination was taken for not
     * done and its rate unit given back, and the next event terminated a second instance in a
     * group limited to one.
     */
    @Test
    void aTerminationWhoseReplyIsLostIsFoundAppliedAndKeepsItsRateUnit() {
        List<String> ids = optedInGroup(3);
        String first = ids.get(0);
        String second = ids.get(1);
        proxy.when("autoscaling", TERMINATE).fail(Fault.LOST_RESPONSE);

        Map<String, Object> result = throughProxy().handle(onRecord(first).bytes()).json();
        Map<String, Object> next = throughProxy().handle(onRecord(second).bytes()).json();

        assertThat(proxy.forwarded("autoscaling", TERMINATE)).as("the call reached Auto Scaling").isPositive();
        assertThat(result).containsEntry("decision", "terminate");
        assertThat((String) result.get("activityId")).contains("found terminating");
        assertThat(next).as("%s", next).containsEntry("reason", "group-rate-limit");
        assertThat(terminated(ids)).containsExactly(first);
        assertThat(terminationsAnnounced()).hasSize(1);
    }

    /**
     * The termination's reply is lost and the instance cannot be read either: the outcome is
     * unknown, so nothing is given back and the claim stays marked terminating until the deadline;
     * the retry after it finds the instance terminated and reports it, and the group's unit stays
     * spent.
     */
    @Test
    void aTerminationWhoseOutcomeCannotBeReadIsRecoveredByTheRetryAfterItsDeadline() {
        List<String> ids = optedInGroup(3);
        ComplianceEvents event = onRecord(ids.get(0));
        proxy.when("autoscaling", TERMINATE).fail(Fault.LOST_RESPONSE);
        // The decision's own read of the instance passes; the one after the lost reply fails.
        proxy.when("ec2", "DescribeInstances").afterFirst(1).fail(Fault.INTERNAL_ERROR);
        Instant deadline = Instant.now().plusSeconds(60);

        assertThatThrownBy(() -> throughProxy().handle(event.bytes(), deadline)).isNotNull();
        assertRecoveredOnce(event, ids, Duration.ofSeconds(61));
    }

    /**
     * The defect: the event's claim (a conditional write) was retried by the SDK after a lost
     * reply, met its own write and reported duplicate-event, and nothing ever decided the event.
     */
    @Test
    void anEventClaimWhoseReplyIsLostIsStillDecided() {
        List<String> ids = optedInGroup(2);
        ComplianceEvents event = onRecord(ids.get(0));
        // The claim, taken with the evaluation's record in one transaction.
        proxy.when("dynamodb", "TransactWriteItems").withBodyContaining("EVENT#drift#" + event.id()).times(1)
                .fail(Fault.LOST_RESPONSE);

        Map<String, Object> result = throughProxy().handle(event.bytes()).json();

        assertThat(proxy.exchanges("dynamodb", "TransactWriteItems")).filteredOn(exchange -> exchange.fault().isPresent())
                .hasSize(1);
        assertThat(result).as("%s", result).containsEntry("decision", "terminate");
        assertThat(terminated(ids)).hasSize(1);
    }

    /**
     * The defect: a give-back retried by the SDK after a lost reply gave back two units for one,
     * and a group limited to two lost three instances.
     */
    @Test
    void aGiveBackRepeatedAfterALostReplyGivesBackOneUnit() {
        List<String> ids = optedInGroup(4);
        Map<String, String> limitOfTwo = settings();
        limitOfTwo.put("DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "2");
        DriftHandler handler = handler(proxy.clients(), limitOfTwo, Clock.systemUTC());
        Map<String, Object> first = handler.handle(onRecord(ids.get(0)).bytes()).json();
        // Auto Scaling refuses this instance's termination: the decision reserved, and gives back.
        ComplianceEvents refusedByAutoScaling = onRecord(ids.get(1));
        proxy.when("autoscaling", TERMINATE).withBodyContaining(ids.get(1)).fail(Fault.INTERNAL_ERROR);
        proxy.when("dynamodb", "TransactWriteItems").withBodyContaining("DELETE").times(1).fail(Fault.LOST_RESPONSE);

        assertThatThrownBy(() -> handler.handle(refusedByAutoScaling.bytes())).as("left to Lambda's retry").isNotNull();
        Map<String, Object> second = handler.handle(onRecord(ids.get(2)).bytes()).json();
        Map<String, Object> third = handler.handle(onRecord(ids.get(3)).bytes()).json();

        assertThat(proxy.exchanges("dynamodb", "TransactWriteItems")).filteredOn(exchange -> exchange.fault().isPresent())
                .as("the give-back's reply was lost and the SDK sent it again").hasSize(1);
        assertThat(first).containsEntry("decision", "terminate");
        assertThat(second).containsEntry("decision", "terminate");
        assertThat(third).as("%s", third).containsEntry("reason", "group-rate-limit");
        assertThat(terminated(ids)).containsExactlyInAnyOrder(ids.get(0), ids.get(2));
    }

    /**
     * The churn breaker's record of a termination is written with the reservations, right before
     * the call: a termination that did not happen takes it back with the units, or the group's
     * next new instance would pass for its replacement and open the breaker.
     */
    @Test
    void aTerminationThatDidNotHappenLeavesNoChurnRecord() {
        TestGroup group = env.group("web").instances(2).tag(OPT_IN_KEY, "terminate").create();
        String instance = group.instanceIds().get(0);
        proxy.when("autoscaling", TERMINATE).fail(Fault.INTERNAL_ERROR);

        assertThatThrownBy(() -> throughProxy().handle(onRecord(instance).bytes())).as("left to Lambda's retry").isNotNull();

        assertThat(proxy.exchanges("autoscaling", TERMINATE)).as("the decision went as far as the call").isNotEmpty();
        assertThat(terminated(group.instanceIds())).isEmpty();
        assertThat(new DynamoDriftLedger(new Ledger(env.aws.dynamoDb(), env.tableName)).churn(group.name, driftRule).terminations())
                .isEmpty();
    }

    /**
     * The defect: DynamoDB failing after the reservations made the give-back throw, the event's
     * claim was never released, and every retry was a duplicate, with the group's rate unit held
     * for its window. Now the claim and the units lapse at the attempt's deadline, and the retry
     * that takes the event over finds the dead attempt's units its own.
     */
    @Test
    void anAttemptThatCouldNotCleanUpIsTakenOverAfterItsDeadline() {
        List<String> ids = optedInGroup(3);
        ComplianceEvents event = onRecord(ids.get(0));
        // Auto Scaling refuses the termination after the reservations, and the give-back and the release fail.
        proxy.when("autoscaling", TERMINATE).fail(Fault.INTERNAL_ERROR);
        proxy.when("dynamodb", "TransactWriteItems").withBodyContaining("DELETE").fail(Fault.INTERNAL_ERROR);
        proxy.when("dynamodb", "DeleteItem").fail(Fault.INTERNAL_ERROR);
        Instant deadline = Instant.now().plusSeconds(60);

        assertThatThrownBy(() -> throughProxy().handle(event.bytes(), deadline)).as("left to Lambda's retry").isNotNull();
        assertThatThrownBy(() -> retry(Clock.systemUTC()).handle(event.bytes()))
                .as("a retry before the deadline is delivered again later").isInstanceOf(EventInProgressException.class);
        Clock afterDeadline = sameRateWindow(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(61)));
        Map<String, Object> takenOver = retry(afterDeadline).handle(event.bytes()).json();
        Map<String, Object> next = retry(afterDeadline).handle(onRecord(ids.get(1)).bytes()).json();

        assertThat(takenOver).as("%s", takenOver).containsEntry("decision", "terminate");
        assertThat(next).as("one unit for the event, not one per attempt").containsEntry("reason", "group-rate-limit");
        assertThat(terminated(ids)).containsExactly(ids.get(0));
    }

    /**
     * The defect: SNS failing after the termination left the termination unannounced for good:
     * the retry was a duplicate and duplicates are not announced.
     */
    @Test
    void aTerminationWhoseAnnouncementFailedIsAnnouncedByTheRetry() {
        List<String> ids = optedInGroup(2);
        ComplianceEvents event = onRecord(ids.get(0));
        proxy.when("sns", "Publish").fail(Fault.SERVICE_UNAVAILABLE);

        assertThatThrownBy(() -> throughProxy().handle(event.bytes())).isInstanceOf(UndeliveredNotificationException.class);
        assertThat(terminated(ids)).hasSize(1);
        assertThat(terminationsAnnounced()).as("nothing reached the topic yet").isEmpty();
        Map<String, Object> retried = retry(Clock.systemUTC()).handle(event.bytes()).json();
        Map<String, Object> again = retry(Clock.systemUTC()).handle(event.bytes()).json();

        assertThat(retried).containsEntry("reason", "duplicate-event").containsKey("owedNotificationId");
        assertThat(again).doesNotContainKey("owedNotificationId");
        List<ReceivedNotification> announced = terminationsAnnounced();
        assertThat(announced).singleElement().satisfies(notification ->
                assertThat(notification.body().path("facts").path("instance").asText()).isEqualTo(ids.get(0)));
    }

    /**
     * A storm alert that SNS refused is not lost: the decision that opened the circuit fails, and
     * its redelivery (or any later refused decision) finds the circuit open but the alert not out,
     * and sends it, once.
     */
    @Test
    void aStormAlertThatCouldNotBeSentIsSentByALaterRefusedDecision() {
        List<String> ids = optedInGroup(3);
        DriftHandler handler = atItsLimitWithStormAlertsFailing(ids, 1);
        ComplianceEvents refused = onRecord(ids.get(1));

        assertThatThrownBy(() -> handler.handle(refused.bytes())).isNotNull();
        Map<String, Object> redelivered = handler.handle(refused.bytes()).json();
        Map<String, Object> later = handler.handle(onRecord(ids.get(2)).bytes()).json();

        assertThat(redelivered).as("%s", redelivered).containsEntry("reason", "group-rate-limit");
        assertThat(later).as("%s", later).containsEntry("reason", "group-rate-limit");
        oneStormAlertAndTheFirstTerminatedOnly(ids);
    }

    /**
     * A function instance that found a group's circuit open refuses later decisions there without
     * reserving, but only once the window's storm alert is out: while it is not, each refused
     * decision still goes through the reservation and tries to send it.
     */
    @Test
    void aGroupIsTakenForPausedOnlyOnceItsStormAlertIsOut() {
        List<String> ids = optedInGroup(4);
        DriftHandler handler = atItsLimitWithStormAlertsFailing(ids, 2);

        assertThatThrownBy(() -> handler.handle(onRecord(ids.get(1)).bytes())).isNotNull();
        assertThatThrownBy(() -> handler.handle(onRecord(ids.get(2)).bytes())).as("the circuit is open, the alert not out")
                .isNotNull();
        Map<String, Object> later = handler.handle(onRecord(ids.get(3)).bytes()).json();

        assertThat(later).as("%s", later).containsEntry("reason", "group-rate-limit");
        oneStormAlertAndTheFirstTerminatedOnly(ids);
    }

    /**
     * A handler whose group ({@code ids}) used its one termination of the window on the first
     * instance, with the storm alert failing for the next {@code failedAlerts} attempts to send it.
     */
    private DriftHandler atItsLimitWithStormAlertsFailing(List<String> ids, int failedAlerts) {
        DriftHandler handler = throughProxy();
        assertThat(handler.handle(onRecord(ids.get(0)).bytes()).json()).containsEntry("decision", "terminate");
        proxy.when("sns", "Publish").withBodyContaining("StringValue=storm").times(failedAlerts * SNS_TRIES)
                .fail(Fault.SERVICE_UNAVAILABLE);
        return handler;
    }

    private void oneStormAlertAndTheFirstTerminatedOnly(List<String> ids) {
        assertThat(env.notificationsSoFar()).filteredOn(n -> "storm".equals(n.kind())).hasSize(1);
        assertThat(terminated(ids)).containsExactly(ids.get(0));
    }

    /** A topic that does not exist (yet): the instance is terminated, and the announcement waits for the topic. */
    @Test
    void aTerminationAnnouncedToAMissingTopicIsAnnouncedOnceTheTopicIsFixed() {
        List<String> ids = optedInGroup(2);
        ComplianceEvents event = onRecord(ids.get(0));
        Map<String, String> wrongTopic = settings();
        wrongTopic.put("DRIFT_DEPLOY_TOPIC_ARN", env.topicArn + "-missing");

        assertThatThrownBy(() -> handler(env.aws, wrongTopic, Clock.systemUTC()).handle(event.bytes()))
                .isInstanceOf(UndeliveredNotificationException.class);
        Map<String, Object> retried = retry(Clock.systemUTC()).handle(event.bytes()).json();

        assertThat(retried).containsKey("owedNotificationId");
        assertThat(terminationsAnnounced()).hasSize(1);
        assertThat(terminated(ids)).hasSize(1);
    }

    /**
     * A process killed between its reservations and the termination (frozen in the call, then
     * killed, as a Lambda timeout or a crash would): nothing was terminated, the event and its
     * units are held until its deadline, and the retry after it terminates once, within the limit.
     */
    @Test
    void aProcessKilledBeforeTheTerminationLeavesTheEventToTheRetryAfterItsDeadline() throws Exception {
        List<String> ids = optedInGroup(3);
        ComplianceEvents event = onRecord(ids.get(0));
        proxy.when("autoscaling", TERMINATE).fail(Fault.HANG);

        killWhenCalled(event, "autoscaling", TERMINATE);
        assertThat(terminated(ids)).as("the call never reached Auto Scaling").isEmpty();
        assertThatThrownBy(() -> retry(Clock.systemUTC()).handle(event.bytes())).isInstanceOf(EventInProgressException.class);
        Clock afterDeadline = sameRateWindow(Clock.offset(Clock.systemUTC(), HandlerIo.WITHOUT_CONTEXT.plusSeconds(60)));
        Map<String, Object> takenOver = retry(afterDeadline).handle(event.bytes()).json();
        Map<String, Object> next = retry(afterDeadline).handle(onRecord(ids.get(1)).bytes()).json();

        assertThat(takenOver).as("%s", takenOver).containsEntry("decision", "terminate");
        assertThat(next).as("%s", next).containsEntry("reason", "group-rate-limit");
        assertThat(terminated(ids)).containsExactly(ids.get(0));
        assertThat(terminationsAnnounced()).hasSize(1);
    }

    /**
     * A process killed after the termination, before reporting it: the retry after the deadline
     * finds the claim marked terminating and the instance terminating, and reports and announces
     * the termination once, terminating nothing more.
     */
    @Test
    void aProcessKilledAfterTheTerminationIsReportedByTheRetry() throws Exception {
        List<String> ids = optedInGroup(3);
        ComplianceEvents event = onRecord(ids.get(0));
        proxy.when("sns", "Publish").fail(Fault.HANG);

        killWhenCalled(event, "sns", "Publish");
        assertThat(terminated(ids)).containsExactly(ids.get(0));
        assertRecoveredOnce(event, ids, HandlerIo.WITHOUT_CONTEXT.plusSeconds(60));
    }

    /**
     * {@code later}, as long as it falls in the rate window the test started in: the next event's
     * finding the group's unit spent is what these tests check, and in the next window the unit
     * is rightly free. Rate windows are aligned to the clock (a day here), so a test that starts
     * within the retry's offset of midnight UTC is skipped, saying so, rather than failed.
     */
    private static Clock sameRateWindow(Clock later) {
        Instant now = Instant.now();
        Assumptions.assumeTrue(DriftPolicy.rateWindowStart(now, RATE_WINDOW).equals(DriftPolicy.rateWindowStart(later.instant(), RATE_WINDOW)),
                "the rate window turns before the retry would run; run the test again after midnight UTC");
        return later;
    }

    /**
     * Lambda's retry, {@code later} than the dead attempt's start (past its deadline), reports the
     * termination it finds applied, once; the next event in the group finds the unit spent.
     */
    private void assertRecoveredOnce(ComplianceEvents event, List<String> ids, Duration later) {
        Clock afterDeadline = sameRateWindow(Clock.offset(Clock.systemUTC(), later));
        Map<String, Object> recovered = retry(afterDeadline).handle(event.bytes()).json();
        Map<String, Object> next = retry(afterDeadline).handle(onRecord(ids.get(1)).bytes()).json();

        assertThat(recovered).as("%s", recovered).containsEntry("decision", "terminate").containsKey("recovered");
        assertThat(next).as("%s", next).containsEntry("reason", "group-rate-limit");
        assertThat(terminated(ids)).containsExactly(ids.get(0));
        assertThat(terminationsAnnounced()).hasSize(1);
    }

    /**
     * Runs the drift function on the event in a process of its own ({@link DriftFunctionProcess}), through the proxy,
     * and kills it (SIGKILL: no cleanup runs) once it is stuck in the given call.
     */
    private void killWhenCalled(ComplianceEvents event, String service, String operation) throws IOException, InterruptedException {
        Path eventFile = Files.createTempFile("drift-event", ".json");
        Files.write(eventFile, event.bytes());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DriftFunctionProcess.class.getName(), eventFile.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("drift-killed", ".log").toFile());
        builder.environment().putAll(env.environment(settings()));
        builder.environment().put("AWS_ACCESS_KEY_ID", "testing");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
        builder.environment().put("AWS_REGION", Emulator.REGION.id());
        builder.environment().put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
        Process process = builder.start();
        try {
            Instant giveUp = Instant.now().plusSeconds(60);
            while (proxy.exchanges(service, operation).isEmpty() && process.isAlive() && Instant.now().isBefore(giveUp)) {
                Thread.sleep(100);
            }
            assertThat(proxy.exchanges(service, operation)).as("the process reached %s", operation).isNotEmpty();
        } finally {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(eventFile);
        }
    }
}
