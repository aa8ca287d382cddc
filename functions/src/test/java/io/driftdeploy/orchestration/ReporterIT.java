package io.driftdeploy.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.SnsNotifier;
import io.driftdeploy.config.Settings;
import io.driftdeploy.message.Notification;
import io.driftdeploy.message.Report;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.Severity;
import io.driftdeploy.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every decision is audited however its last write goes: written with the caller's own writes,
 * alone when those were refused, and alone before the failure when the notification could not be
 * published (then the caller's writes are not attempted).
 */
class ReporterIT {

    private final TestEnvironment env = TestEnvironment.create();
    private final Ledger ledger = new Ledger(env.aws.dynamoDb(), env.tableName);
    private final List<Ledger.Put> offered = new ArrayList<>();

    private Reporter reporter(String topicArn) {
        Clock clock = Clock.systemUTC();
        return new Reporter(AuditTrail.in(ledger, Settings.auditRetention(Map.of())), new SnsNotifier(env.aws.sns(), topicArn),
                new Telemetry("drift", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), clock), clock);
    }

    private Report decision(String subject) {
        Notification notification = new Notification("drift", Severity.INFO, Optional.empty(),
                Optional.empty(), subject, "a decision about " + subject);
        return new Report("drift", "event-" + subject, subject, Decision.NOTIFY, DriftReason.DRY_RUN, Optional.empty(), List.of(),
                Map.of("instance", subject), Optional.of(notification));
    }

    @Test
    void aRecordTheCallerWroteIsNotWrittenAgain() {
        Result.Decided result = reporter(env.topicArn).report(decision("i-written"), entry -> {
            offered.add(entry);
            ledger.writeAll(List.of(entry));
            return true;
        });

        assertThat(result.json()).containsKey("notificationId");
        assertThat(offered).hasSize(1);
        assertThat(env.auditRecords("i-written")).hasSize(1);
    }

    @Test
    void aRecordWhoseWriteWasRefusedIsWrittenAlone() {
        reporter(env.topicArn).report(decision("i-refused"), entry -> false);

        assertThat(env.auditRecords("i-refused")).singleElement()
                .satisfies(record -> assertThat(record.get("reason").s()).isEqualTo("dry-run"));
    }

    @Test
    void aDecisionWhoseNotificationFailedIsAuditedAndItsWritesAreNotAttempted() {
        String missingTopic = env.topicArn + "-missing";

        assertThatThrownBy(() -> reporter(missingTopic).report(decision("i-undelivered"), entry -> {
            offered.add(entry);
            return true;
        })).isInstanceOf(UndeliveredNotificationException.class);

        assertThat(offered).isEmpty();
        assertThat(env.auditRecords("i-undelivered")).hasSize(1);
    }
}
