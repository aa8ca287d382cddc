package io.driftdeploy.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.Mode;
import io.driftdeploy.event.AlarmDelivery;
import io.driftdeploy.event.AlarmState;
import io.driftdeploy.event.AlarmStateChange;
import io.driftdeploy.message.SweepReports.SweptInstance;
import io.driftdeploy.policy.AlarmReason;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlarmSweepReportsTest {

    private static final AlarmStateChange FIRED = new AlarmStateChange("6f7a8b9c", AlarmDelivery.EVENTBRIDGE,
            "123456789012", "us-east-1", "drift-deploy-drift", Optional.empty(), AlarmState.OK, AlarmState.ALARM,
            "Threshold Crossed", Instant.parse("2025-06-12T09:20:12.507Z"), Optional.empty(), Optional.empty());

    private static SweptInstance terminated(String instance, String group) {
        return new SweptInstance(instance, Optional.of(group), "golden-ami", DriftReason.DRIFT_CONFIRMED,
                List.of("TerminateInstanceInAutoScalingGroup " + instance));
    }

    private static SweptInstance left(String instance, String group, DriftReason reason) {
        return new SweptInstance(instance, Optional.of(group), "golden-ami", reason, List.of());
    }

    @Test
    void countsFoundTerminatedAndNotTerminatedByTheRuleThatStoppedEach() {
        Report report = SweepReports.summary(FIRED, Optional.empty(), Mode.ENFORCE, false, List.of("golden-ami"), List.of(), List.of(
                terminated("i-0aaaaaaaaaaaaaaa1", "web"),
                left("i-0aaaaaaaaaaaaaaa2", "web", DriftReason.GROUP_RATE_LIMIT),
                terminated("i-0bbbbbbbbbbbbbbb1", "api"),
                left("i-0bbbbbbbbbbbbbbb2", "api", DriftReason.GROUP_RATE_LIMIT),
                left("i-0ccccccccccccccc1", "db", DriftReason.PROTECT_TAG)));

        assertThat(report.function()).isEqualTo("alarms");
        assertThat(report.decision()).isEqualTo(Decision.SWEEP);
        assertThat(report.reason()).isEqualTo(AlarmReason.DRIFT_ALARM);
        assertThat(report.subject()).isEqualTo("drift-deploy-drift");
        assertThat(report.mode()).contains(Mode.ENFORCE);
        assertThat(report.actions()).containsExactly("TerminateInstanceInAutoScalingGroup i-0aaaaaaaaaaaaaaa1",
                "TerminateInstanceInAutoScalingGroup i-0bbbbbbbbbbbbbbb1");
        assertThat(report.facts()).containsEntry("found", 5).containsEntry("terminated", 2)
                .containsEntry("notTerminated", Map.of("group-rate-limit", 2, "protect-tag", 1))
                .containsEntry("rules", List.of("golden-ami")).doesNotContainKeys("missingRules", "decision", "reason");
        assertThat(report.facts().get("instances")).asList().hasSize(5).first()
                .isEqualTo(Map.of("instance", "i-0aaaaaaaaaaaaaaa1", "group", "web", "rule", "golden-ami",
                        "decision", "terminate", "reason", "drift-confirmed"));

        Notification notification = report.notification().orElseThrow();
        assertThat(notification.kind()).isEqualTo("sweep");
        assertThat(Announced.action(report)).isEqualTo("sweep");
        assertThat(notification.severity()).isEqualTo(Severity.WARNING);
        assertThat(notification.subject()).isEqualTo("drift-deploy: drift sweep (drift-deploy-drift): 5 found, 2 terminated");
        assertThat(notification.summary()).isEqualTo("Drift alarm drift-deploy-drift went OK -> ALARM at 2025-06-12T09:20:12.507Z;"
                + " the sweep of AWS Config rule golden-ami found 5 non-compliant instances:"
                + " 2 terminated [i-0aaaaaaaaaaaaaaa1 in web, i-0bbbbbbbbbbbbbbb1 in api],"
                + " 2 not terminated (group-rate-limit) [i-0aaaaaaaaaaaaaaa2 in web, i-0bbbbbbbbbbbbbbb2 in api],"
                + " 1 not terminated (protect-tag) [i-0ccccccccccccccc1 in db]."
                + " Mode enforce (a group's mode tag overrides it)."
                + " Console: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/drift-deploy-drift");
        assertThat(Announced.facts(report)).containsEntry("eventId", "6f7a8b9c").containsEntry("decision", "sweep")
                .containsEntry("reason", "drift-alarm").containsEntry("found", 5);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "terminate, DRIFT_CONFIRMED, info",
            "notify, DRY_RUN, info",
            "skip, INSTANCE_GONE, info",
            "skip, NO_LONGER_NON_COMPLIANT, info",
            "notify, CAPACITY_GUARD, warning",
            "notify, STANDALONE_INSTANCE, warning",
    })
    void onlyDriftLeftForAPersonMakesItAWarning(String decision, DriftReason reason, String severity) {
        Report report = SweepReports.summary(FIRED, Optional.empty(), Mode.ENFORCE, false, List.of("golden-ami"), List.of(),
                List.of(left("i-0aaaaaaaaaaaaaaa1", "web", reason)));

        assertThat(reason.decision().decision().label()).isEqualTo(decision);
        assertThat(report.notification().orElseThrow().severity().label()).isEqualTo(severity);
    }

    @Test
    void nothingFoundIsToldAtInfo() {
        Report report = SweepReports.summary(FIRED, Optional.empty(), Mode.DRY_RUN, true, List.of("a", "b"), List.of(), List.of());

        Notification notification = report.notification().orElseThrow();
        assertThat(notification.severity()).isEqualTo(Severity.INFO);
        assertThat(notification.summary()).contains("the sweep of AWS Config rules a, b found 0 non-compliant instances. Mode dry-run (forced: no group's mode tag overrides it).");
        assertThat(report.facts()).containsEntry("found", 0).containsEntry("notTerminated", Map.of());
    }

    @Test
    void aConfiguredRuleConfigDoesNotKnowIsAWarningNamingIt() {
        Report report = SweepReports.summary(FIRED, Optional.empty(), Mode.ENFORCE, false, List.of(), List.of("golden-amii"), List.of());

        Notification notification = report.notification().orElseThrow();
        assertThat(notification.severity()).isEqualTo(Severity.WARNING);
        assertThat(notification.summary()).contains("the sweep of AWS Config rules (none found) found 0")
                .contains("Configured drift rules AWS Config does not know here: golden-amii.");
        assertThat(report.facts()).containsEntry("missingRules", List.of("golden-amii"));
    }
}
