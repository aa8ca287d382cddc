package io.driftdeploy.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.config.Mode;
import io.driftdeploy.orchestration.Result.Decided;
import io.driftdeploy.orchestration.Result.Decisions;
import io.driftdeploy.orchestration.Result.Delivery;
import io.driftdeploy.orchestration.Result.Rejected;
import io.driftdeploy.policy.AlarmReason;
import io.driftdeploy.policy.ClearedReason;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.Reason;
import io.driftdeploy.policy.RefreshReason;
import io.driftdeploy.policy.Rejection;
import io.driftdeploy.policy.RejectionReason;
import io.driftdeploy.policy.RolloutReason;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import io.driftdeploy.handler.HandlerIo;

/**
 * A function's result is written as JSON in one place: these are the keys, in the order and with
 * the labels operators, the CLI and the integration tests have always read; and what a caller
 * reads back from that JSON is the result the function decided.
 */
class ResultTest {

    private static final Decided TERMINATED = new Decided("drift", "ev-1", Decision.TERMINATE, DriftReason.DRIFT_CONFIRMED,
            Optional.of(Mode.ENFORCE), Map.of("instance", "i-1"), List.of("TerminateInstanceInAutoScalingGroup i-1"),
            new Delivery.Published("msg-1"));

    @Test
    void aDecisionIsWrittenAsItsFieldsThenItsFactsThenItsActionsThenItsDelivery() {
        assertThat(TERMINATED.json()).containsExactly(
                Map.entry("function", "drift"),
                Map.entry("eventId", "ev-1"),
                Map.entry("decision", "terminate"),
                Map.entry("reason", "drift-confirmed"),
                Map.entry("mode", "enforce"),
                Map.entry("instance", "i-1"),
                Map.entry("actions", List.of("TerminateInstanceInAutoScalingGroup i-1")),
                Map.entry("notificationId", "msg-1"));
    }

    @Test
    void aFactUnderAFieldsKeyKeepsTheFieldsPlaceAndANotificationThatFailedSaysWhy() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("eventId", "ev-2");
        facts.put("alarm", "drift");
        facts.put("mode", "dry-run");
        Decided swept = new Decided("alarms", "ev-2", Decision.SWEEP, AlarmReason.DRIFT_ALARM, Optional.of(Mode.DRY_RUN),
                facts, List.of(), new Delivery.Undelivered("Topic does not exist"));

        assertThat(swept.json()).containsExactly(
                Map.entry("function", "alarms"),
                Map.entry("eventId", "ev-2"),
                Map.entry("decision", "sweep"),
                Map.entry("reason", "drift-alarm"),
                Map.entry("mode", "dry-run"),
                Map.entry("alarm", "drift"),
                Map.entry("actions", List.of()),
                Map.entry("notification", "not delivered: Topic does not exist"));
    }

    @Test
    void aDecisionWithoutModeOrAnnouncementWritesNeither() {
        Decided duplicate = new Decided("alarms", "ev-3", Decision.SKIP, AlarmReason.DUPLICATE_EVENT, Optional.empty(),
                Map.of(), List.of(), Delivery.UNANNOUNCED);

        assertThat(duplicate.json()).containsOnlyKeys("function", "eventId", "decision", "reason", "actions");
    }

    @Test
    void aRejectionIsWrittenWithItsFieldAndErrorAndNoActions() {
        Rejected rejected = new Rejected(new Rejection("images", RejectionReason.FOREIGN_ACCOUNT, "account", "not ours",
                Map.of("ownAccount", "123456789012")), new Delivery.Published("msg-2"));

        assertThat(rejected.json()).containsExactly(
                Map.entry("function", "images"),
                Map.entry("decision", "rejected"),
                Map.entry("reason", "foreign-account"),
                Map.entry("field", "account"),
                Map.entry("error", "not ours"),
                Map.entry("ownAccount", "123456789012"),
                Map.entry("actions", List.of()),
                Map.entry("notificationId", "msg-2"));
    }

    @Test
    void theDecisionsOfOneRolloutEventAreListedUnderItsEvent() {
        Decided refreshed = new Decided("images", "ev-4", Decision.REFRESH, RolloutReason.NEWER_IMAGE,
                Optional.of(Mode.ENFORCE), Map.of("group", "web"), List.of(), new Delivery.Published("msg-3"));

        assertThat(new Decisions("images", "ev-4", List.of(refreshed)).json()).containsExactly(
                Map.entry("function", "images"),
                Map.entry("eventId", "ev-4"),
                Map.entry("decisions", List.of(refreshed.json())));
    }

    /** A label alone may name two paths' reasons: the function says whose. */
    static Stream<Arguments> reasonsByFunction() {
        return Stream.of(
                Arguments.of("drift", DriftReason.DUPLICATE_EVENT),
                Arguments.of("images", RolloutReason.DUPLICATE_EVENT),
                Arguments.of("alarms", AlarmReason.DUPLICATE_EVENT),
                Arguments.of("drift", DriftReason.INVALID_GROUP_TAG),
                Arguments.of("images", RolloutReason.INVALID_GROUP_TAG),
                Arguments.of("refreshes", RefreshReason.REFRESH_ROLLBACK_SUCCEEDED),
                Arguments.of("refreshes", RolloutReason.REFRESH_IN_PROGRESS),
                Arguments.of("cli", ClearedReason.BAD_MARK_CLEARED));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("reasonsByFunction")
    void theReasonReadBackIsTheFunctionsOwn(String function, Reason reason) {
        Decided decided = new Decided(function, "ev-5", Decision.SKIP, reason, Optional.empty(), Map.of("group", "web"),
                List.of(), Delivery.UNANNOUNCED);

        assertThat(Result.fromJson(decided.json())).isEqualTo(decided);
    }

    @Test
    void everyKindOfResultIsReadBackAsWrittenThroughLambdasJson() {
        Rejected rejected = new Rejected(Rejection.invalidEvent("drift", "detail.resourceId", "expected an instance id"),
                new Delivery.Published("msg-6"));
        Decided undelivered = new Decided("refreshes", "ev-6", Decision.MARK_BAD, RefreshReason.REFRESH_FAILED,
                Optional.empty(), Map.of("group", "web", "imageMarkedBad", true), List.of("ledger:mark-bad ami-1"),
                new Delivery.Undelivered("throttled"));
        Decisions decisions = new Decisions("refreshes", "ev-6", List.of(undelivered, TERMINATED));

        for (Result result : List.of(TERMINATED, rejected, undelivered, decisions)) {
            ByteArrayOutputStream written = new ByteArrayOutputStream();
            HandlerIo.writeJson(written, result);

            assertThat(HandlerIo.readResult(written.toByteArray())).isEqualTo(result);
        }
    }

    @Test
    void aLabelNoReasonOfTheFunctionHasIsRefusedNamingIt() {
        Map<String, Object> json = new LinkedHashMap<>(TERMINATED.json());
        json.put("reason", "newer-image");

        assertThatThrownBy(() -> Result.fromJson(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("newer-image");
    }
}
