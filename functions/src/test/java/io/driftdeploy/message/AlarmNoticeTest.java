package io.driftdeploy.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import io.driftdeploy.event.AlarmDelivery;
import io.driftdeploy.event.AlarmState;
import io.driftdeploy.event.AlarmStateChange;
import io.driftdeploy.event.MetricTrigger;
import io.driftdeploy.policy.AlarmDefinition;
import io.driftdeploy.policy.AlarmReason;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.GuardedRefresh;
import io.driftdeploy.policy.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlarmNoticeTest {

    private static final Instant AT = Instant.parse("2025-06-12T09:20:12.507Z");
    private static final String CONSOLE =
            "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/config-drift-detected";

    /** As EventBridge delivers a metric alarm: threshold from reasonData, no comparison operator. */
    private static AlarmStateChange eventBridge(AlarmState from, AlarmState to) {
        return new AlarmStateChange("6f7a8b9c", AlarmDelivery.EVENTBRIDGE, "123456789012", "us-east-1",
                "config-drift-detected", Optional.of("arn:aws:cloudwatch:us-east-1:123456789012:alarm:config-drift-detected"),
                from, to, "Threshold Crossed: 1 out of the last 1 datapoints [1.0] was greater than the threshold (0.0).",
                AT, Optional.of(new MetricTrigger("DriftDeploy", "NonCompliantInstances", Optional.of("Maximum"),
                        OptionalInt.of(300), OptionalDouble.of(0.0), Optional.empty(), Map.of())),
                Optional.empty());
    }

    private static AlarmStateChange composite() {
        return new AlarmStateChange("9c0d1e2f", AlarmDelivery.EVENTBRIDGE, "123456789012", "us-east-1",
                "app-blue-rollout-guard", Optional.empty(), AlarmState.OK, AlarmState.ALARM,
                "app-blue-5xx-errors transitioned to ALARM", AT, Optional.empty(),
                Optional.of("ALARM(app-blue-5xx-errors) OR ALARM(app-blue-unhealthy-hosts)"));
    }

    private static final AlarmDefinition DEFINITION = new AlarmDefinition("config-drift-detected",
            Optional.of("drift-deploy found non-compliant instances"), Optional.of("GreaterThanThreshold"),
            OptionalDouble.of(0.0), OptionalInt.of(1), Optional.empty());

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "OK, ALARM, warning, drift-deploy: ALARM config-drift-detected, Alarm config-drift-detected went OK -> ALARM at",
            "ALARM, OK, info, drift-deploy: recovered (OK) config-drift-detected, Alarm config-drift-detected recovered: ALARM -> OK at",
            "OK, INSUFFICIENT_DATA, low, drift-deploy: insufficient data config-drift-detected, Alarm config-drift-detected has insufficient data: OK -> INSUFFICIENT_DATA at",
    })
    void everyStateChangeIsToldWithSeverityByTheNewState(AlarmState from, AlarmState to, String severity, String subject,
                                                         String summaryStart) {
        Report report = AlarmNotice.stateChange(eventBridge(from, to), Optional.of(DEFINITION));
        Notification notification = report.notification().orElseThrow();

        assertThat(notification.kind()).isEqualTo("alarm");
        assertThat(notification.severity().label()).isEqualTo(severity);
        assertThat(Announced.action(report)).isEqualTo("notify");
        assertThat(notification.subject()).isEqualTo(subject);
        assertThat(notification.summary()).startsWith(summaryStart + " 2025-06-12T09:20:12.507Z.")
                .contains("Watches NonCompliantInstances (DriftDeploy) Maximum > 0 over 1 x 300 s.")
                .contains("Reason: Threshold Crossed")
                .endsWith("Console: " + CONSOLE);
        assertThat(report.decision()).isEqualTo(Decision.NOTIFY);
        assertThat(report.reason()).isEqualTo(AlarmReason.ALARM_STATE_CHANGE);
        assertThat(report.subject()).isEqualTo("config-drift-detected");
        assertThat(report.mode()).isEmpty();
        assertThat(report.actions()).isEmpty();
    }

    @Test
    void factsSayWhatWhenWhyAndWhere() {
        Report report = AlarmNotice.stateChange(eventBridge(AlarmState.OK, AlarmState.ALARM), Optional.of(DEFINITION));

        assertThat(report.facts()).containsEntry("alarm", "config-drift-detected")
                .containsEntry("previousState", "OK").containsEntry("newState", "ALARM")
                .containsEntry("stateChangeTime", "2025-06-12T09:20:12.507Z")
                .containsEntry("namespace", "DriftDeploy").containsEntry("metric", "NonCompliantInstances")
                .containsEntry("statistic", "Maximum").containsEntry("periodSeconds", 300)
                .containsEntry("comparisonOperator", "GreaterThanThreshold").containsEntry("threshold", 0.0)
                .containsEntry("description", "drift-deploy found non-compliant instances")
                .containsEntry("delivery", "eventbridge")
                .containsEntry("console", CONSOLE)
                // The reporter writes decision and reason from the report itself; facts must not shadow them.
                .doesNotContainKeys("decision", "reason");
        assertThat(Announced.facts(report))
                .containsEntry("eventId", "6f7a8b9c").containsEntry("decision", "notify")
                .containsEntry("reason", "alarm-state-change")
                .containsEntry("stateReason", report.facts().get("stateReason"));
    }

    @Test
    void withoutTheDefinitionTheConditionSaysWhatTheEventKnows() {
        assertThat(AlarmNotice.condition(eventBridge(AlarmState.OK, AlarmState.ALARM), Optional.empty()))
                .contains("NonCompliantInstances (DriftDeploy) Maximum vs threshold 0 over 300 s");
    }

    @Test
    void theSnsDeliveryCarriesItsOwnOperatorAndDimensions() {
        AlarmStateChange sns = new AlarmStateChange("3d2c1b0a", AlarmDelivery.SNS, "123456789012", "eu-west-1",
                "shop 5xx", Optional.empty(), AlarmState.OK, AlarmState.ALARM, "Threshold Crossed", AT,
                Optional.of(new MetricTrigger("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", Optional.of("SUM"),
                        OptionalInt.of(60), OptionalDouble.of(12.5), Optional.of("GreaterThanOrEqualToThreshold"),
                        Map.of("LoadBalancer", "app/shop/1", "AvailabilityZone", "eu-west-1a"))),
                Optional.empty());

        Report report = AlarmNotice.stateChange(sns, Optional.empty());

        assertThat(report.facts()).containsEntry("condition",
                        "HTTPCode_Target_5XX_Count (AWS/ApplicationELB, AvailabilityZone=eu-west-1a, LoadBalancer=app/shop/1) SUM >= 12.5 over 60 s")
                .containsEntry("delivery", "sns")
                .containsEntry("console", "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/shop%205xx");
    }

    @Test
    void aCompositeAlarmIsDescribedByItsRule() {
        Report report = AlarmNotice.stateChange(composite(), Optional.empty());

        assertThat(report.facts()).containsEntry("alarmRule", "ALARM(app-blue-5xx-errors) OR ALARM(app-blue-unhealthy-hosts)")
                .containsEntry("condition", "composite rule ALARM(app-blue-5xx-errors) OR ALARM(app-blue-unhealthy-hosts)")
                .doesNotContainKeys("metric", "threshold");
    }

    @Test
    void aRolloutGuardNamesTheGroupTheRefreshAndTheImageAtHighSeverity() {
        GuardedRefresh refresh = new GuardedRefresh("shop-blue", Optional.of("shop"), "08b91cf7-8fa6-48af-b6a6-d227f40f1b9b",
                "InProgress", OptionalInt.of(40), Optional.of(Instant.parse("2025-06-12T08:00:00Z")),
                Optional.of("lt-0a20c965061f64abc"), Optional.of("7"), Optional.of("ami-0abcdef1234567890"));

        Report report = AlarmNotice.rolloutGuard(composite(), Optional.empty(), List.of(refresh));
        Notification notification = report.notification().orElseThrow();

        assertThat(notification.severity()).isEqualTo(Severity.HIGH);
        assertThat(notification.group()).contains("shop-blue");
        assertThat(notification.app()).contains("shop");
        assertThat(notification.subject()).isEqualTo("drift-deploy: rollout guard app-blue-rollout-guard in ALARM on shop-blue");
        assertThat(notification.summary())
                .contains("refresh 08b91cf7-8fa6-48af-b6a6-d227f40f1b9b (InProgress, 40% done) on group shop-blue rolls out image ami-0abcdef1234567890 (launch template lt-0a20c965061f64abc version 7)")
                .contains("drift-deploy does not act");
        assertThat(report.reason()).isEqualTo(AlarmReason.ROLLOUT_GUARD_ALARM);
        assertThat(report.facts().get("refreshes")).asInstanceOf(LIST).singleElement().asInstanceOf(MAP)
                .containsEntry("group", "shop-blue").containsEntry("refreshId", "08b91cf7-8fa6-48af-b6a6-d227f40f1b9b")
                .containsEntry("image", "ami-0abcdef1234567890").containsEntry("status", "InProgress");
    }

    @Test
    void aGuardOfSeveralGroupsNamesThemAllAndFiltersOnNone() {
        GuardedRefresh blue = new GuardedRefresh("shop-blue", Optional.of("shop"), "r-1", "InProgress", OptionalInt.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("ami-1"));
        GuardedRefresh green = new GuardedRefresh("cart-green", Optional.of("cart"), "r-2", "RollbackInProgress",
                OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        Notification notification = AlarmNotice.rolloutGuard(composite(), Optional.empty(), List.of(blue, green))
                .notification().orElseThrow();

        assertThat(notification.group()).isEmpty();
        assertThat(notification.app()).isEmpty();
        assertThat(notification.subject()).endsWith("on 2 groups");
        assertThat(notification.summary()).contains("refresh r-1 (InProgress) on group shop-blue rolls out image ami-1; "
                + "refresh r-2 (RollbackInProgress) on group cart-green rolls out image (unknown)");
    }

    @Test
    void aGuardNoticeWithoutARefreshIsAProgrammingError() {
        assertThatThrownBy(() -> AlarmNotice.rolloutGuard(composite(), Optional.empty(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStateChangeIsTheSameWhicheverDeliveryBringsIt() {
        AlarmStateChange viaEventBridge = eventBridge(AlarmState.OK, AlarmState.ALARM);
        AlarmStateChange viaSns = new AlarmStateChange("3d2c1b0a", AlarmDelivery.SNS, viaEventBridge.account(),
                viaEventBridge.region(), viaEventBridge.alarmName(), Optional.empty(), AlarmState.OK, AlarmState.ALARM,
                "Threshold Crossed", AT, Optional.empty(), Optional.empty());

        assertThat(AlarmNotice.stateChangeId(viaSns)).isEqualTo(AlarmNotice.stateChangeId(viaEventBridge))
                .isEqualTo("123456789012:us-east-1:config-drift-detected:ALARM@2025-06-12T09:20:12.507Z");
        assertThat(AlarmNotice.stateChangeId(eventBridge(AlarmState.ALARM, AlarmState.OK)))
                .isNotEqualTo(AlarmNotice.stateChangeId(viaEventBridge));
    }

    @Test
    void aDuplicateIsAuditedButNotToldAgain() {
        Report report = AlarmNotice.duplicate(eventBridge(AlarmState.OK, AlarmState.ALARM));

        assertThat(report.decision()).isEqualTo(Decision.SKIP);
        assertThat(report.reason()).isEqualTo(AlarmReason.DUPLICATE_EVENT);
        assertThat(report.notification()).isEmpty();
    }
}
