package io.driftdeploy.handler;

import static io.driftdeploy.handler.RolloutFakes.V1;
import static io.driftdeploy.handler.RolloutFakes.V2;
import static io.driftdeploy.handler.RolloutFakes.published;
import static io.driftdeploy.handler.RolloutFakes.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.fakes.FakeRolloutFleet.StartFailure;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rule 9 when StartInstanceRefresh fails after the launch template version was made: a start that
 * did not happen is reported naming the version left, which is kept, and gives the rollout and the
 * event back for a retry; one whose answer was lost is settled by reading the group's refreshes.
 */
class RolloutStartFailureTest {

    private final RolloutFakes fakes = new RolloutFakes();
    private final String template = fakes.group("shop-blue", V1);

    @Test
    void aRefusedStartIsReportedNamingTheVersionKeptAndTheEventsRetryStartsTheRefreshOnIt() {
        fakes.fleet.failNextStart(StartFailure.REFUSED);
        byte[] event = published(V2);

        Map<String, Object> refused = single(fakes.imagesFunction.handle(event).json());

        assertThat(refused).containsEntry("decision", "notify").containsEntry("reason", "refresh-not-started")
                .containsEntry("errorCode", "AccessDenied").containsEntry("launchTemplateId", template)
                .containsEntry("newVersion", 2L).containsEntry("groupVersion", "1")
                .containsEntry("actions", List.of("ec2:CreateLaunchTemplateVersion " + template + " 1 -> 2"));
        assertThat(String.valueOf(refused.get("detail"))).contains("iam:PassRole", "the group still runs version 1", "reuses version 2");
        assertThat(fakes.fleet.versionImages(template)).as("the version is kept").containsExactly(V1, V2);
        assertThat(fakes.fleet.version("shop-blue")).isEqualTo("1");
        assertThat(fakes.fleet.refreshIds("shop-blue")).isEmpty();
        assertThat(fakes.notifier.published()).singleElement()
                .satisfies(told -> assertThat(told.attributes()).containsEntry("severity", "high").containsEntry("action", "notify"));

        Map<String, Object> retried = single(fakes.imagesFunction.handle(event).json());

        assertThat(retried).as("the event was given back, not done").containsEntry("decision", "refresh").containsEntry("newVersion", 2L);
        assertThat(fakes.fleet.versionImages(template)).as("the version is reused").containsExactly(V1, V2);
        assertThat(fakes.fleet.refreshIds("shop-blue")).containsExactly((String) retried.get("refreshId"));
    }

    @ParameterizedTest
    @EnumSource(value = StartFailure.class, names = {"REFUSED", "NO_ANSWER_NOTHING_STARTED"})
    void aStartThatDidNotHappenGivesTheRolloutBackSoAnotherEventForTheImageStartsIt(StartFailure failure) {
        fakes.fleet.failNextStart(failure);

        assertThat(single(fakes.publish(V2))).containsEntry("reason", "refresh-not-started");
        Map<String, Object> another = single(fakes.publish(V2));

        assertThat(another).containsEntry("decision", "refresh").containsEntry("reason", "newer-image").containsEntry("newVersion", 2L);
    }

    @Test
    void noAnswerAndNoRefreshToTheNewVersionIsReportedAsNotStarted() {
        fakes.fleet.failNextStart(StartFailure.NO_ANSWER_NOTHING_STARTED);

        Map<String, Object> decision = single(fakes.publish(V2));

        assertThat(decision).containsEntry("decision", "notify").containsEntry("reason", "refresh-not-started")
                .containsEntry("errorCode", "no-answer").containsEntry("newVersion", 2L);
        assertThat(String.valueOf(decision.get("detail"))).contains("got no answer", "shows no refresh to the new version");
        assertThat(fakes.fleet.calls()).endsWith("startRefresh shop-blue " + template + " 2", "refreshTo shop-blue " + template + " 2");
        assertThat(fakes.fleet.refreshIds("shop-blue")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = StartFailure.class, names = {"NO_ANSWER_STARTED", "RETRY_MET_OWN_START"})
    void aStartWhoseAnswerWasLostIsFoundAndRecordedLikeAnyStart(StartFailure failure) {
        fakes.fleet.failNextStart(failure);

        Map<String, Object> decision = single(fakes.publish(V2));

        String started = fakes.fleet.refreshIds("shop-blue").get(0);
        assertThat(decision).containsEntry("decision", "refresh").containsEntry("reason", "newer-image")
                .containsEntry("refreshId", started);
        assertThat(String.valueOf(decision.get("startConfirmedBy"))).startsWith("DescribeInstanceRefreshes, after StartInstanceRefresh answered "
                + (failure == StartFailure.NO_ANSWER_STARTED ? "nothing" : "InstanceRefreshInProgress"));
        assertThat(fakes.ledger.startedRefresh(started)).hasValueSatisfying(refresh -> assertThat(refresh.imageId()).isEqualTo(V2));
        assertThat(fakes.ledger.claimRollout("shop-blue", V2, "another-event", fakes.clock.instant())).as("the rollout is done").isFalse();
    }

    /** Another refresh won the race: the image waits for it, and its end starts the image on the version already made. */
    @Test
    void aRefreshThatStartedMeanwhileMakesTheImageWaitAndItsEndStartsItOnTheVersionMade() {
        fakes.fleet.failNextStart(StartFailure.ANOTHER_REFRESH_STARTED);
        byte[] event = published(V2);

        Map<String, Object> waiting = single(fakes.imagesFunction.handle(event).json());

        assertThat(waiting).containsEntry("decision", "pending").containsEntry("reason", "refresh-in-progress")
                .containsEntry("pendingStored", true).containsEntry("newVersion", 2L);
        assertThat(fakes.ledger.pending("shop-blue")).contains(RolloutFakes.ref(V2));
        assertThat(fakes.imagesFunction.handle(event).json()).as("the event is done").containsEntry("reason", "duplicate-event");
        String someoneElses = fakes.fleet.refreshIds("shop-blue").get(0);
        fakes.fleet.finish(someoneElses, "Successful", Optional.empty());

        Map<String, Object> started = RolloutFakes.decisions(fakes.refreshEvent("refresh-succeeded.json", "shop-blue", someoneElses)).get(1);

        assertThat(started).containsEntry("decision", "refresh").containsEntry("image", V2).containsEntry("newVersion", 2L);
        assertThat(fakes.fleet.versionImages(template)).containsExactly(V1, V2);
    }

    /** Not even the group's refreshes could be read: the function fails, and both claims are given back for Lambda's retry. */
    @Test
    void aLostAnswerThatCannotBeCheckedFailsTheEventAndGivesTheRolloutAndTheEventBack() {
        fakes.fleet.failNextStart(StartFailure.NO_ANSWER_NOTHING_STARTED);
        fakes.fleet.failRefreshReads(new IllegalStateException("DescribeInstanceRefreshes: connection reset"));
        byte[] event = published(V2);

        assertThatThrownBy(() -> fakes.imagesFunction.handle(event).json()).hasMessageContaining("connection reset");

        assertThat(single(fakes.publish(V2))).as("the rollout was given back").containsEntry("decision", "refresh")
                .containsEntry("newVersion", 2L);
        assertThat(single(fakes.imagesFunction.handle(event).json())).as("the event was given back, and is decided now")
                .containsEntry("reason", "older-than-refreshing");
    }
}
