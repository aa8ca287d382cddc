package io.driftdeploy.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.EventClaims.EventKey;
import io.driftdeploy.fakes.FakeClock;
import io.driftdeploy.fakes.FakeEventClaims;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Claim, run, then complete or give back: the steps every function but drift takes, on fake claims. */
class OncePerEventTest {

    private static final Instant NOW = Instant.parse("2025-06-12T08:00:00Z");
    private static final Instant DEADLINE = NOW.plusSeconds(60);
    private static final EventKey EVENT = EventKey.once("alarms", "e-1");

    private final FakeClock clock = new FakeClock(NOW);
    private final FakeEventClaims claims = new FakeEventClaims();
    private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
    private final OncePerEvent once = new OncePerEvent(claims,
            new Telemetry("alarms", new PrintStream(lines, true, StandardCharsets.UTF_8), clock), clock);
    private final AtomicInteger runs = new AtomicInteger();

    private String handle(boolean retry) {
        return once.handle(EVENT, DEADLINE, () -> "duplicate", () -> new OncePerEvent.Ran<>("run " + runs.incrementAndGet(), retry));
    }

    @Test
    void aCompletedEventRunsOnceAndIsADuplicateAfterwards() {
        assertThat(handle(false)).isEqualTo("run 1");
        assertThat(handle(false)).isEqualTo("duplicate");
        clock.advance(Duration.ofHours(1));
        assertThat(handle(false)).as("completed, not merely held until the deadline").isEqualTo("duplicate");
        assertThat(runs).hasValue(1);
    }

    @Test
    void aRunThatAsksForARetryGivesTheEventBackSoTheNextDeliveryRunsIt() {
        assertThat(handle(true)).isEqualTo("run 1");
        assertThat(handle(false)).isEqualTo("run 2");
        assertThat(handle(false)).isEqualTo("duplicate");
    }

    @Test
    void aFailedRunGivesTheEventBackAndRethrows() {
        IllegalStateException failure = new IllegalStateException("SNS is down");
        assertThatThrownBy(() -> once.handle(EVENT, DEADLINE, () -> "duplicate", () -> {
            throw failure;
        })).isSameAs(failure);

        assertThat(handle(false)).isEqualTo("run 1");
    }

    /** Another attempt may still be deciding: the delivery fails, counted, so that Lambda brings it back later. */
    @Test
    void anEventAnotherAttemptHoldsFailsTheDeliveryUntilThatAttemptsDeadline() {
        claims.claim(EVENT, Attempt.until(DEADLINE), NOW);

        assertThatThrownBy(() -> handle(false)).isInstanceOf(EventInProgressException.class)
                .hasMessageContaining(DEADLINE.toString());
        assertThat(runs).hasValue(0);
        assertThat(lines.toString(StandardCharsets.UTF_8)).contains("EventsInProgressElsewhere");

        clock.advance(Duration.ofSeconds(61));
        assertThat(handle(false)).as("the holder died: its claim lapsed").isEqualTo("run 1");
    }
}
