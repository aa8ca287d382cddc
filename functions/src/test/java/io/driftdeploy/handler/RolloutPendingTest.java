package io.driftdeploy.handler;

import static io.driftdeploy.handler.RolloutFakes.V1;
import static io.driftdeploy.handler.RolloutFakes.V2;
import static io.driftdeploy.handler.RolloutFakes.V3;
import static io.driftdeploy.handler.RolloutFakes.V4;
import static io.driftdeploy.handler.RolloutFakes.decisions;
import static io.driftdeploy.handler.RolloutFakes.single;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Rule 7 and its other half in the refreshes function: an image that arrives while a refresh runs
 * waits as pending (the newest wins), and the refresh's end starts it, unless it was marked bad
 * meanwhile or AWS says the refresh has not ended.
 */
class RolloutPendingTest {

    private static final String ROLLED_BACK = "The instance refresh failed because the CloudWatch alarm guard is in ALARM state.";

    private final RolloutFakes fakes = new RolloutFakes();

    @Test
    void imagesThatArriveWhileARefreshRunsWaitAndTheNewestWins() {
        fakes.group("shop-blue", V1);
        fakes.fleet.startOtherRefresh("shop-blue");

        Map<String, Object> first = single(fakes.publish(V2));
        Map<String, Object> newer = single(fakes.publish(V4));
        Map<String, Object> late = single(fakes.publish(V3));

        assertThat(first).containsEntry("decision", "pending").containsEntry("reason", "refresh-in-progress")
                .containsEntry("pendingStored", true).containsEntry("actions", List.of("ledger:pending shop-blue -> " + V2));
        assertThat(newer).containsEntry("decision", "pending").containsEntry("pendingStored", true);
        assertThat(late).containsEntry("decision", "skip").containsEntry("reason", "older-than-pending");
        assertThat(fakes.ledger.pending("shop-blue")).contains(RolloutFakes.ref(V4));
        assertThat(fakes.fleet.calls()).as("nothing but reads").allMatch(call -> call.startsWith("targets "));
        assertThat(fakes.notifiedActions()).containsExactly("pending", "pending", "skip");
    }

    @Test
    void theEndOfTheRefreshStartsTheImageThatWaitedOnTheVersionTheRefreshLeft() {
        String template = fakes.group("shop-blue", V1);
        String ours = (String) single(fakes.publish(V2)).get("refreshId");
        single(fakes.publish(V3));
        fakes.fleet.finish(ours, "Successful", Optional.empty());
        fakes.clock.advance(Duration.ofMinutes(20));

        List<Map<String, Object>> onSucceeded = decisions(fakes.refreshEvent("refresh-succeeded.json", "shop-blue", ours));

        assertThat(onSucceeded).hasSize(2);
        assertThat(onSucceeded.get(0)).containsEntry("decision", "notify").containsEntry("reason", "refresh-succeeded")
                .containsEntry("image", V2).containsEntry("pendingImage", V3);
        assertThat(onSucceeded.get(1)).containsEntry("decision", "refresh").containsEntry("reason", "newer-image")
                .containsEntry("image", V3).containsEntry("runningImage", V2).containsEntry("sourceVersion", "2")
                .containsEntry("newVersion", 3L);
        assertThat(fakes.fleet.versionImages(template)).containsExactly(V1, V2, V3);
        String started = (String) onSucceeded.get(1).get("refreshId");
        assertThat(fakes.ledger.startedRefresh(started)).hasValueSatisfying(refresh -> assertThat(refresh.imageId()).isEqualTo(V3));
        assertThat(fakes.ledger.pending("shop-blue")).isEmpty();
        assertThat(fakes.auditedReasons()).endsWith("refresh-succeeded", "newer-image");
    }

    /** An event only says where to look: while AWS reports the refresh running, the image keeps waiting. */
    @Test
    void aSucceededEventForARefreshStillRunningLeavesTheImageWaiting() {
        fakes.group("shop-blue", V1);
        String ours = (String) single(fakes.publish(V2)).get("refreshId");
        single(fakes.publish(V3));
        int calls = fakes.fleet.calls().size();

        Map<String, Object> crafted = single(fakes.refreshEvent("refresh-succeeded.json", "shop-blue", ours));

        assertThat(crafted).containsEntry("decision", "notify").containsEntry("reason", "refresh-status-mismatch")
                .containsEntry("awsStatus", "Pending").containsEntry("pendingImage", V3);
        assertThat(fakes.ledger.pending("shop-blue")).contains(RolloutFakes.ref(V3));
        assertThat(fakes.fleet.calls().subList(calls, fakes.fleet.calls().size())).containsExactly("refreshStatus shop-blue " + ours);
    }

    @Test
    void aRolledBackRefreshMarksItsImageBadWhichNeverStartsAgainAndTheImageThatWaitedStartsInstead() {
        fakes.group("shop-blue", V1);
        String ours = (String) single(fakes.publish(V2)).get("refreshId");
        single(fakes.publish(V3));
        fakes.fleet.finish(ours, "RollbackSuccessful", Optional.of(ROLLED_BACK));

        List<Map<String, Object>> onRolledBack = decisions(fakes.refreshEvent("refresh-rollback-succeeded.json", "shop-blue", ours));

        assertThat(onRolledBack).hasSize(2);
        assertThat(onRolledBack.get(0)).containsEntry("decision", "mark-bad").containsEntry("image", V2)
                .containsEntry("awsStatus", "RollbackSuccessful").containsEntry("awsStatusReason", ROLLED_BACK)
                .containsEntry("actions", List.of("ledger:mark-bad " + V2));
        assertThat(onRolledBack.get(1)).containsEntry("decision", "refresh").containsEntry("image", V3)
                .containsEntry("runningImage", V1);
        assertThat(fakes.ledger.badMark(V2)).hasValueSatisfying(mark -> assertThat(mark.refreshId()).isEqualTo(ours));
        int calls = fakes.fleet.calls().size();

        Map<String, Object> again = single(fakes.publish(V2));

        assertThat(again).containsEntry("decision", "skip").containsEntry("reason", "image-marked-bad");
        assertThat(fakes.fleet.calls()).hasSize(calls);
    }

    /** The image waits on one group while its refresh on another rolls back: the bad mark keeps it from starting. */
    @Test
    void anImageMarkedBadWhileItWaitedIsNotStartedAndNoLongerWaits() {
        fakes.group("shop-blue", V1);
        fakes.group("shop-green", V1);
        String someoneElses = fakes.fleet.startOtherRefresh("shop-blue");
        List<Map<String, Object>> published = decisions(fakes.publish(V2));
        assertThat(published).extracting(decision -> decision.get("decision")).containsExactly("pending", "refresh");
        String onGreen = (String) published.get(1).get("refreshId");
        fakes.fleet.finish(onGreen, "RollbackSuccessful", Optional.of(ROLLED_BACK));
        single(fakes.refreshEvent("refresh-rollback-succeeded.json", "shop-green", onGreen));
        fakes.fleet.finish(someoneElses, "Successful", Optional.empty());
        int calls = fakes.fleet.calls().size();

        List<Map<String, Object>> onBlue = decisions(fakes.refreshEvent("refresh-succeeded.json", "shop-blue", someoneElses));

        assertThat(onBlue).hasSize(2);
        assertThat(onBlue.get(0)).containsEntry("reason", "refresh-succeeded").containsEntry("pendingImage", V2)
                .containsEntry("imageMarkedBad", false);
        assertThat(onBlue.get(1)).containsEntry("decision", "skip").containsEntry("reason", "image-marked-bad");
        assertThat(fakes.fleet.calls().subList(calls, fakes.fleet.calls().size())).as("read, never started")
                .containsExactly("refreshStatus shop-blue " + someoneElses);
        assertThat(fakes.ledger.pending("shop-blue")).isEmpty();
    }
}
