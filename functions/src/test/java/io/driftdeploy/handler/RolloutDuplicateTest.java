package io.driftdeploy.handler;

import static io.driftdeploy.handler.RolloutFakes.NOW;
import static io.driftdeploy.handler.RolloutFakes.V1;
import static io.driftdeploy.handler.RolloutFakes.V2;
import static io.driftdeploy.handler.RolloutFakes.published;
import static io.driftdeploy.handler.RolloutFakes.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.EventClaims.EventKey;
import io.driftdeploy.aws.RolloutLedger;
import io.driftdeploy.config.Mode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import io.driftdeploy.orchestration.EventInProgressException;

/**
 * EventBridge and Lambda deliver at least once: an event is decided once per function and mode,
 * and an (image, group) refresh is started once (rule 9), whichever event asks.
 */
class RolloutDuplicateTest {

    private final RolloutFakes fakes = new RolloutFakes();
    private final String template = fakes.group("shop-blue", V1);

    @Test
    void theSameEventTwiceMakesOneVersionAndOneRefreshAndTellsOnce() {
        byte[] event = published(V2);

        Map<String, Object> first = single(fakes.imagesFunction.handle(event).json());
        int calls = fakes.fleet.calls().size();
        Map<String, Object> again = fakes.imagesFunction.handle(event).json();

        assertThat(first).containsEntry("decision", "refresh");
        assertThat(again).containsEntry("decision", "skip").containsEntry("reason", "duplicate-event");
        assertThat(fakes.fleet.calls()).as("the duplicate reads nothing").hasSize(calls);
        assertThat(fakes.fleet.versionImages(template)).containsExactly(V1, V2);
        assertThat(fakes.fleet.refreshIds("shop-blue")).hasSize(1);
        assertThat(fakes.notifiedActions()).containsExactly("refresh");
        assertThat(fakes.auditedReasons()).containsExactly("newer-image", "duplicate-event");
    }

    /** Another attempt is deciding it: the delivery fails so that Lambda delivers it again, and after that attempt's deadline it is decided. */
    @Test
    void anEventAnotherAttemptHoldsFailsUntilThatAttemptsDeadlineThenIsDecided() {
        Attempt elsewhere = Attempt.until(NOW.plusSeconds(60));
        fakes.events.claim(new EventKey(ImagesHandler.FUNCTION, "held-event", Mode.ENFORCE.label()), elsewhere, NOW);
        byte[] event = published(V2, "held-event");

        assertThatThrownBy(() -> fakes.imagesFunction.handle(event).json()).isInstanceOf(EventInProgressException.class)
                .hasMessageContaining(elsewhere.deadline().toString());
        assertThat(fakes.fleet.calls()).isEmpty();

        fakes.clock.advance(Duration.ofSeconds(61));

        assertThat(single(fakes.imagesFunction.handle(event).json())).containsEntry("decision", "refresh");
    }

    /** Two events for one image race: the one that lost the rollout's claim starts nothing, until the winner's attempt is dead. */
    @Test
    void anEventWhoseRolloutAnotherEventHoldsStartsNothingUntilThatClaimLapses() {
        fakes.ledger.claimRollout("shop-blue", V2, "winner", NOW);

        Map<String, Object> lost = single(fakes.publish(V2));

        assertThat(lost).containsEntry("decision", "skip").containsEntry("reason", "already-started");
        assertThat(fakes.fleet.calls()).noneMatch(call -> call.startsWith("createImageVersion"));

        fakes.clock.advance(RolloutLedger.ROLLOUT_IN_PROGRESS.plusSeconds(1));

        assertThat(single(fakes.publish(V2))).containsEntry("decision", "refresh");
    }
}
