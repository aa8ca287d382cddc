package io.driftdeploy.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.config.model.ComplianceType;
import io.driftdeploy.orchestration.Telemetry;

/**
 * Rule 7's reservations on the emulator: the group's and the account's units are taken in one
 * transaction, so a decision the account's limit refuses never holds a unit of the group's.
 */
class RateReservationIT {

    private static final String OPT_IN_KEY = "drift-deploy:remediation";
    /** A day, so that the window does not turn between filling the account's counter and the decisions. */
    private static final Duration WINDOW = Duration.ofDays(1);

    /** Closed after each test: it deletes the Config rules the test made. */
    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stopThreads() {
        pool.shutdownNow();
    }

    /**
     * The defect: each decision took the group's unit, then the account's limit refused it and the
     * unit was given back; meanwhile concurrent decisions saw the group at its limit, opened its
     * circuit and sent a storm alert for a group with no termination.
     */
    @Test
    void decisionsTheAccountLimitRefusesHoldNothingOfTheGroupsLimit() throws Exception {
        TestGroup group = env.group("web").instances(8).tag(OPT_IN_KEY, "terminate").create();
        Instant windowStart = DriftPolicy.rateWindowStart(Instant.now(), WINDOW);
        Ledger ledger = new Ledger(env.aws.dynamoDb(), env.tableName);
        // The account (the function's own, DRIFT_DEPLOY_ACCOUNT_ID) already reached its limit of 1 in this window.
        assertThat(ledger.reserveAll(List.of(new Ledger.Reservation(accountCounter(), windowStart.toString(), 1,
                windowStart.plus(WINDOW), windowStart.plus(WINDOW))), "an-earlier-termination", Instant.now())).isEmpty();
        DriftHandler handler = handler();
        List<Callable<Map<String, Object>>> decisions = new ArrayList<>();
        for (String instance : group.instanceIds()) {
            byte[] event = onRecord(instance).bytes();
            decisions.add(() -> handler.handle(event).json());
        }

        List<Map<String, Object>> results = concurrently(decisions);

        assertThat(results).as("the group is below its limit of 2: only the account's refuses")
                .extracting(result -> result.get("reason")).containsOnly("account-rate-limit");
        assertThat(rate("RATE#group#" + group.name)).as("no unit of the group's is held").isZero();
        List<ReceivedNotification> storms = env.notificationsSoFar().stream()
                .filter(n -> "storm".equals(n.kind())).toList();
        assertThat(storms).as("one storm alert, for the account, none for the group").singleElement()
                .satisfies(alert -> assertThat(alert.body().path("facts").path("scope").asText()).isEqualTo("account"));
        assertThat(group.inServiceInstanceIds()).hasSize(8);
    }

    @Test
    void bothUnitsAreTakenTogetherUnderTheFunctionsOwnAccount() {
        TestGroup group = env.group("web").instances(2).tag(OPT_IN_KEY, "terminate").create();

        Map<String, Object> result = handler().handle(onRecord(group.instanceIds().get(0)).bytes()).json();

        assertThat(result).as("%s", result).containsEntry("reason", "drift-confirmed");
        assertThat(rate("RATE#group#" + group.name)).isEqualTo(1).isEqualTo(rate(accountCounter()));
    }

    /** A drift event whose evaluation AWS Config holds, so that only the rate limits can refuse it. */
    private ComplianceEvents onRecord(String instanceId) {
        String rule = env.prefix + "-drift-a";
        ComplianceEvents event = ComplianceEvents.nonCompliant(rule, instanceId);
        env.putEvaluation(env.existingConfigRule(rule), event.resourceType(), instanceId, ComplianceType.NON_COMPLIANT,
                event.orderingTimestamp());
        return event;
    }

    private DriftHandler handler() {
        Map<String, String> settings = new HashMap<>();
        settings.put(Settings.PREFIX + "DRIFT_RULE_PREFIX", env.prefix + "-drift-");
        settings.put(Settings.PREFIX + "MODE", "enforce");
        settings.put(Settings.PREFIX + "MIN_HEALTHY_PERCENT", "0");
        settings.put(Settings.PREFIX + "MAX_TERMINATIONS_PER_GROUP", "2");
        settings.put(Settings.PREFIX + "MAX_TERMINATIONS_PER_ACCOUNT", "1");
        settings.put(Settings.PREFIX + "RATE_WINDOW_MINUTES", Long.toString(WINDOW.toMinutes()));
        return new DriftHandler(env.settings(settings), env.aws, Clock.systemUTC(),
                new Telemetry("drift", new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    private static String accountCounter() {
        return "RATE#account#" + Emulator.ACCOUNT;
    }

    /** The units held now in the current window's item. */
    private long rate(String pk) {
        Instant now = Instant.now();
        String window = DriftPolicy.rateWindowStart(now, WINDOW).toString();
        return new Ledger(env.aws.dynamoDb(), env.tableName).heldUnits(List.of(new Ledger.Reservation(pk, window, 1, now, now)), now)
                .get(0);
    }

    private <T> List<T> concurrently(List<Callable<T>> calls) throws Exception {
        List<T> results = new ArrayList<>();
        for (Future<T> future : pool.invokeAll(calls, 5, TimeUnit.MINUTES)) {
            results.add(future.get());
        }
        return results;
    }
}
