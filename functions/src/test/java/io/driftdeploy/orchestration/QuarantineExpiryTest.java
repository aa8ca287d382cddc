package io.driftdeploy.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.fakes.FakeAuditTrail;
import io.driftdeploy.fakes.FakeClock;
import io.driftdeploy.fakes.FakeFleet;
import io.driftdeploy.fakes.FakeNotifier;
import io.driftdeploy.fakes.FakeQuarantine;
import io.driftdeploy.policy.InstanceState;
import io.driftdeploy.policy.QuarantinePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The retention sweep: which quarantined instances end, which stay, and that it never guesses. */
class QuarantineExpiryTest {

    private static final Instant NOW = Instant.parse("2026-12-09T10:00:00Z");
    private static final String KEEP = "drift-deploy:keep";
    private static final String ENDED = FakeFleet.member("web", 1);
    private static final String WAITING = FakeFleet.member("web", 2);
    private static final String KEPT = FakeFleet.member("web", 3);
    private static final String UNREADABLE = FakeFleet.member("web", 4);
    private static final String IN_SERVICE = FakeFleet.member("web", 5);

    private final FakeClock clock = new FakeClock(NOW);
    private final FakeFleet fleet = new FakeFleet().group("web", Map.of(), 5);
    private final FakeQuarantine quarantine = new FakeQuarantine(fleet);
    private final FakeNotifier notifier = new FakeNotifier();
    private final FakeAuditTrail audit = new FakeAuditTrail();
    private final QuarantineExpiry expiry = new QuarantineExpiry("123456789012", quarantine, KEEP,
            new Reporter(audit, notifier, Telemetry.discarded("quarantine-sweep"), clock), clock);

    private void quarantined(String instanceId, Instant until) {
        fleet.detach(instanceId).tag(instanceId, QuarantinePolicy.markerTags("event-" + instanceId, "web", until));
    }

    @Test
    void onlyAnEndedUnkeptQuarantineIsTerminatedAndAnnounced() {
        quarantined(ENDED, NOW.minusSeconds(1));
        quarantined(WAITING, NOW.plus(Duration.ofDays(1)));
        quarantined(KEPT, NOW.minus(Duration.ofDays(30)));
        fleet.tag(KEPT, Map.of(KEEP, "INC-42"));
        quarantined(UNREADABLE, NOW);
        fleet.tag(UNREADABLE, Map.of(QuarantinePolicy.UNTIL_TAG, "soon"));

        QuarantineExpiry.Summary summary = expiry.sweep("sweep-1");

        assertThat(summary.terminated()).containsExactly(ENDED);
        assertThat(summary.waiting()).containsExactly(WAITING);
        assertThat(summary.kept()).containsExactly(KEPT);
        assertThat(summary.unreadable()).containsExactly(UNREADABLE);
        assertThat(fleet.state(ENDED)).isEqualTo(InstanceState.SHUTTING_DOWN);
        assertThat(fleet.state(IN_SERVICE)).as("never marked: never touched").isEqualTo(InstanceState.RUNNING);
        assertThat(quarantine.calls()).containsExactly("quarantined", "terminate " + ENDED);
        assertThat(notifier.withAttribute("action", "terminate")).singleElement()
                .satisfies(message -> assertThat(message.subject()).contains(ENDED));
        assertThat(notifier.withAttribute("action", "notify")).singleElement()
                .satisfies(message -> assertThat(message.body()).contains("soon"));
        assertThat(audit.records()).hasSize(2);
    }

    @Test
    void aTerminationThatFailsLeavesTheOthersDoneAndFailsTheSweep() {
        quarantined(ENDED, NOW.minusSeconds(1));
        quarantined(WAITING, NOW.minusSeconds(1));
        quarantine.failOnce("terminate", false);

        assertThatThrownBy(() -> expiry.sweep("sweep-2")).hasMessageContaining(ENDED).hasMessageContaining("stay isolated");

        assertThat(fleet.state(ENDED)).isEqualTo(InstanceState.RUNNING);
        assertThat(fleet.state(WAITING)).isEqualTo(InstanceState.SHUTTING_DOWN);
        assertThat(expiry.sweep("sweep-3").terminated()).as("the next sweep tries again").containsExactly(ENDED);
    }
}
