package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.Ledger;
import io.driftdeploy.testing.TestEnvironment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The ledger's guards hold when many invocations race, as they do under EventBridge, and every
 * write is safe to repeat, as the SDK's retries and Lambda's redeliveries repeat them.
 */
class LedgerIT {

    private final TestEnvironment env = TestEnvironment.create();
    private final Ledger ledger = new Ledger(env.aws.dynamoDb(), env.tableName);
    private final Instant expires = Instant.parse("2030-01-01T00:00:00Z");

    private final Instant now = Instant.parse("2026-11-26T10:00:00Z");
    private final Instant deadline = now.plusSeconds(60);

    /** The units of one item held at {@code now}, as a dry run reads them. */
    private long held(String pk, String sk, Instant now) {
        return ledger.heldUnits(List.of(new Ledger.Reservation(pk, sk, 1, now, now)), now).get(0);
    }

    @Test
    void aClaimIsWonByExactlyOneOfManyConcurrentCallers() throws Exception {
        AtomicInteger caller = new AtomicInteger();
        List<Boolean> outcomes = race(20, () -> claim("EVENT#e-1", "holder-" + caller.incrementAndGet(), now).won());

        assertThat(outcomes).containsOnlyOnce(true);
        assertThat(claim("EVENT#e-1", "latecomer", now).won()).isFalse();
    }

    /** The SDK retries a call whose reply was lost: the retry meets the write it already made. */
    @Test
    void aClaimRepeatedByItsHolderIsStillItsOwn() {
        Ledger.Claim first = claim("EVENT#e-2", "attempt-1", now);
        Ledger.Claim repeated = claim("EVENT#e-2", "attempt-1", now);

        assertThat(repeated.won()).isTrue();
        assertThat(repeated.decision()).isEqualTo(first.decision());
        assertThat(claim("EVENT#e-2", "attempt-2", now).won()).isFalse();
    }

    @Test
    void aDoneClaimIsRefusedWithWhatItsHolderLeft() {
        claim("EVENT#e-3", "attempt-1", now);
        assertThat(ledger.complete("EVENT#e-3", "claim", "attempt-1", Map.of("owed", Ledger.text("message")), List.of())).isTrue();

        Ledger.Claim later = claim("EVENT#e-3", "attempt-2", deadline.plusSeconds(3_600));

        assertThat(later.won()).isFalse();
        assertThat(later.done()).isTrue();
        assertThat(later.heldUntil()).isEmpty();
        assertThat(later.attribute("owed")).contains(Ledger.text("message"));
    }

    /** A crash or a Lambda timeout runs no cleanup: the claim is freed by its deadline, and its decision is adopted. */
    @Test
    void anAttemptThatDiedInProgressIsTakenOverAfterItsDeadlineKeepingItsDecision() {
        Ledger.Claim dead = claim("EVENT#e-4", "attempt-1", now);

        Ledger.Claim tooEarly = claim("EVENT#e-4", "attempt-2", deadline.minusSeconds(1));
        Ledger.Claim takeover = claim("EVENT#e-4", "attempt-2", deadline.plusSeconds(1));

        assertThat(tooEarly.won()).isFalse();
        assertThat(tooEarly.heldUntil()).contains(deadline);
        assertThat(takeover.won()).isTrue();
        assertThat(takeover.decision()).as("the dead attempt's decision token").isEqualTo(dead.decision());
        assertThat(ledger.complete("EVENT#e-4", "claim", "attempt-1", Map.of(), List.of()))
                .as("the dead attempt cannot complete what it lost").isFalse();
    }

    @Test
    void onlyTheHolderReleasesAClaimAndAReleasedClaimCanBeTakenAgain() {
        claim("EVENT#e-5", "attempt-1", now);

        assertThat(ledger.release("EVENT#e-5", "claim", "attempt-2")).isFalse();
        assertThat(claim("EVENT#e-5", "attempt-2", now).won()).isFalse();
        assertThat(ledger.release("EVENT#e-5", "claim", "attempt-1")).isTrue();
        assertThat(ledger.release("EVENT#e-5", "claim", "attempt-1")).as("a repeated release changes nothing").isFalse();
        assertThat(claim("EVENT#e-5", "attempt-2", now).won()).isTrue();
    }

    @Test
    void reservationsNeverPassTheirLimitUnderConcurrency() throws Exception {
        AtomicInteger caller = new AtomicInteger();
        List<Boolean> outcomes = race(30, () -> reserve("RATE#group", "WINDOW#1", 3, "token-" + caller.incrementAndGet(), deadline));

        assertThat(outcomes).filteredOn(taken -> taken).hasSize(3);
        assertThat(held("RATE#group", "WINDOW#1", now)).isEqualTo(3);
    }

    /** A transaction retried after a lost reply, or a takeover reserving under the adopted decision: one unit, not two. */
    @Test
    void aReservationRepeatedByItsTokenHoldsOneUnit() {
        assertThat(reserve("RATE#g1", "W", 2, "token-a", deadline)).isTrue();
        assertThat(reserve("RATE#g1", "W", 2, "token-a", deadline)).isTrue();

        assertThat(held("RATE#g1", "W", now)).isEqualTo(1);
        assertThat(reserve("RATE#g1", "W", 2, "token-b", deadline)).isTrue();
        assertThat(reserve("RATE#g1", "W", 2, "token-c", deadline)).isFalse();
        assertThat(reserve("RATE#g1", "W", 2, "token-a", deadline)).as("a holder at the limit still holds").isTrue();
    }

    /** The SDK retried a give-back whose reply was lost: one unit comes back, not two. */
    @Test
    void aGiveBackRepeatedGivesBackOneUnit() {
        reserve("RATE#g2", "W", 2, "token-a", deadline);
        reserve("RATE#g2", "W", 2, "token-b", deadline);

        ledger.writeAll(List.of(Ledger.giveBack("RATE#g2", "W", "token-a")));
        ledger.writeAll(List.of(Ledger.giveBack("RATE#g2", "W", "token-a")));

        assertThat(reserve("RATE#g2", "W", 2, "token-c", deadline)).isTrue();
        assertThat(reserve("RATE#g2", "W", 2, "token-d", deadline)).isFalse();
    }

    @Test
    void aUnitIsFreedByTimeOnceItsHoldEnds() {
        reserve("CAPACITY#g3", "claim", 2, "held-briefly", deadline);
        reserve("CAPACITY#g3", "claim", 2, "held-for-an-hour", deadline.plusSeconds(3_600));
        Instant later = deadline.plusSeconds(1);

        assertThat(held("CAPACITY#g3", "claim", later)).isEqualTo(1);
        assertThat(ledger.reserveAll(List.of(new Ledger.Reservation("CAPACITY#g3", "claim", 2, later.plusSeconds(60), expires)),
                "newcomer", later)).isEmpty();
        assertThat(ledger.reserveAll(List.of(new Ledger.Reservation("CAPACITY#g3", "claim", 2, later.plusSeconds(60), expires)),
                "one-too-many", later)).containsOnlyKeys(0);
    }

    @Test
    void reservationsAreTakenAllOrNone() {
        reserve("RATE#account", "W", 1, "token-a", deadline);

        SortedMap<Integer, Map<String, AttributeValue>> refused = ledger.reserveAll(List.of(
                new Ledger.Reservation("RATE#g5", "W", 5, deadline, expires),
                new Ledger.Reservation("RATE#account", "W", 1, deadline, expires)), "token-b", now);

        assertThat(refused).containsOnlyKeys(1);
        assertThat(held("RATE#g5", "W", now)).as("nothing of the group's is held").isZero();
    }

    @Test
    void anOpenCircuitRefusesNewcomersHoweverManyUnitsComeBack() {
        reserve("RATE#g6", "W", 1, "token-a", deadline);
        ledger.openCircuit("RATE#g6", "W", expires);
        ledger.writeAll(List.of(Ledger.giveBack("RATE#g6", "W", "token-a")));

        assertThat(reserve("RATE#g6", "W", 1, "token-b", deadline)).isFalse();
        assertThat(held("RATE#g6", "W", now)).isEqualTo(Long.MAX_VALUE);
    }

    /** The common case: a fresh claim takes the write given with it in the same call. */
    @Test
    void aFreshClaimIsTakenWithItsWriteInOneTransaction() {
        Ledger.ClaimWith taken = claimWith("EVENT#w-1", "attempt-1", now, noteIfAbsent("NOTE#w-1"));
        Ledger.ClaimWith repeated = claimWith("EVENT#w-1", "attempt-1", now, noteIfAbsent("NOTE#w-1b"));

        assertThat(taken.claim().won()).isTrue();
        assertThat(taken.claim().decision()).isEqualTo("decision-of-attempt-1");
        assertThat(taken.alongside()).isEqualTo(Ledger.Alongside.WRITTEN);
        assertThat(ledger.get("NOTE#w-1", "note")).isPresent();
        assertThat(repeated.claim().won()).as("the holder's own retry meets its write").isTrue();
        assertThat(repeated.alongside()).isEqualTo(Ledger.Alongside.WRITTEN);
        assertThat(claim("EVENT#w-1", "attempt-2", now).won()).isFalse();
    }

    @Test
    void aClaimWhoseWriteIsRefusedIsTakenAlone() {
        ledger.update(noteIfAbsent("NOTE#w-2"));

        Ledger.ClaimWith taken = claimWith("EVENT#w-2", "attempt-1", now, noteIfAbsent("NOTE#w-2"));

        assertThat(taken.claim().won()).isTrue();
        assertThat(taken.claim().decision()).isEqualTo("decision-of-attempt-1");
        assertThat(taken.alongside()).isEqualTo(Ledger.Alongside.REFUSED);
        assertThat(claim("EVENT#w-2", "attempt-2", now).won()).as("the claim is held").isFalse();
    }

    @Test
    void aClaimHeldElsewhereIsRefusedWithItsItemAndNothingWritten() {
        claim("EVENT#w-3", "attempt-1", now);

        Ledger.ClaimWith refused = claimWith("EVENT#w-3", "attempt-2", now, noteIfAbsent("NOTE#w-3"));

        assertThat(refused.claim().won()).isFalse();
        assertThat(refused.claim().heldUntil()).contains(deadline);
        assertThat(refused.alongside()).isEqualTo(Ledger.Alongside.NOT_TRIED);
        assertThat(ledger.get("NOTE#w-3", "note")).isEmpty();
    }

    @Test
    void aClaimWhoseHolderDiedIsTakenOverKeepingItsDecisionWithoutTheWrite() {
        Ledger.Claim dead = claim("EVENT#w-4", "attempt-1", now);

        Ledger.ClaimWith takeover = claimWith("EVENT#w-4", "attempt-2", deadline.plusSeconds(1), noteIfAbsent("NOTE#w-4"));

        assertThat(takeover.claim().won()).isTrue();
        assertThat(takeover.claim().decision()).as("the dead attempt's decision token").isEqualTo(dead.decision());
        assertThat(takeover.alongside()).isEqualTo(Ledger.Alongside.NOT_TRIED);
        assertThat(ledger.get("NOTE#w-4", "note")).isEmpty();
    }

    private Ledger.ClaimWith claimWith(String pk, String holder, Instant at, Ledger.Update alongside) {
        return ledger.claimWith(pk, "claim", holder, "decision-of-" + holder, at, deadline, expires, Map.of(), alongside);
    }

    /** A write that its condition refuses once the note exists. */
    private static Ledger.Update noteIfAbsent(String pk) {
        return new Ledger.Update(pk, "note", "SET #v = :v", Optional.of("attribute_not_exists(#v)"), Map.of("#v", "value"),
                Map.of(":v", Ledger.text("written")));
    }

    private Ledger.Claim claim(String pk, String holder, Instant at) {
        return ledger.claim(pk, "claim", holder, "decision-of-" + holder, at, deadline, expires, Map.of());
    }

    private boolean reserve(String pk, String sk, long limit, String token, Instant heldUntil) {
        return ledger.reserveAll(List.of(new Ledger.Reservation(pk, sk, limit, heldUntil, expires)), token, now).isEmpty();
    }

    @Test
    void aRecordWrittenWithAClaimsCompletionIsWrittenOnlyWhileTheClaimIsHeld() {
        claim("EVENT#e-9", "attempt-1", now);
        Ledger.Put record = new Ledger.Put("AUDIT#i-9", "decided", Map.of("reason", Ledger.text("dry-run")), expires);

        assertThat(ledger.writeAll(List.of(ledger.completion("EVENT#e-9", "claim", "attempt-2", Map.of(), List.of()), record)))
                .as("another attempt's completion is refused").containsOnlyKeys(0);
        assertThat(ledger.get("AUDIT#i-9", "decided")).as("and the record with it").isEmpty();
        assertThat(ledger.writeAll(List.of(ledger.completion("EVENT#e-9", "claim", "attempt-1", Map.of(), List.of()), record)))
                .isEmpty();
        assertThat(ledger.get("AUDIT#i-9", "decided").orElseThrow().get("reason").s()).isEqualTo("dry-run");
        assertThat(claim("EVENT#e-9", "attempt-2", now).done()).isTrue();
    }

    @Test
    void onlyANewerFactReplacesAnOlderOne() {
        Instant t1 = Instant.parse("2026-11-26T10:00:00Z");
        Instant t2 = t1.plusSeconds(60);

        assertThat(ledger.putIfNewer("EVAL#rule#i-1", "LATEST", "orderedAt", t2, Map.of("compliance", Ledger.text("COMPLIANT")), expires)).isTrue();
        assertThat(ledger.putIfNewer("EVAL#rule#i-1", "LATEST", "orderedAt", t1, Map.of("compliance", Ledger.text("NON_COMPLIANT")), expires)).isFalse();
        assertThat(ledger.putIfNewer("EVAL#rule#i-1", "LATEST", "orderedAt", t2, Map.of("compliance", Ledger.text("NON_COMPLIANT")), expires)).isFalse();
        assertThat(ledger.get("EVAL#rule#i-1", "LATEST").orElseThrow().get("compliance").s()).isEqualTo("COMPLIANT");
    }

    private static List<Boolean> race(int callers, Callable<Boolean> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(call);
            }
            List<Boolean> outcomes = new ArrayList<>();
            for (Future<Boolean> future : pool.invokeAll(calls)) {
                outcomes.add(future.get());
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }
}
