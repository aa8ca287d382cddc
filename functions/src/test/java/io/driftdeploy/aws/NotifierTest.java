package io.driftdeploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.Mode;
import io.driftdeploy.message.Notification;
import io.driftdeploy.message.Report;
import io.driftdeploy.policy.AlarmReason;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.Rejection;
import io.driftdeploy.policy.RejectionReason;
import io.driftdeploy.policy.Severity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A notification's action and facts are written from its report when it is rendered, once:
 * these are the bodies and attributes subscribers have always received, key for key.
 */
class NotifierTest {

    private static final Notification TERMINATED = new Notification("drift", Severity.WARNING,
            Optional.of("shop"), Optional.of("web"), "drift-deploy: terminated drifted i-1 in web", "Terminated i-1.");

    @Test
    void aReportsNotificationCarriesItsEventIdFactsDecisionReasonAndMode() {
        Report report = new Report("drift", "ev-1", "i-1", Decision.TERMINATE, DriftReason.DRIFT_CONFIRMED,
                Optional.of(Mode.ENFORCE), List.of("TerminateInstanceInAutoScalingGroup i-1"),
                Map.of("instance", "i-1"), Optional.of(TERMINATED));

        Notifier.Rendered rendered = Notifier.render(report).orElseThrow();

        assertThat(rendered.subject()).isEqualTo("drift-deploy: terminated drifted i-1 in web");
        assertThat(rendered.body()).isEqualTo("{\"schemaVersion\":\"1\",\"kind\":\"drift\",\"severity\":\"warning\","
                + "\"action\":\"terminate\",\"summary\":\"Terminated i-1.\",\"app\":\"shop\",\"group\":\"web\","
                + "\"facts\":{\"eventId\":\"ev-1\",\"instance\":\"i-1\",\"decision\":\"terminate\","
                + "\"reason\":\"drift-confirmed\",\"mode\":\"enforce\"}}");
        assertThat(rendered.attributes()).containsExactly(Map.entry("kind", "drift"), Map.entry("severity", "warning"),
                Map.entry("action", "terminate"), Map.entry("app", "shop"), Map.entry("group", "web"));
    }

    @Test
    void factsThatHoldTheEventIdOrModeKeepThemWhereTheyAreAndAReportWithoutModeSaysNone() {
        Map<String, Object> facts = new java.util.LinkedHashMap<>();
        facts.put("eventId", "ev-2");
        facts.put("alarm", "drift");
        facts.put("mode", "dry-run");
        Notification swept = new Notification("sweep", Severity.INFO, Optional.empty(), Optional.empty(),
                "drift-deploy: drift sweep", "Swept.");

        String withMode = Notifier.render(new Report("alarms", "ev-2", "drift", Decision.SWEEP, AlarmReason.DRIFT_ALARM,
                Optional.of(Mode.DRY_RUN), List.of(), facts, Optional.of(swept))).orElseThrow().body();
        String withoutMode = Notifier.render(new Report("alarms", "ev-2", "drift", Decision.SWEEP, AlarmReason.DRIFT_ALARM,
                Optional.empty(), List.of(), Map.of("alarm", "drift"), Optional.of(swept))).orElseThrow().body();

        assertThat(withMode).endsWith("\"facts\":{\"eventId\":\"ev-2\",\"alarm\":\"drift\",\"mode\":\"dry-run\","
                + "\"decision\":\"sweep\",\"reason\":\"drift-alarm\"}}");
        assertThat(withoutMode).endsWith("\"facts\":{\"eventId\":\"ev-2\",\"alarm\":\"drift\","
                + "\"decision\":\"sweep\",\"reason\":\"drift-alarm\"}}");
    }

    @Test
    void aReportWithoutANotificationRendersNothing() {
        Report audited = new Report("drift", "ev-3", "i-3", Decision.SKIP, DriftReason.DUPLICATE_EVENT,
                Optional.of(Mode.ENFORCE), List.of(), Map.of(), Optional.empty());

        assertThat(Notifier.render(audited)).isEmpty();
    }

    @Test
    void aRejectionIsAnnouncedAsNoActionWithTheFieldAndTheProblem() {
        Rejection rejection = new Rejection("images", RejectionReason.FOREIGN_ACCOUNT, "account", "not ours",
                Map.of("ownAccount", "123456789012"));

        Notifier.Rendered rendered = Notifier.render(rejection);

        assertThat(rendered.body()).endsWith("\"facts\":{\"function\":\"images\",\"reason\":\"foreign-account\","
                + "\"field\":\"account\",\"error\":\"not ours\",\"ownAccount\":\"123456789012\"}}");
        assertThat(rendered.attributes()).containsExactly(Map.entry("kind", "rejected"), Map.entry("severity", "high"),
                Map.entry("action", "none"));
    }

    @Test
    void theAccountADecisionOrRejectionIsAboutIsAFilterableAttribute() {
        Report report = new Report("drift", "ev-4", "i-4", Decision.TERMINATE, DriftReason.DRIFT_CONFIRMED,
                Optional.of(Mode.ENFORCE), List.of(), Map.of("account", "111111111111", "instance", "i-4"),
                Optional.of(TERMINATED));
        Rejection rejection = new Rejection("drift", RejectionReason.FOREIGN_ACCOUNT, "account", "not a member",
                Map.of("eventAccount", "333333333333", "ownAccount", "123456789012"));

        assertThat(Notifier.render(report).orElseThrow().attributes()).containsEntry("account", "111111111111");
        assertThat(Notifier.render(rejection).attributes()).containsEntry("account", "333333333333");
    }
}
