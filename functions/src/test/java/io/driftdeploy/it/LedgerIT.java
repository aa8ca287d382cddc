package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.Ledger;
import io.driftdeploy.testing.TestEnvironment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The ledger's guards hold when many invocations race, as they do under EventBridge. */
class LedgerIT {

    private final TestEnvironment env = TestEnvironment.create();
    private final Ledger ledger = new Ledger(env.aws.dynamoDb(), env.tableName);
    private final Instant expires = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void aClaimIsWonByExactlyOneOfManyConcurrentCallers() throws Exception {
        List<Boolean> outcomes = race(20, () -> ledger.claim("EVENT#e-1", "CLAIM", Map.of(), expires));

        assertThat(outcomes).containsOnlyOnce(true);
        assertThat(ledger.claim("EVENT#e-1", "CLAIM", Map.of(), expires)).isFalse();
    }

    @Test
    void aReleasedClaimCanBeTakenAgain() {
        assertThat(ledger.claim("EVENT#e-2", "CLAIM", Map.of(), expires)).isTrue();
        ledger.release("EVENT#e-2", "CLAIM");

        assertThat(ledger.claim("EVENT#e-2", "CLAIM", Map.of(), expires)).isTrue();
    }

    @Test
    void aCounterNeverPassesItsLimitUnderConcurrency() throws Exception {
        List<Boolean> outcomes = race(30, () -> takeUnit("RATE#group", "WINDOW#1", 3));

        assertThat(outcomes.stream().filter(Boolean::booleanValue).count()).isEqualTo(3);
        assertThat(ledger.get("RATE#group", "WINDOW#1").orElseThrow().get("count").n()).isEqualTo("3");
    }

    @Test
    void aDecrementGivesBackOneUnit() {
        assertThat(takeUnit("RATE#g2", "W", 1)).isTrue();
        assertThat(takeUnit("RATE#g2", "W", 1)).isFalse();
        ledger.decrement("RATE#g2", "W");

        assertThat(takeUnit("RATE#g2", "W", 1)).isTrue();
    }

    /** One counter of the rate guard's all-or-none increment: whether its unit was taken. */
    private boolean takeUnit(String pk, String sk, long limit) {
        return ledger.incrementAllIfBelow(List.of(new Ledger.Counter(pk, sk, limit, expires))).isEmpty();
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
