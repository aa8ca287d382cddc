package io.driftdeploy.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.aws.Attempt;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.ComplianceType;
import io.driftdeploy.fakes.FakeAuditTrail;
import io.driftdeploy.fakes.FakeClock;
import io.driftdeploy.fakes.FakeCompliance;
import io.driftdeploy.fakes.FakeDriftLedger;
import io.driftdeploy.fakes.FakeFleet;
import io.driftdeploy.fakes.FakeNotifier;
import io.driftdeploy.fakes.FakeQuarantine;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.InstanceFacts;
import io.driftdeploy.policy.InstanceState;
import io.driftdeploy.policy.QuarantinePolicy;
import io.driftdeploy.policy.RateScope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The drift path's orchestration on in-memory fakes, in milliseconds: which rule decides, which
 * facts each decision reads (and which it never reaches), what it holds in the ledger, what it
 * gives back when the termination fails, and the storm alert. The integration tests keep what
 * only AWS's behaviour can prove: conditional writes under concurrency, the calls on the wire.
 */
class DriftRemediationTest {

    private static final String ACCOUNT = "123456789012";
    private static final String RULE = "dd-drift-golden-ami";
    private static final Map<String, String> OPTED_IN = Map.of("drift-deploy:remediation", "terminate");
    private static final Instant NOW = Instant.parse("2026-12-02T10:15:00Z");
    private static final String QUARANTINE_GROUP = "sg-0quarantine";

    private static final String WEB1 = FakeFleet.member("web", 1);
    private static final String WEB2 = FakeFleet.member("web", 2);
    private static final String API1 = FakeFleet.member("api", 1);
    private static final String DB1 = FakeFleet.member("db", 1);
    private static final String DB2 = FakeFleet.member("db", 2);

    private final FakeClock clock = new FakeClock(NOW);
    private final FakeDriftLedger ledger = new FakeDriftLedger();
    private final FakeFleet fleet = new FakeFleet();
    private final FakeCompliance compliance = new FakeCompliance().rule(RULE, Optional.empty());
    private final FakeNotifier notifier = new FakeNotifier();
    private final FakeAuditTrail audit = new FakeAuditTrail();
    private final FakeQuarantine quarantine = new FakeQuarantine(fleet);
    private int events;

    private DriftRemediation remediation(Consumer<Map<String, String>> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put(Settings.PREFIX + "TOPIC_ARN", "arn:aws:sns:eu-west-1:" + ACCOUNT + ":drift-deploy");
        env.put(Settings.PREFIX + "TABLE", "drift-deploy-ledger");
        env.put(Settings.PREFIX + "ACCOUNT_ID", ACCOUNT);
        env.put(Settings.PREFIX + "DRIFT_RULES", RULE);
        env.put(Settings.PREFIX + "MODE", "enforce");
        env.put(Settings.PREFIX + "MIN_HEALTHY_PERCENT", "0");
        env.put(Settings.PREFIX + "QUARANTINE_SECURITY_GROUPS", FakeQuarantine.VPC + "=" + QUARANTINE_GROUP);
        overrides.accept(env);
        Reporter reporter = new Reporter(audit, notifier, Telemetry.discarded("drift"), clock);
        Settings settings = Settings.from(env);
        return new DriftRemediation(settings, ledger, fleet, compliance, reporter, clock,
                new QuarantineSteps(quarantine, settings.drift().quarantine().securityGroupsByVpc()));
    }

    private DriftRemediation enforcing() {
        return remediation(env -> { });
    }

    /** A NON_COMPLIANT evaluation of the instance by the drift rule, just made, that AWS Config still holds. */
    private Evaluation drifted(String instanceId) {
        Instant evaluated = clock.instant().minusSeconds(30);
        compliance.result(RULE, instanceId, ComplianceType.NON_COMPLIANT, evaluated);
        return new Evaluation("event-" + ++events, ACCOUNT, "eu-west-1", RULE, "AWS::EC2::Instance", instanceId,
                ComplianceType.NON_COMPLIANT, evaluated);
    }

    private Map<String, Object> decide(DriftRemediation remediation, Evaluation evaluation) {
        return remediation.remediate(evaluation, clock.instant().plus(Duration.ofMinutes(5))).decided().json();
    }

    private static String reason(Map<String, Object> result) {
        return (String) result.get("reason");
    }

    @Test
    void anEnforcedTerminationHoldsEveryUnitAndIsAnnouncedAndAuditedOnce() {
        fleet.group("web", OPTED_IN, 3);

        Map<String, Object> result = decide(enforcing(), drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.DRIFT_CONFIRMED.label());
        assertThat(fleet.terminated()).containsExactly(WEB1);
        assertThat(ledger.capacityHeld("web", NOW)).isEqualTo(1);
        Instant window = DriftPolicy.rateWindowStart(NOW, Duration.ofHours(1));
        assertThat(ledger.rateHeld(RateScope.GROUP, "web", window, NOW)).isEqualTo(1);
        assertThat(ledger.rateHeld(RateScope.ACCOUNT, ACCOUNT, window, NOW)).isEqualTo(1);
        assertThat(notifier.withAttribute("action", "terminate")).hasSize(1);
        assertThat(ledger.audits()).hasSize(1);
        assertThat(audit.records()).as("the audit record goes with the claim's completion").isEmpty();
        assertThat(ledger.calls()).containsExactly("claimEvent", "churn", "knownPaused", "reserve", "completeEvent");
    }

    // Facts read ahead for a sweep's batch (ReadAhead): they may refuse, never act.

    private Map<String, Object> decide(DriftRemediation remediation, Evaluation evaluation, ReadAhead facts) {
        return remediation.remediate(evaluation, DriftRemediation.Announce.TERMINATIONS, DriftRemediation.Source.QUEUE,
                clock.instant().plus(Duration.ofMinutes(5)), Optional.of(facts)).decided().json();
    }

    @Test
    void refusalsOnFactsReadAheadReadTheBatchOnceAndSaySo() {
        fleet.group("legacy", Map.of(), 3);
        List<String> legacy = List.of(FakeFleet.member("legacy", 1), FakeFleet.member("legacy", 2),
                FakeFleet.member("legacy", 3));
        DriftRemediation remediation = enforcing();
        ReadAhead facts = remediation.readAhead(ACCOUNT, legacy);

        List<Map<String, Object>> results = legacy.stream().map(id -> decide(remediation, drifted(id), facts)).toList();

        assertThat(results).extracting(DriftRemediationTest::reason).containsOnly(DriftReason.GROUP_NOT_OPTED_IN.label());
        assertThat(results).extracting(result -> result.get("factsReadAt")).containsOnly(NOW.toString());
        assertThat(fleet.calls()).containsExactly("describeAll " + String.join(",", legacy));
        assertThat(ledger.calls()).as("each refusal claimed, completed and audited in one write")
                .containsExactly("claimDecided", "claimDecided", "claimDecided");
        assertThat(ledger.audits()).hasSize(3);
    }

    /** An instance of a group that has not opted in: every decision on it is refused, on facts read ahead too. */
    private String inAGroupNotOptedIn() {
        fleet.group("legacy", Map.of(), 3);
        return FakeFleet.member("legacy", 1);
    }

    @Test
    void aRefusalOnFactsReadAheadIsDoneOnceMore() {
        String instance = inAGroupNotOptedIn();
        DriftRemediation remediation = enforcing();
        ReadAhead facts = remediation.readAhead(ACCOUNT, List.of(instance));
        Evaluation evaluation = drifted(instance);

        Map<String, Object> first = decide(remediation, evaluation, facts);
        Map<String, Object> again = decide(remediation, evaluation, facts);

        assertThat(reason(first)).isEqualTo(DriftReason.GROUP_NOT_OPTED_IN.label());
        assertThat(reason(again)).as("the claim it wrote is done").isEqualTo(DriftReason.DUPLICATE_EVENT.label());
        assertThat(ledger.calls()).containsExactly("claimDecided", "claimDecided", "claimEvent");
        assertThat(ledger.audits()).as("nothing written by the refused second write").hasSize(1);
    }

    @Test
    void aRefusalOnFactsReadAheadOfAnEventClaimedBeforeIsMadeClaimFirst() {
        String instance = inAGroupNotOptedIn();
        DriftRemediation remediation = enforcing();
        Evaluation evaluation = drifted(instance);
        // Another attempt holds the event (a redelivered message still being decided).
        ledger.claimEvent(evaluation, Attempt.until(NOW.plus(Duration.ofMinutes(5))), NOW);
        ReadAhead facts = remediation.readAhead(ACCOUNT, List.of(instance));

        assertThatThrownBy(() -> decide(remediation, evaluation, facts)).isInstanceOf(EventInProgressException.class);
        assertThat(ledger.calls()).containsExactly("claimEvent", "claimDecided", "claimEvent");
        assertThat(ledger.audits()).isEmpty();
    }

    @Test
    void aRefusalOnFactsReadAheadOfAnEvaluationNoLongerTheNewestIsMadeClaimFirst() {
        String instance = inAGroupNotOptedIn();
        DriftRemediation remediation = enforcing();
        Evaluation older = drifted(instance);
        clock.advance(Duration.ofSeconds(10));
        // A newer evaluation was recorded since (by an event), and AWS Config holds it.
        decide(remediation, drifted(instance));
        int before = ledger.calls().size();
        ReadAhead facts = remediation.readAhead(ACCOUNT, List.of(instance));

        Map<String, Object> result = decide(remediation, older, facts);

        assertThat(reason(result)).isEqualTo(DriftReason.STALE_EVALUATION.label());
        assertThat(ledger.calls().subList(before, ledger.calls().size()))
                .containsExactly("claimDecided", "claimEvent", "completeEvent");
    }

    @Test
    void aDecisionThatAnnouncesEveryRefusalClaimsFirstOnFactsReadAheadToo() {
        String instance = inAGroupNotOptedIn();
        DriftRemediation remediation = enforcing();
        ReadAhead facts = remediation.readAhead(ACCOUNT, List.of(instance));

        Map<String, Object> result = remediation.remediate(drifted(instance), DriftRemediation.Announce.EVERY_DECISION,
                DriftRemediation.Source.QUEUE, clock.instant().plus(Duration.ofMinutes(5)), Optional.of(facts)).decided().json();

        assertThat(reason(result)).isEqualTo(DriftReason.GROUP_NOT_OPTED_IN.label());
        assertThat(ledger.calls()).containsExactly("claimEvent", "completeEvent");
        assertThat(notifier.published()).as("announced, after its claim").hasSize(1);
    }

    @Test
    void aGroupsRefreshesAreReadOnceForTheBatch() {
        fleet.group("web", OPTED_IN, 3).refreshing("web", true, Optional.of(NOW.minusSeconds(60)));
        List<String> web = List.of(WEB1, WEB2);
        DriftRemediation remediation = enforcing();
        ReadAhead facts = remediation.readAhead(ACCOUNT, web);

        web.forEach(id -> assertThat(reason(decide(remediation, drifted(id), facts)))
                .isEqualTo(DriftReason.REFRESH_IN_PROGRESS.label()));

        assertThat(fleet.calls()).containsExactly("describeAll " + WEB1 + "," + WEB2, "refreshes web");
    }

    @Test
    void aDecisionThatWouldActOnFactsReadAheadActsOnlyOnFactsReadForIt() {
        fleet.group("web", OPTED_IN, 3);
        DriftRemediation remediation = enforcing();
        ReadAhead facts = remediation.readAhead(ACCOUNT, List.of(WEB1, WEB2));
        // Since the batch was read: someone protected the first instance.
        fleet.scaleInProtected(WEB1);

        Map<String, Object> protectedSince = decide(remediation, drifted(WEB1), facts);
        Map<String, Object> unchanged = decide(remediation, drifted(WEB2), facts);

        assertThat(reason(protectedSince)).isEqualTo(DriftReason.SCALE_IN_PROTECTION.label());
        assertThat(protectedSince).doesNotContainKey("factsReadAt");
        assertThat(reason(unchanged)).isEqualTo(DriftReason.DRIFT_CONFIRMED.label());
        assertThat(fleet.terminated()).containsExactly(WEB2);
        // The protected instance is refused on its own facts before its group's refreshes matter.
        assertThat(fleet.calls()).containsExactly("describeAll " + WEB1 + "," + WEB2, "refreshes web",
                "describe " + WEB1,
                "describe " + WEB2, "refreshes web", "terminate " + WEB2);
    }

    @Test
    void aChurnBreakerIsOpenedOnlyOnFactsReadForTheDecision() {
        fleet.group("web", OPTED_IN, 3);
        DriftRemediation remediation = enforcing();
        decide(remediation, drifted(WEB1));
        String replacement = FakeFleet.member("web", 4);
        fleet.instance(replacement, "web").launchedAt(replacement, NOW.plusSeconds(90));
        clock.advance(Duration.ofMinutes(5));
        int before = fleet.calls().size();
        ReadAhead facts = remediation.readAhead(ACCOUNT, List.of(replacement));

        Map<String, Object> result = decide(remediation, drifted(replacement), facts);

        assertThat(reason(result)).isEqualTo(DriftReason.REPLACEMENT_DID_NOT_CURE.label());
        assertThat(result).containsEntry("replaces", WEB1).doesNotContainKey("factsReadAt");
        assertThat(fleet.calls().subList(before, fleet.calls().size()))
                .containsExactly("describeAll " + replacement, "refreshes web", "describe " + replacement, "refreshes web");
        assertThat(ledger.calls().stream().filter("openBreaker"::equals)).hasSize(1);
    }

    @Test
    void anEvaluationOfNoDriftRuleTouchesNothing() {
        fleet.group("web", OPTED_IN, 3);
        Evaluation other = new Evaluation("event-x", ACCOUNT, "eu-west-1", "some-other-rule", "AWS::EC2::Instance", WEB1,
                ComplianceType.NON_COMPLIANT, NOW.minusSeconds(30));

        assertThat(reason(decide(enforcing(), other))).isEqualTo(DriftReason.NOT_A_DRIFT_RULE.label());
        assertThat(ledger.calls()).isEmpty();
        assertThat(fleet.calls()).isEmpty();
    }

    @Test
    void aGoneInstanceIsReadOnceAndNothingElse() {
        fleet.group("web", OPTED_IN, 3).state(WEB1, InstanceState.TERMINATED);

        assertThat(reason(decide(enforcing(), drifted(WEB1)))).isEqualTo(DriftReason.INSTANCE_GONE.label());
        assertThat(fleet.calls()).containsExactly("describe " + WEB1);
        assertThat(compliance.calls()).isEmpty();
        assertThat(ledger.calls()).containsExactly("claimEvent", "completeEvent");
    }

    @Test
    void aGroupNotOptedInStopsBeforeItsRefreshesAreRead() {
        fleet.group("web", Map.of(), 3);

        assertThat(reason(decide(enforcing(), drifted(WEB1)))).isEqualTo(DriftReason.GROUP_NOT_OPTED_IN.label());
        assertThat(fleet.calls()).containsExactly("describe " + WEB1);
        assertThat(fleet.terminated()).isEmpty();
    }

    @Test
    void aProtectedInstanceStopsBeforeItsGroupsRefreshesAreRead() {
        fleet.group("web", OPTED_IN, 3).scaleInProtected(WEB1);

        assertThat(reason(decide(enforcing(), drifted(WEB1)))).isEqualTo(DriftReason.SCALE_IN_PROTECTION.label());
        assertThat(fleet.calls()).containsExactly("describe " + WEB1);
    }

    @Test
    void aRefreshInProgressStopsBeforeTheLedgerIsAskedAnything() {
        fleet.group("web", OPTED_IN, 3).refreshing("web", true, Optional.of(NOW.minusSeconds(60)));

        assertThat(reason(decide(enforcing(), drifted(WEB1)))).isEqualTo(DriftReason.REFRESH_IN_PROGRESS.label());
        assertThat(fleet.calls()).containsExactly("describe " + WEB1, "refreshes web");
        assertThat(ledger.calls()).containsExactly("claimEvent", "completeEvent");
        assertThat(compliance.calls()).isEmpty();
    }

    @Test
    void aGroupAtItsFloorIsRefusedBeforeAnythingIsReserved() {
        fleet.group("web", OPTED_IN, 2).lifecycle(WEB2, "Pending");
        DriftRemediation floorOfHalf = remediation(env -> env.put(Settings.PREFIX + "MIN_HEALTHY_PERCENT", "50"));

        assertThat(reason(decide(floorOfHalf, drifted(WEB1)))).isEqualTo(DriftReason.CAPACITY_GUARD.label());
        assertThat(ledger.calls()).containsExactly("claimEvent", "completeEvent");
        assertThat(fleet.terminated()).isEmpty();
    }

    @Test
    void aTerminationThatFailedAndDidNotHappenGivesEveryUnitBackAndReleasesTheEvent() {
        fleet.group("web", OPTED_IN, 3).failTerminations(new IllegalStateException("ScalingActivityInProgress"), false);
        Evaluation evaluation = drifted(WEB1);

        assertThatThrownBy(() -> decide(enforcing(), evaluation)).hasMessageContaining("ScalingActivityInProgress");

        Instant window = DriftPolicy.rateWindowStart(NOW, Duration.ofHours(1));
        assertThat(ledger.capacityHeld("web", NOW)).isZero();
        assertThat(ledger.rateHeld(RateScope.GROUP, "web", window, NOW)).isZero();
        assertThat(ledger.rateHeld(RateScope.ACCOUNT, ACCOUNT, window, NOW)).isZero();
        assertThat(ledger.churn("web", RULE).terminations()).as("no churn record of a termination that did not happen").isEmpty();
        assertThat(ledger.eventClaim(evaluation.eventId())).as("released for Lambda's retry").isEmpty();
        assertThat(notifier.published()).isEmpty();
    }

    @Test
    void aTerminationWhoseCallFailedButHappenedKeepsItsUnitsAndIsReported() {
        fleet.group("web", OPTED_IN, 3).failTerminations(new IllegalStateException("reply lost"), true);

        Map<String, Object> result = decide(enforcing(), drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.DRIFT_CONFIRMED.label());
        assertThat(result.get("activityId").toString()).startsWith("unknown: the call failed (reply lost)");
        assertThat(ledger.capacityHeld("web", NOW)).isEqualTo(1);
        assertThat(notifier.withAttribute("action", "terminate")).hasSize(1);
    }

    @Test
    void theSameEventAgainIsADuplicateThatActsOnNothing() {
        fleet.group("web", OPTED_IN, 3);
        DriftRemediation remediation = enforcing();
        Evaluation evaluation = drifted(WEB1);
        decide(remediation, evaluation);

        assertThat(reason(decide(remediation, evaluation))).isEqualTo(DriftReason.DUPLICATE_EVENT.label());
        assertThat(fleet.terminated()).containsExactly(WEB1);
        assertThat(notifier.withAttribute("action", "terminate")).hasSize(1);
    }

    @Test
    void theAccountsRateLimitOpensTheCircuitAndSendsOneStormAlertThenRefusesWithoutTheLedger() {
        fleet.group("web", OPTED_IN, 3).group("api", OPTED_IN, 3).group("db", OPTED_IN, 3);
        DriftRemediation remediation = remediation(env -> env.put(Settings.PREFIX + "MAX_TERMINATIONS_PER_ACCOUNT", "1"));

        assertThat(reason(decide(remediation, drifted(WEB1)))).isEqualTo(DriftReason.DRIFT_CONFIRMED.label());
        assertThat(reason(decide(remediation, drifted(API1)))).isEqualTo(DriftReason.ACCOUNT_RATE_LIMIT.label());
        assertThat(ledger.circuitOpen(RateScope.ACCOUNT, ACCOUNT, DriftPolicy.rateWindowStart(NOW, Duration.ofHours(1)))).isTrue();
        assertThat(notifier.withAttribute("kind", "storm")).hasSize(1);

        // The first refusal found the circuit closed and opened it; the second learns the scope is paused.
        assertThat(reason(decide(remediation, drifted(DB1)))).isEqualTo(DriftReason.ACCOUNT_RATE_LIMIT.label());
        List<String> beforeKnown = ledger.calls();
        assertThat(reason(decide(remediation, drifted(DB2)))).isEqualTo(DriftReason.ACCOUNT_RATE_LIMIT.label());
        assertThat(ledger.calls().subList(beforeKnown.size(), ledger.calls().size()))
                .as("a scope known to be paused is refused without a reservation")
                .containsExactly("claimEvent", "churn", "knownPaused", "completeEvent");
        assertThat(fleet.terminated()).containsExactly(WEB1);
        assertThat(notifier.withAttribute("kind", "storm")).as("one storm alert per scope and window").hasSize(1);
    }

    @Test
    void aStormAlertAnotherAttemptIsSendingIsLeftToIt() {
        fleet.group("web", OPTED_IN, 3).group("api", OPTED_IN, 3);
        DriftRemediation remediation = remediation(env -> env.put(Settings.PREFIX + "MAX_TERMINATIONS_PER_ACCOUNT", "1"));
        decide(remediation, drifted(WEB1));
        Instant window = DriftPolicy.rateWindowStart(NOW, Duration.ofHours(1));
        Attempt sending = Attempt.until(NOW.plus(Duration.ofMinutes(5)));
        assertThat(ledger.claimStormAlert(RateScope.ACCOUNT, ACCOUNT, window, Duration.ofHours(1), sending, "event-other", NOW))
                .isTrue();

        assertThat(reason(decide(remediation, drifted(API1)))).isEqualTo(DriftReason.ACCOUNT_RATE_LIMIT.label());
        assertThat(notifier.withAttribute("kind", "storm")).isEmpty();
    }

    @Test
    void aStormAlertThatCouldNotBeSentIsSentByTheNextRefusedDecision() {
        fleet.group("web", OPTED_IN, 3).group("api", OPTED_IN, 3).group("db", OPTED_IN, 3);
        DriftRemediation remediation = remediation(env -> env.put(Settings.PREFIX + "MAX_TERMINATIONS_PER_ACCOUNT", "1"));
        decide(remediation, drifted(WEB1));
        notifier.failWith(new IllegalStateException("SNS unavailable"));

        assertThatThrownBy(() -> decide(remediation, drifted(API1))).hasMessageContaining("SNS unavailable");
        notifier.deliver();
        assertThat(reason(decide(remediation, drifted(DB1)))).isEqualTo(DriftReason.ACCOUNT_RATE_LIMIT.label());

        assertThat(notifier.withAttribute("kind", "storm")).hasSize(1);
        assertThat(fleet.terminated()).containsExactly(WEB1);
    }

    @Test
    void aDryRunReadsTheUnitsAndHoldsNothing() {
        fleet.group("web", OPTED_IN, 3);
        DriftRemediation dryRun = remediation(env -> env.put(Settings.PREFIX + "MODE", "dry-run"));

        assertThat(reason(decide(dryRun, drifted(WEB1)))).isEqualTo(DriftReason.DRY_RUN.label());
        assertThat(fleet.terminated()).isEmpty();
        assertThat(ledger.calls()).containsExactly("claimEvent", "churn", "knownPaused", "wouldRefuse", "completeEvent");
        assertThat(ledger.capacityHeld("web", NOW)).isZero();
    }

    @Test
    void anEvaluationConfigHasSinceFoundCompliantIsStaleAndNotActedOn() {
        fleet.group("web", OPTED_IN, 3);
        Evaluation evaluation = drifted(WEB1);
        compliance.result(RULE, WEB1, ComplianceType.COMPLIANT, NOW.minusSeconds(5));

        assertThat(reason(decide(enforcing(), evaluation))).isEqualTo(DriftReason.STALE_EVALUATION.label());
        assertThat(ledger.calls()).doesNotContain("reserve");
        assertThat(fleet.terminated()).isEmpty();
    }

    private static Map<String, String> optedIn(String... budgetTags) {
        Map<String, String> tags = new HashMap<>(OPTED_IN);
        for (int i = 0; i < budgetTags.length; i += 2) {
            tags.put(budgetTags[i], budgetTags[i + 1]);
        }
        return tags;
    }

    @Test
    void outsideEveryWindowOfAGroupWithOnlyScheduledBudgetsNothingIsWrittenAndTheNextOpeningIsSaid() {
        fleet.group("web", optedIn("drift-deploy:budget", "1 at 0 22 @ @ @ for 8h"), 3);

        Map<String, Object> result = decide(enforcing(), drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.BUDGET_CLOSED.label());
        assertThat(result).containsEntry("budgetNextWindowOpens", "2026-12-02T22:00:00Z");
        assertThat(ledger.calls()).containsExactly("claimEvent", "completeEvent");
        assertThat(fleet.terminated()).isEmpty();
        assertThat(notifier.published()).singleElement().satisfies(message -> assertThat(message.body())
                .contains("default-deny").contains("2026-12-02T22:00:00Z"));
    }

    @Test
    void aMalformedBudgetTagStopsRemediationAndTheNotificationNamesTheTagAndTheProblem() {
        fleet.group("web", optedIn("drift-deploy:budget/night", "10% at 0 22 * * * for 8h"), 3);

        Map<String, Object> result = decide(enforcing(), drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.INVALID_BUDGET_TAG.label());
        assertThat(ledger.calls()).containsExactly("claimEvent", "completeEvent");
        assertThat(notifier.published()).singleElement().satisfies(message -> assertThat(message.body())
                .contains("drift-deploy:budget/night").contains("write @ for *"));
    }

    @Test
    void theCapacityReservationsLimitIsTheBudgetWhenItIsBelowTheFloorsAllowance() {
        fleet.group("web", optedIn("drift-deploy:budget", "1"), 4);
        DriftRemediation remediation = enforcing();

        assertThat(reason(decide(remediation, drifted(WEB1)))).isEqualTo(DriftReason.DRIFT_CONFIRMED.label());
        // Auto Scaling keeps the desired capacity and launches the replacement; until it is InService the budget is used.
        fleet.instance(FakeFleet.member("web", 5), "web").lifecycle(FakeFleet.member("web", 5), "Pending");
        Map<String, Object> second = decide(remediation, drifted(WEB2));

        assertThat(reason(second)).isEqualTo(DriftReason.BUDGET_CLOSED.label());
        assertThat(second).containsEntry("budget", "drift-deploy:budget='1'").containsEntry("budgetOutOfService", 1);
        assertThat(fleet.terminated()).containsExactly(WEB1);
    }

    @Test
    void aTerminationInFlightHoldsTheBudgetsOneUnitInTheCapacityReservation() {
        fleet.group("web", optedIn("drift-deploy:budget", "1"), 4);
        DriftRemediation remediation = enforcing();
        decide(remediation, drifted(WEB1));
        // As if Auto Scaling had not yet taken the instance out of service: only the reservation holds the budget.
        fleet.state(WEB1, InstanceState.RUNNING).lifecycle(WEB1, "InService");

        assertThat(reason(decide(remediation, drifted(WEB2)))).isEqualTo(DriftReason.CAPACITY_GUARD.label());
        assertThat(ledger.capacityHeld("web", NOW)).isEqualTo(1);
        assertThat(fleet.terminated()).containsExactly(WEB1);
    }

    @Test
    void aBudgetForRolloutsOnlyLeavesDriftToTheFloor() {
        fleet.group("web", optedIn("drift-deploy:budget", "0 reasons rollout"), 3);

        assertThat(reason(decide(enforcing(), drifted(WEB1)))).isEqualTo(DriftReason.DRIFT_CONFIRMED.label());
    }

    @Test
    void defaultBudgetsFromTheSettingsApplyToGroupsWithoutBudgetTags() {
        fleet.group("web", OPTED_IN, 3).group("api", optedIn("drift-deploy:budget", "1"), 3);
        DriftRemediation remediation = remediation(env -> env.put(Settings.PREFIX + "DEFAULT_BUDGETS", "0,5"));

        assertThat(reason(decide(remediation, drifted(WEB1)))).isEqualTo(DriftReason.BUDGET_CLOSED.label());
        assertThat(reason(decide(remediation, drifted(API1)))).isEqualTo(DriftReason.DRIFT_CONFIRMED.label());
    }

    private static Map<String, String> surging(String... tags) {
        Map<String, String> surge = optedIn(tags);
        surge.putIfAbsent("drift-deploy:replacement", "surge");
        return surge;
    }

    @Test
    void aSurgeMarksTheInstanceUnhealthyInsteadOfTerminatingItAndHoldsEveryUnit() {
        fleet.group("web", surging(), 2).sized("web", 3, 100, 110);

        Map<String, Object> result = decide(enforcing(), drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.DRIFT_CONFIRMED.label());
        assertThat(fleet.surged()).containsExactly(WEB1);
        assertThat(fleet.terminated()).isEmpty();
        assertThat(fleet.unhealthy(WEB1)).isTrue();
        assertThat(result.get("actions")).asList().containsExactly("SetInstanceHealth Unhealthy " + WEB1);
        assertThat(result.get("explanation").toString()).contains("marked Unhealthy", "once the replacement is InService");
        assertThat(result).containsEntry("replacement", "surge").containsEntry("surgeRoom", 1)
                .containsEntry("maintenancePolicy", "100-110%").containsEntry("replacementFrom", "group tag drift-deploy:replacement");
        assertThat(ledger.capacityHeld("web", NOW)).isEqualTo(1);
        Instant window = DriftPolicy.rateWindowStart(NOW, Duration.ofHours(1));
        assertThat(ledger.rateHeld(RateScope.GROUP, "web", window, NOW)).isEqualTo(1);
        assertThat(ledger.rateHeld(RateScope.ACCOUNT, ACCOUNT, window, NOW)).isEqualTo(1);
        assertThat(notifier.withAttribute("action", "terminate")).singleElement().satisfies(message -> {
            assertThat(message.subject()).startsWith("drift-deploy: surge-replacing drifted " + WEB1);
            assertThat(message.body()).contains("only once the replacement is InService");
        });
    }

    @Test
    void aSecondSurgeWaitsUntilTheFirstHasLeftTheGroupSoTheGroupNeverExceedsItsMaximumSize() {
        fleet.group("web", surging(), 2).sized("web", 3, 100, 200);
        DriftRemediation remediation = enforcing();
        decide(remediation, drifted(WEB1));
        clock.advance(Duration.ofMinutes(10));

        Map<String, Object> waiting = decide(remediation, drifted(WEB2));
        assertThat(reason(waiting)).as("two listed and one marked: the replacement may still come").isEqualTo(
                DriftReason.CAPACITY_GUARD.label());
        assertThat(waiting).containsEntry("surgeRoom", 0).doesNotContainKey("minHealthyPercent");

        String replacement = FakeFleet.member("web", 3);
        fleet.instance(replacement, "web").lifecycle(replacement, "Pending");
        assertThat(reason(decide(remediation, drifted(WEB2)))).as("its replacement Pending, the marked one still listed")
                .isEqualTo(DriftReason.CAPACITY_GUARD.label());
        fleet.lifecycle(replacement, "InService").gone(WEB1);

        assertThat(reason(decide(remediation, drifted(WEB2)))).isEqualTo(DriftReason.DRIFT_CONFIRMED.label());
        assertThat(fleet.surged()).containsExactly(WEB1, WEB2);
    }

    @Test
    void aGroupAtItsMaximumSizeCannotSurgeAndIsNotTerminatedInstead() {
        fleet.group("web", surging(), 2).sized("web", 2, 100, 110);

        Map<String, Object> result = decide(enforcing(), drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.CANNOT_SURGE.label());
        assertThat(result.get("cannotSurge").toString()).contains("maximum size (2)");
        assertThat(fleet.surged()).isEmpty();
        assertThat(fleet.terminated()).isEmpty();
        assertThat(ledger.calls()).containsExactly("claimEvent", "completeEvent");
        assertThat(notifier.published()).singleElement().satisfies(message ->
                assertThat(message.body()).contains("raise the group's MaxSize", "drift-deploy:replacement=terminate"));
    }

    @Test
    void aGroupWhosePolicyMayTerminateBeforeTheReplacementIsHealthyCannotSurge() {
        fleet.group("web", surging(), 4).sized("web", 8, 90, 110);

        Map<String, Object> result = decide(enforcing(), drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.CANNOT_SURGE.label());
        assertThat(result.get("cannotSurge").toString()).contains("(90-110%) does not launch before terminating");
        assertThat(fleet.surged()).isEmpty();
        assertThat(fleet.terminated()).isEmpty();
    }

    @Test
    void aGroupWithoutAMaintenancePolicyCannotSurge() {
        fleet.group("web", surging(), 3);

        assertThat(reason(decide(enforcing(), drifted(WEB1)))).isEqualTo(DriftReason.CANNOT_SURGE.label());
        assertThat(fleet.calls()).doesNotContain("surge " + WEB1, "terminate " + WEB1);
    }

    @Test
    void aReplacementTagThatIsNeitherStrategyFailsClosedAndTheNotificationNamesIt() {
        fleet.group("web", surging("drift-deploy:replacement", "surge please"), 3).sized("web", 4, 100, 110);

        Map<String, Object> result = decide(enforcing(), drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.INVALID_REPLACEMENT_TAG.label());
        assertThat(result).containsEntry("replacementTag", "drift-deploy:replacement")
                .containsEntry("replacementTagValue", "surge please");
        assertThat(ledger.calls()).containsExactly("claimEvent", "completeEvent");
        assertThat(fleet.surged()).isEmpty();
        assertThat(fleet.terminated()).isEmpty();
        assertThat(notifier.published()).singleElement().satisfies(message ->
                assertThat(message.body()).contains("drift-deploy:replacement to terminate or surge"));
    }

    @Test
    void theDefaultReplacementAppliesToGroupsWithoutTheTagAndTheTagOverridesIt() {
        fleet.group("web", OPTED_IN, 2).sized("web", 3, 100, 110)
                .group("api", optedIn("drift-deploy:replacement", "Terminate"), 3);
        DriftRemediation remediation = remediation(env -> env.put(Settings.PREFIX + "DEFAULT_REPLACEMENT", "surge"));

        assertThat(decide(remediation, drifted(WEB1))).containsEntry("replacementFrom", "DRIFT_DEPLOY_DEFAULT_REPLACEMENT");
        assertThat(reason(decide(remediation, drifted(API1)))).isEqualTo(DriftReason.DRIFT_CONFIRMED.label());
        assertThat(fleet.surged()).containsExactly(WEB1);
        assertThat(fleet.terminated()).containsExactly(API1);
    }

    @Test
    void aSurgeIsBoundedByTheRoomUnderTheMaximumNotByTheFloorATerminationWouldBreak() {
        fleet.group("web", surging("drift-deploy:min-healthy-percent", "100"), 1).sized("web", 2, 100, 200)
                .group("api", optedIn("drift-deploy:min-healthy-percent", "100"), 1);

        assertThat(reason(decide(enforcing(), drifted(API1)))).isEqualTo(DriftReason.CAPACITY_GUARD.label());
        assertThat(reason(decide(enforcing(), drifted(WEB1)))).isEqualTo(DriftReason.DRIFT_CONFIRMED.label());
        assertThat(fleet.surged()).containsExactly(WEB1);
    }

    @Test
    void aSurgeThatFailedAndDidNotHappenGivesEveryUnitBackAndReleasesTheEvent() {
        fleet.group("web", surging(), 2).sized("web", 3, 100, 110)
                .failTerminations(new IllegalStateException("ResourceContention"), false);
        Evaluation evaluation = drifted(WEB1);

        assertThatThrownBy(() -> decide(enforcing(), evaluation)).hasMessageContaining("ResourceContention");

        assertThat(fleet.unhealthy(WEB1)).isFalse();
        assertThat(ledger.capacityHeld("web", NOW)).isZero();
        assertThat(ledger.rateHeld(RateScope.ACCOUNT, ACCOUNT, DriftPolicy.rateWindowStart(NOW, Duration.ofHours(1)), NOW))
                .isZero();
        assertThat(ledger.eventClaim(evaluation.eventId())).as("released for Lambda's retry").isEmpty();
        assertThat(notifier.published()).isEmpty();
    }

    @Test
    void aSurgeWhoseCallFailedButHappenedKeepsItsUnitsAndIsReported() {
        fleet.group("web", surging(), 2).sized("web", 3, 100, 110)
                .failTerminations(new IllegalStateException("reply lost"), true);

        Map<String, Object> result = decide(enforcing(), drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.DRIFT_CONFIRMED.label());
        assertThat(result.get("surgeCall").toString()).startsWith("unknown: the call failed (reply lost)")
                .endsWith("marked Unhealthy");
        assertThat(ledger.capacityHeld("web", NOW)).isEqualTo(1);
        assertThat(notifier.withAttribute("action", "terminate")).hasSize(1);
    }

    @Test
    void aDryRunSaysItWouldSurgeAndHoldsNothing() {
        fleet.group("web", surging(), 2).sized("web", 3, 100, 110);
        DriftRemediation dryRun = remediation(env -> env.put(Settings.PREFIX + "MODE", "dry-run"));

        Map<String, Object> result = decide(dryRun, drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.DRY_RUN.label());
        assertThat(result).containsEntry("replacement", "surge").containsEntry("enforceWouldDo", "terminate");
        assertThat(fleet.surged()).isEmpty();
        assertThat(ledger.capacityHeld("web", NOW)).isZero();
        assertThat(notifier.published()).singleElement().satisfies(message -> {
            assertThat(message.subject()).startsWith("drift-deploy: dry-run, would surge-replace drifted " + WEB1);
            assertThat(message.body()).contains("\"summary\":\"Dry run: would surge-replace " + WEB1);
        });
    }

    /**
     * Whatever the group, its budget, its floor and the order of events, a termination never
     * leaves more instances out of service than the budget active at that moment allows, never
     * goes below the floor, and never happens outside every window of a group with only scheduled
     * budgets. The budget and the floor are judged here from the group as the test keeps it, not
     * by the code under test: out of service is desired capacity minus healthy InService, and
     * Auto Scaling keeps the desired capacity by launching a replacement (Pending until the test
     * brings it InService).
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void noSequenceOfDecisionsExceedsTheActiveBudgetOrBreaksTheFloor(long seed) {
        Random random = new Random(seed);
        int size = 2 + random.nextInt(11);
        int minHealthy = List.of(0, 50, 60, 90).get(random.nextInt(4));
        boolean percent = random.nextBoolean();
        int amount = percent ? 10 * random.nextInt(7) : random.nextInt(4);
        boolean scheduled = random.nextBoolean();
        int windowHour = random.nextInt(24);
        int windowHours = 1 + random.nextInt(6);
        String budget = (percent ? amount + "pct" : Integer.toString(amount))
                + (scheduled ? " at 0 " + windowHour + " @ @ @ for " + windowHours + "h" : "");
        fleet.group("web", optedIn("drift-deploy:budget", budget), size);
        DriftRemediation remediation = remediation(env -> {
            env.put(Settings.PREFIX + "MIN_HEALTHY_PERCENT", Integer.toString(minHealthy));
            env.put(Settings.PREFIX + "MAX_TERMINATIONS_PER_GROUP", "10000");
            env.put(Settings.PREFIX + "MAX_TERMINATIONS_PER_ACCOUNT", "100000");
        });
        List<String> members = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            members.add(FakeFleet.member("web", i));
        }
        List<String> pending = new ArrayList<>();
        int launched = size;
        for (int step = 0; step < 60; step++) {
            switch (random.nextInt(4)) {
                case 0 -> clock.advance(Duration.ofMinutes(random.nextInt(180)));
                case 1 -> {
                    if (!pending.isEmpty()) {
                        fleet.lifecycle(pending.remove(random.nextInt(pending.size())), "InService");
                    }
                }
                default -> {
                    String target = members.get(random.nextInt(members.size()));
                    int outBefore = outOfService(target, size);
                    boolean windowOpen = !scheduled || Math.floorMod(
                            clock.instant().atZone(java.time.ZoneOffset.UTC).getHour() - windowHour, 24) < windowHours;
                    int allowed = !windowOpen ? 0 : percent ? (size * amount + 99) / 100 : amount;
                    if (DriftReason.DRIFT_CONFIRMED.label().equals(reason(decide(remediation, drifted(target))))) {
                        assertThat(outBefore + 1).as("out of service after terminating %s under '%s'", target, budget)
                                .isLessThanOrEqualTo(allowed);
                        assertThat(size - outBefore - 1).as("healthy after, against the floor of %d%%", minHealthy)
                                .isGreaterThanOrEqualTo((size * minHealthy + 99) / 100);
                        String replacement = FakeFleet.member("web", ++launched);
                        fleet.instance(replacement, "web").lifecycle(replacement, "Pending");
                        members.remove(target);
                        members.add(replacement);
                        pending.add(replacement);
                    }
                }
            }
        }
    }

    /**
     * The same walk for a surge group, with Auto Scaling's launch before terminating played by the
     * test as its instance maintenance policy documents it: an instance marked Unhealthy gets a
     * replacement launched (Pending), brought InService, and only then is the marked instance
     * terminated. Whatever the order, no surge ever takes the group above its maximum size (the
     * instances it lists, plus the replacements still to come for marked ones), none exceeds the
     * budget active at that moment, and nothing leaves service before its replacement is InService,
     * so the floor holds. A storm (rate limits out of the way) cannot grow the group past its
     * maximum size either: surges beyond the room are refused.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void noSequenceOfSurgesExceedsTheMaximumSizeOrTheActiveBudgetOrBreaksTheFloor(long seed) {
        Random random = new Random(seed);
        int size = 1 + random.nextInt(10);
        int maxSize = size + random.nextInt(4);
        int maxHealthy = 110 + 10 * random.nextInt(10);
        boolean budgeted = random.nextBoolean();
        int amount = 1 + random.nextInt(3);
        Map<String, String> tags = budgeted ? surging("drift-deploy:budget", Integer.toString(amount)) : surging();
        fleet.group("web", tags, size).sized("web", maxSize, 100, maxHealthy);
        DriftRemediation remediation = remediation(env -> {
            env.put(Settings.PREFIX + "MIN_HEALTHY_PERCENT", "100");
            env.put(Settings.PREFIX + "MAX_TERMINATIONS_PER_GROUP", "10000");
            env.put(Settings.PREFIX + "MAX_TERMINATIONS_PER_ACCOUNT", "100000");
        });
        List<String> serving = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            serving.add(FakeFleet.member("web", i));
        }
        List<String> marked = new ArrayList<>();
        Map<String, String> replacementOf = new HashMap<>();
        int launched = size;
        int surges = 0;
        for (int step = 0; step < 80; step++) {
            switch (random.nextInt(5)) {
                case 0 -> clock.advance(Duration.ofMinutes(random.nextInt(10)));
                case 1 -> {
                    // Auto Scaling launches the replacement of a marked instance that has none yet.
                    Optional<String> waiting = marked.stream().filter(id -> !replacementOf.containsKey(id)).findFirst();
                    if (waiting.isPresent()) {
                        String replacement = FakeFleet.member("web", ++launched);
                        fleet.instance(replacement, "web").lifecycle(replacement, "Pending");
                        replacementOf.put(waiting.get(), replacement);
                    }
                }
                case 2 -> {
                    // A replacement goes InService; then, and only then, its marked instance is terminated.
                    Optional<String> ready = marked.stream().filter(replacementOf::containsKey).findFirst();
                    if (ready.isPresent()) {
                        String replacement = replacementOf.remove(ready.get());
                        fleet.lifecycle(replacement, "InService").gone(ready.get());
                        marked.remove(ready.get());
                        serving.add(replacement);
                    }
                }
                default -> {
                    // A drifted instance already marked (a repeated drift event) is picked too: it is never surged twice.
                    List<String> candidates = new ArrayList<>(serving);
                    candidates.addAll(marked);
                    String target = candidates.get(random.nextInt(candidates.size()));
                    boolean alreadyMarked = marked.contains(target);
                    int listed = serving.size() + marked.size() + replacementOf.size();
                    int toCome = (int) marked.stream().filter(id -> !replacementOf.containsKey(id)).count();
                    int inFlight = marked.size();
                    if (DriftReason.DRIFT_CONFIRMED.label().equals(reason(decide(remediation, drifted(target))))) {
                        surges++;
                        assertThat(alreadyMarked).as("%s surged a second time", target).isFalse();
                        assertThat(listed + toCome + 1).as("instances once every replacement is launched, surging %s", target)
                                .isLessThanOrEqualTo(maxSize);
                        if (budgeted) {
                            assertThat(inFlight + 1).as("replacements in flight under budget %d", amount)
                                    .isLessThanOrEqualTo(amount);
                        }
                        assertThat(fleet.unhealthy(target)).isTrue();
                        serving.remove(target);
                        marked.add(target);
                    }
                }
            }
            assertThat(serving.size() + marked.size()).as("InService, marked or not: nothing left before its replacement")
                    .isGreaterThanOrEqualTo(size);
        }
        assertThat(fleet.terminated()).as("a surge group is never terminated into").isEmpty();
        assertThat(fleet.surged()).hasSize(surges);
    }

    /** Instances of the group not healthy InService, as the decision about {@code instance} sees them. */
    private int outOfService(String instance, int desired) {
        return fleet.describe(instance).flatMap(InstanceFacts::group).map(group -> desired - group.healthyInService())
                .orElseThrow();
    }

    static LongStream seeds() {
        return LongStream.range(0, 120);
    }

    // Quarantine instead of termination (docs/quarantine.md).

    private static final Map<String, String> QUARANTINING = Map.of("drift-deploy:remediation", "terminate",
            "drift-deploy:action", "quarantine");

    @Test
    void aQuarantineIsolatesSnapshotsAndDetachesAndCountsAsATermination() {
        fleet.group("web", QUARANTINING, 3);
        Evaluation evaluation = drifted(WEB1);

        Map<String, Object> result = decide(enforcing(), evaluation);

        assertThat(reason(result)).isEqualTo(DriftReason.DRIFT_QUARANTINED.label());
        assertThat(result).containsEntry("decision", "quarantine");
        assertThat(fleet.terminated()).as("quarantined, not terminated").isEmpty();
        assertThat(fleet.groupOf(WEB1)).as("detached: the group replaces it").isEmpty();
        assertThat(fleet.state(WEB1)).isEqualTo(InstanceState.RUNNING);
        assertThat(quarantine.securityGroups(WEB1)).containsExactly(List.of(QUARANTINE_GROUP));
        assertThat(quarantine.snapshotsTaken().values()).singleElement()
                .satisfies(tags -> assertThat(tags).containsEntry("drift-deploy:quarantine", evaluation.eventId()));
        assertThat(fleet.tags(WEB1)).containsEntry("drift-deploy:quarantine", evaluation.eventId())
                .containsEntry("drift-deploy:quarantine-group", "web")
                .containsEntry("drift-deploy:quarantine-until", NOW.plus(Duration.ofDays(7)).toString());
        assertThat(quarantine.calls()).as("marked first, isolated before the snapshot, detached last").containsExactly(
                "interfaces " + WEB1, "interfaces " + WEB1, "tag " + WEB1, "isolate eni-" + WEB1.substring(2),
                "snapshots " + evaluation.eventId(), "snapshot " + WEB1, "detach " + WEB1);
        assertThat((List<?>) result.get("actions")).hasSize(4);
        assertThat(ledger.capacityHeld("web", NOW)).as("out of service: it holds its capacity unit").isEqualTo(1);
        Instant window = DriftPolicy.rateWindowStart(NOW, Duration.ofHours(1));
        assertThat(ledger.rateHeld(RateScope.GROUP, "web", window, NOW)).isEqualTo(1);
        assertThat(notifier.withAttribute("action", "quarantine")).hasSize(1);
    }

    @Test
    void aDryRunSaysItWouldQuarantineAndChangesNothing() {
        fleet.group("web", QUARANTINING, 3);

        Map<String, Object> result = decide(remediation(env -> env.put(Settings.PREFIX + "MODE", "dry-run")), drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.DRY_RUN_QUARANTINE.label());
        assertThat(result).containsEntry("enforceWouldDo", "quarantine");
        assertThat(notifier.published()).singleElement().satisfies(message ->
                assertThat(message.subject()).contains("would quarantine"));
        assertThat(quarantine.calls()).containsExactly("interfaces " + WEB1);
        assertThat(fleet.groupOf(WEB1)).contains("web");
    }

    @Test
    void anActionTagThatIsNeitherFailsClosedNamingTheTag() {
        fleet.group("web", Map.of("drift-deploy:remediation", "terminate", "drift-deploy:action", "quarantaine"), 3);

        Map<String, Object> result = decide(enforcing(), drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.INVALID_ACTION_TAG.label());
        assertThat(result).containsEntry("actionTag", "drift-deploy:action").containsEntry("actionTagValue", "quarantaine");
        assertThat(fleet.terminated()).isEmpty();
        assertThat(quarantine.calls()).isEmpty();
        assertThat(ledger.calls()).doesNotContain("reserve");
    }

    @Test
    void anInstanceInAVpcWithoutAQuarantineGroupIsLeftAlone() {
        fleet.group("web", QUARANTINING, 3);
        quarantine.interfaces(WEB1, List.of(new QuarantinePolicy.NetworkInterface("eni-1", "vpc-0other", List.of("sg-1"))));

        Map<String, Object> result = decide(enforcing(), drifted(WEB1));

        assertThat(reason(result)).isEqualTo(DriftReason.NO_QUARANTINE_GROUP.label());
        assertThat(result).containsEntry("vpcsWithoutQuarantineGroup", List.of("vpc-0other"));
        assertThat(quarantine.calls()).containsExactly("interfaces " + WEB1);
        assertThat(ledger.calls()).doesNotContain("reserve");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"isolate", "snapshot", "detach"})
    void aQuarantineThatStopsPartWayKeepsItsUnitsIsAnnouncedAndItsRetryFinishesIt(String failing) {
        fleet.group("web", QUARANTINING, 3);
        quarantine.failOnce(failing, false);
        Evaluation evaluation = drifted(WEB1);

        assertThatThrownBy(() -> decide(enforcing(), evaluation)).hasMessageContaining("injected failure of " + failing);

        assertThat(ledger.capacityHeld("web", NOW)).as("nothing given back: the instance may be isolated").isEqualTo(1);
        assertThat(notifier.withAttribute("action", "quarantine")).singleElement().satisfies(message ->
                assertThat(message.subject()).contains("incomplete at " + failing));
        if (failing.equals("isolate")) {
            assertThat(fleet.groupOf(WEB1)).as("nothing took it out of service yet").contains("web");
        } else {
            assertThat(quarantine.securityGroups(WEB1)).as("isolated before %s failed", failing)
                    .containsExactly(List.of(QUARANTINE_GROUP));
        }

        clock.advance(Duration.ofMinutes(6));
        Map<String, Object> retried = decide(enforcing(), evaluation);

        assertThat(reason(retried)).isEqualTo(DriftReason.DRIFT_QUARANTINED.label());
        assertThat(retried).containsKey("recovered");
        assertThat(fleet.groupOf(WEB1)).isEmpty();
        assertThat(quarantine.securityGroups(WEB1)).containsExactly(List.of(QUARANTINE_GROUP));
        assertThat(quarantine.snapshotsTaken()).as("one set of snapshots, however often it is retried").hasSize(1);
        assertThat(fleet.tags(WEB1)).as("the retention end the first attempt set")
                .containsEntry("drift-deploy:quarantine-until", NOW.plus(Duration.ofDays(7)).toString());
        assertThat(ledger.calls()).as("the quarantine's units are never given back")
                .doesNotContain("giveBackAndRelease", "giveBackAndComplete");
        assertThat(notifier.withAttribute("action", "quarantine")).hasSize(2);
    }

    @Test
    void aQuarantineWhoseInterfacesCannotBeReadWritesNothingAndGivesEverythingBack() {
        fleet.group("web", QUARANTINING, 3);
        DriftRemediation remediation = enforcing();
        Evaluation evaluation = drifted(WEB1);
        // Ready at the check, gone by the act: a second interface in a VPC without a group.
        quarantine.interfaces(WEB1, List.of(new QuarantinePolicy.NetworkInterface("eni-1", FakeQuarantine.VPC, List.of("sg-1"))));
        fleet.failTerminations(new IllegalStateException("unused"), false);
        Map<String, List<QuarantinePolicy.NetworkInterface>> later = Map.of(WEB1, List.of(
                new QuarantinePolicy.NetworkInterface("eni-1", FakeQuarantine.VPC, List.of("sg-1")),
                new QuarantinePolicy.NetworkInterface("eni-2", "vpc-0other", List.of("sg-2"))));
        quarantine.afterReads(1, () -> quarantine.interfaces(WEB1, later.get(WEB1)));

        assertThatThrownBy(() -> decide(remediation, evaluation)).hasMessageContaining("without a quarantine security group");

        assertThat(quarantine.calls()).noneMatch(call -> call.startsWith("tag") || call.startsWith("isolate"));
        assertThat(ledger.capacityHeld("web", NOW)).isZero();
        assertThat(ledger.eventClaim(evaluation.eventId())).as("released for Lambda's retry").isEmpty();
        assertThat(notifier.published()).isEmpty();
    }

    @Test
    void aQuarantinedInstanceThatDriftsAgainIsLeftToItsQuarantine() {
        fleet.group("web", QUARANTINING, 3);
        Evaluation first = drifted(WEB1);
        decide(enforcing(), first);

        Map<String, Object> again = decide(enforcing(), drifted(WEB1));

        assertThat(reason(again)).isEqualTo(DriftReason.ALREADY_QUARANTINED.label());
        assertThat(again).containsEntry("quarantinedBy", first.eventId());
        assertThat(quarantine.snapshotsTaken()).hasSize(1);
        assertThat(notifier.withAttribute("action", "notify")).as("no standalone-instance warning for it").isEmpty();
    }
}
