package io.driftdeploy.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.ClaimLapsedException;
import io.driftdeploy.aws.DriftLedger;
import io.driftdeploy.aws.DriftLedger.EventClaim;
import io.driftdeploy.aws.DriftLedger.RateUnit;
import io.driftdeploy.aws.DriftLedger.Refusal;
import io.driftdeploy.aws.DriftLedger.TerminationUnits;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.event.ComplianceType;
import io.driftdeploy.policy.ChurnBreaker;
import io.driftdeploy.policy.ChurnBreaker.Termination;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.RateScope;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What the drift path relies on the ledger for, stated once and run against both ledgers: the
 * in-memory fake the fast tests use ({@link FakeDriftLedgerTest}) and the DynamoDB ledger on the
 * emulator ({@code DynamoDriftLedgerIT}). A fake that passes these behaves as the real one where
 * the orchestration can tell.
 */
public abstract class DriftLedgerContract {

    private static final String RULE = "drift-rule";
    private static final Duration WINDOW = Duration.ofHours(1);

    /** A ledger with nothing in it, its names unique to the test. */
    protected abstract DriftLedger ledger();

    /** A prefix that keeps this test's groups, instances and events apart from any other's. */
    protected abstract String unique();

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private final Instant windowStart = now.truncatedTo(ChronoUnit.HOURS);

    private String instance(int index) {
        return FakeFleet.member(unique(), index);
    }

    private Evaluation evaluation(String instanceId, Instant orderingTimestamp) {
        return new Evaluation(unique() + "-event-" + UUID.randomUUID(), "123456789012", "eu-west-1", RULE,
                "AWS::EC2::Instance", instanceId, ComplianceType.NON_COMPLIANT, orderingTimestamp);
    }

    private static Attempt until(Instant deadline) {
        return Attempt.until(deadline);
    }

    private TerminationUnits units(String instanceId, int allowance, int groupLimit) {
        return new TerminationUnits(instanceId, unique() + "-group", allowance,
                List.of(new RateUnit(RateScope.GROUP, unique() + "-group", groupLimit),
                        new RateUnit(RateScope.ACCOUNT, unique() + "-account", 100)),
                windowStart, WINDOW);
    }

    private Termination termination(String instanceId) {
        return new Termination(instanceId, now, Set.of(instanceId));
    }

    private Ledger.Put audit(Evaluation evaluation) {
        return new Ledger.Put(AuditTrail.partitionKey(evaluation.instanceId()), now + "#drift#" + evaluation.eventId(),
                Map.of(), now.plus(Duration.ofDays(1)));
    }

    /** An attempt that claimed the event and outlived its deadline, after which another took the claim over. */
    private Attempt lostToATakeover(DriftLedger ledger, Evaluation evaluation) {
        Attempt dead = until(now.plusSeconds(1));
        ledger.claimEvent(evaluation, dead, now);
        ledger.claimEvent(evaluation, until(now.plusSeconds(120)), now.plusSeconds(2));
        return dead;
    }

    @Test
    void anEventIsClaimedOnceAndItsHoldersRetryMeetsItsOwnClaim() {
        DriftLedger ledger = ledger();
        Evaluation evaluation = evaluation(instance(1), now.minusSeconds(10));
        Attempt first = until(now.plusSeconds(60));

        EventClaim claimed = ledger.claimEvent(evaluation, first, now);
        assertThat(claimed.claim().won()).isTrue();
        assertThat(claimed.claim().decision()).isEqualTo(first.decision());
        assertThat(claimed.newest()).contains(true);

        EventClaim held = ledger.claimEvent(evaluation, until(now.plusSeconds(60)), now);
        assertThat(held.claim().won()).isFalse();
        assertThat(held.claim().heldUntil()).contains(first.deadline());

        assertThat(ledger.claimEvent(evaluation, first, now).claim().won()).as("the SDK's retry meets its own write").isTrue();
    }

    @Test
    void aRefusalDecidedBeforeItsClaimIsClaimedDoneWithItsRecordsOnlyWhereNoClaimExists() {
        DriftLedger ledger = ledger();
        Evaluation evaluation = evaluation(instance(1), now.minusSeconds(10));
        Attempt attempt = until(now.plusSeconds(60));

        assertThat(ledger.claimDecided(evaluation, attempt, audit(evaluation), now)).isTrue();
        assertThat(ledger.claimDecided(evaluation, attempt, audit(evaluation), now)).as("the SDK's retry meets its own write").isTrue();

        EventClaim after = ledger.claimEvent(evaluation, until(now.plusSeconds(60)), now);
        assertThat(after.claim().won()).as("decided: a later delivery is a duplicate").isFalse();
        assertThat(after.claim().heldUntil()).as("the claim is done, not held").isEmpty();
        assertThat(ledger.recordEvaluation(evaluation(instance(1), now.minusSeconds(20)), now))
                .as("its evaluation is on record as the newest").isFalse();
        assertThat(ledger.claimDecided(evaluation, until(now.plusSeconds(60)), audit(evaluation), now))
                .as("another attempt, after it").isFalse();
    }

    @Test
    void aRefusalDecidedBeforeItsClaimWritesNothingWhenTheEventIsHeldOrANewerEvaluationRecorded() {
        DriftLedger ledger = ledger();
        Evaluation held = evaluation(instance(1), now.minusSeconds(10));
        Attempt holder = until(now.plusSeconds(60));
        ledger.claimEvent(held, holder, now);

        assertThat(ledger.claimDecided(held, until(now.plusSeconds(60)), audit(held), now)).isFalse();
        assertThat(ledger.claimEvent(held, holder, now).claim().heldUntil()).as("the holder's claim, untouched")
                .contains(holder.deadline());

        Evaluation older = evaluation(instance(2), now.minusSeconds(20));
        ledger.recordEvaluation(evaluation(instance(2), now.minusSeconds(10)), now);
        assertThat(ledger.claimDecided(older, until(now.plusSeconds(60)), audit(older), now)).isFalse();
        assertThat(ledger.claimEvent(older, until(now.plusSeconds(60)), now).claim().won())
                .as("no claim was written").isTrue();
    }

    @Test
    void aLapsedClaimIsTakenOverWithTheDeadAttemptsDecisionToken() {
        DriftLedger ledger = ledger();
        Evaluation evaluation = evaluation(instance(1), now.minusSeconds(10));
        Attempt dead = until(now.plusSeconds(1));
        ledger.claimEvent(evaluation, dead, now);

        EventClaim takeover = ledger.claimEvent(evaluation, until(now.plusSeconds(120)), now.plusSeconds(2));

        assertThat(takeover.claim().won()).isTrue();
        assertThat(takeover.claim().decision()).isEqualTo(dead.decision());
        assertThat(takeover.newest()).as("a takeover is claimed alone").isEmpty();
    }

    @Test
    void aCompletedEventIsDoneAndAReleasedOneIsFreeAgain() {
        DriftLedger ledger = ledger();
        Evaluation done = evaluation(instance(1), now.minusSeconds(10));
        Attempt attempt = until(now.plusSeconds(60));
        ledger.claimEvent(done, attempt, now);
        assertThat(ledger.completeEvent(done, attempt, audit(done))).isTrue();

        EventClaim again = ledger.claimEvent(done, until(now.plusSeconds(60)), now);
        assertThat(again.claim().won()).isFalse();
        assertThat(again.claim().done()).isTrue();
        assertThat(again.claim().heldUntil()).isEmpty();

        Evaluation released = evaluation(instance(2), now.minusSeconds(10));
        Attempt failed = until(now.plusSeconds(60));
        ledger.claimEvent(released, failed, now);
        ledger.releaseEvent(released, failed);
        assertThat(ledger.claimEvent(released, until(now.plusSeconds(60)), now).claim().won()).isTrue();
    }

    @Test
    void anAttemptThatLostItsClaimCompletesNothing() {
        DriftLedger ledger = ledger();
        Evaluation evaluation = evaluation(instance(1), now.minusSeconds(10));
        Attempt dead = lostToATakeover(ledger, evaluation);

        assertThat(ledger.completeEvent(evaluation, dead, audit(evaluation))).isFalse();
    }

    @Test
    void onlyTheNewestEvaluationOrTheVeryOneRecordedIsNewest() {
        DriftLedger ledger = ledger();
        String instanceId = instance(1);
        Evaluation newer = evaluation(instanceId, now.minusSeconds(10));
        assertThat(ledger.claimEvent(newer, until(now.plusSeconds(60)), now).newest()).contains(true);

        Evaluation older = evaluation(instanceId, now.minusSeconds(20));
        assertThat(ledger.claimEvent(older, until(now.plusSeconds(60)), now).newest()).contains(false);
        assertThat(ledger.recordEvaluation(newer, now)).as("the very evaluation recorded").isTrue();
        assertThat(ledger.recordEvaluation(older, now)).isFalse();
    }

    @Test
    void aReservationIsAllOrNoneIdempotentPerDecisionAndGivenBack() {
        DriftLedger ledger = ledger();
        Evaluation first = evaluation(instance(1), now.minusSeconds(10));
        Attempt firstAttempt = until(now.plusSeconds(60));
        ledger.claimEvent(first, firstAttempt, now);
        assertThat(ledger.reserve(first, units(instance(1), 1, 5), termination(instance(1)), firstAttempt, now)).isEmpty();
        assertThat(ledger.reserve(first, units(instance(1), 1, 5), termination(instance(1)), firstAttempt, now))
                .as("taken again by the same decision: its retry").isEmpty();

        Evaluation second = evaluation(instance(2), now.minusSeconds(10));
        Attempt secondAttempt = until(now.plusSeconds(60));
        ledger.claimEvent(second, secondAttempt, now);
        assertThat(ledger.reserve(second, units(instance(2), 1, 5), termination(instance(2)), secondAttempt, now))
                .containsInstanceOf(Refusal.NoCapacity.class);
        assertThat(ledger.wouldRefuse(units(instance(2), 1, 5), now)).containsInstanceOf(Refusal.NoCapacity.class);

        assertThat(ledger.giveBackAndComplete(first, units(instance(1), 1, 5), firstAttempt, audit(first))).isTrue();
        assertThat(ledger.churn(unique() + "-group", RULE).terminations()).isEmpty();
        assertThat(ledger.wouldRefuse(units(instance(2), 1, 5), now)).isEmpty();
        assertThat(ledger.reserve(second, units(instance(2), 1, 5), termination(instance(2)), secondAttempt, now)).isEmpty();
        assertThat(ledger.churn(unique() + "-group", RULE).terminations()).extracting(Termination::instanceId)
                .containsExactly(instance(2));
    }

    @Test
    void theSameInstanceIsTerminatedByOneDecisionOnly() {
        DriftLedger ledger = ledger();
        Evaluation first = evaluation(instance(1), now.minusSeconds(10));
        Attempt firstAttempt = until(now.plusSeconds(60));
        ledger.claimEvent(first, firstAttempt, now);
        ledger.reserve(first, units(instance(1), 5, 5), termination(instance(1)), firstAttempt, now);

        Evaluation second = evaluation(instance(1), now.minusSeconds(5));
        Attempt secondAttempt = until(now.plusSeconds(60));
        ledger.claimEvent(second, secondAttempt, now);
        assertThat(ledger.reserve(second, units(instance(1), 5, 5), termination(instance(1)), secondAttempt, now))
                .containsInstanceOf(Refusal.AlreadyTerminating.class);
    }

    @Test
    void aReservationUnderALapsedClaimWritesNothing() {
        DriftLedger ledger = ledger();
        Evaluation evaluation = evaluation(instance(1), now.minusSeconds(10));
        Attempt dead = lostToATakeover(ledger, evaluation);

        assertThatThrownBy(() -> ledger.reserve(evaluation, units(instance(1), 1, 5), termination(instance(1)), dead, now))
                .isInstanceOf(ClaimLapsedException.class);
        assertThat(ledger.wouldRefuse(units(instance(2), 1, 5), now)).isEmpty();
    }

    @Test
    void anOpenCircuitRefusesAndOnceItsAlertIsOutTheScopeIsKnownPaused() {
        DriftLedger ledger = ledger();
        Evaluation evaluation = evaluation(instance(1), now.minusSeconds(10));
        Attempt attempt = until(now.plusSeconds(60));
        ledger.claimEvent(evaluation, attempt, now);
        TerminationUnits needed = units(instance(1), 5, 5);
        ledger.openCircuit(RateScope.GROUP, unique() + "-group", windowStart, WINDOW);

        assertThat(ledger.reserve(evaluation, needed, termination(instance(1)), attempt, now))
                .contains(new Refusal.RateLimit(RateScope.GROUP, true, false));
        assertThat(ledger.knownPaused(needed)).isEmpty();

        assertThat(ledger.claimStormAlert(RateScope.GROUP, unique() + "-group", windowStart, WINDOW, attempt,
                evaluation.eventId(), now)).isTrue();
        Attempt other = until(now.plusSeconds(60));
        assertThat(ledger.claimStormAlert(RateScope.GROUP, unique() + "-group", windowStart, WINDOW, other, "other", now))
                .isFalse();
        ledger.stormAlerted(RateScope.GROUP, unique() + "-group", windowStart, attempt, true);

        assertThat(ledger.reserve(evaluation, needed, termination(instance(1)), attempt, now))
                .contains(new Refusal.RateLimit(RateScope.GROUP, true, true));
        assertThat(ledger.knownPaused(needed)).contains(new Refusal.RateLimit(RateScope.GROUP, true, true));
    }

    @Test
    void aStormAlertThatFailedIsClaimedAgain() {
        DriftLedger ledger = ledger();
        Attempt failed = until(now.plusSeconds(60));
        assertThat(ledger.claimStormAlert(RateScope.ACCOUNT, unique(), windowStart, WINDOW, failed, "e1", now)).isTrue();
        ledger.stormAlerted(RateScope.ACCOUNT, unique(), windowStart, failed, false);

        assertThat(ledger.claimStormAlert(RateScope.ACCOUNT, unique(), windowStart, WINDOW, until(now.plusSeconds(60)), "e2", now))
                .isTrue();
    }

    @Test
    void theChurnBreakerOpensOnceUntilAPersonClearsIt() {
        DriftLedger ledger = ledger();
        String group = unique() + "-group";
        Attempt first = until(now.plusSeconds(60));
        assertThat(ledger.openBreaker(group, RULE, instance(1), "e1", now, Optional.empty(), first)).isTrue();
        assertThat(ledger.openBreaker(group, RULE, instance(1), "e1", now, Optional.empty(), first))
                .as("a retry of its own write").isTrue();
        assertThat(ledger.openBreaker(group, RULE, instance(2), "e2", now, Optional.empty(), until(now.plusSeconds(60))))
                .isFalse();
        assertThat(ledger.churn(group, RULE).breaker()).hasValueSatisfying(open -> assertThat(open.instanceId()).isEqualTo(instance(1)));

        List<String> audited = new ArrayList<>();
        Function<ChurnBreaker.Breaker, Ledger.Put> audit = open -> {
            audited.add(open.instanceId());
            return new Ledger.Put(AuditTrail.partitionKey(group), now + "#cleared#" + open.instanceId(), Map.of(),
                    now.plus(Duration.ofDays(1)));
        };
        assertThat(ledger.clearBreaker(group, RULE, audit)).isPresent();
        assertThat(ledger.churn(group, RULE).breaker()).isEmpty();
        assertThat(ledger.clearBreaker(group, RULE, audit)).isEmpty();
        assertThat(audited).as("the one clearing is recorded with it").containsExactly(instance(1));
    }
}
