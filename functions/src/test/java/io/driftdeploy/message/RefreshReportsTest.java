package io.driftdeploy.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.event.InstanceRefreshEvent;
import io.driftdeploy.event.RefreshKind;
import io.driftdeploy.policy.BadMark;
import io.driftdeploy.policy.ClearedReason;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.ObservedRefresh;
import io.driftdeploy.policy.RefreshOutcomes;
import io.driftdeploy.policy.RefreshReason;
import io.driftdeploy.policy.Severity;
import io.driftdeploy.policy.StartedRefresh;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What the refreshes function says about a refresh event, once {@code RefreshOutcomes} decided it. */
class RefreshReportsTest {

    private static final StartedRefresh OURS = new StartedRefresh("r-1", "shop-blue", "ami-0000000000000000b", "shop",
            "lt-0123", 4);

    private static InstanceRefreshEvent event(RefreshKind kind) {
        return new InstanceRefreshEvent("ev-1", "123456789012", "us-east-1", Instant.parse("2025-06-12T08:00:00Z"), kind,
                "shop-blue", "r-1", OptionalInt.empty(), Optional.empty());
    }

    private static final Instant READ_AT = Instant.parse("2025-06-12T08:00:01Z");

    private static Optional<ObservedRefresh> aws(String status, String reason) {
        return Optional.of(new ObservedRefresh("r-1", "shop-blue", status, Optional.ofNullable(reason), READ_AT));
    }

    /** The report of an event whose claim Auto Scaling confirms. */
    private static Report confirmed(RefreshKind kind, String awsStatus, Optional<StartedRefresh> started,
                                    Optional<ImageRef> pending, List<String> actions) {
        Optional<ObservedRefresh> observed = aws(awsStatus, null);
        return RefreshReports.report(event(kind), RefreshOutcomes.verdict(kind, Optional.of(awsStatus)), observed, started,
                pending, actions);
    }

    @Test
    void aFailedRefreshOfOursMarksItsImageBadAtHighSeverityWithAwsEvidence() {
        Optional<ObservedRefresh> observed = aws("Failed", "The instance refresh failed because the CloudWatch alarm guard is in ALARM state.");
        Report report = RefreshReports.report(event(RefreshKind.FAILED), RefreshOutcomes.verdict(RefreshKind.FAILED,
                Optional.of("Failed")), observed, Optional.of(OURS), Optional.empty(), List.of("ledger:mark-bad ami-0000000000000000b"));

        assertThat(report.decision()).isEqualTo(Decision.MARK_BAD);
        assertThat(report.reason()).isEqualTo(RefreshReason.REFRESH_FAILED);
        assertThat(report.facts()).containsEntry("image", "ami-0000000000000000b").containsEntry("imageMarkedBad", true)
                .containsEntry("check", "confirmed").containsEntry("awsStatus", "Failed")
                .containsEntry("awsStatusReason", "The instance refresh failed because the CloudWatch alarm guard is in ALARM state.")
                .containsEntry("awsReadAt", READ_AT.toString()).containsEntry("refreshId", "r-1").containsEntry("group", "shop-blue");
        Notification notification = report.notification().orElseThrow();
        assertThat(notification.severity()).isEqualTo(Severity.HIGH);
        assertThat(notification.summary()).contains("marked bad").contains("drift-deploy clear-bad-image --image ami-0000000000000000b");
        assertThat(Announced.facts(report)).containsEntry("awsStatus", "Failed").containsEntry("reason", "refresh-failed");
    }

    @Test
    void aFailedEventForARefreshStillInProgressMarksNothingAndNamesBothStatuses() {
        ImageRef waiting = new ImageRef("ami-0000000000000000c", Instant.parse("2025-06-12T07:50:00Z"));
        Report report = RefreshReports.report(event(RefreshKind.FAILED), RefreshOutcomes.verdict(RefreshKind.FAILED,
                Optional.of("InProgress")), aws("InProgress", null), Optional.of(OURS), Optional.of(waiting), List.of());

        assertThat(report.decision()).isEqualTo(Decision.NOTIFY);
        assertThat(report.reason()).isEqualTo(RefreshReason.REFRESH_STATUS_MISMATCH);
        assertThat(report.facts()).containsEntry("imageMarkedBad", false).containsEntry("check", "mismatch")
                .containsEntry("status", RefreshKind.FAILED.detailType()).containsEntry("awsStatus", "InProgress");
        Notification notification = report.notification().orElseThrow();
        assertThat(notification.severity()).isEqualTo(Severity.WARNING);
        assertThat(notification.summary()).contains("The event says: " + RefreshKind.FAILED.detailType())
                .contains("Auto Scaling says: InProgress").contains("keeps waiting").doesNotContain("marked bad");
    }

    @Test
    void aRefreshAutoScalingDoesNotKnowIsRefused() {
        ImageRef waiting = new ImageRef("ami-0000000000000000c", Instant.parse("2025-06-12T07:50:00Z"));
        Report report = RefreshReports.report(event(RefreshKind.FAILED), RefreshOutcomes.verdict(RefreshKind.FAILED,
                Optional.empty()), Optional.empty(), Optional.of(OURS), Optional.of(waiting), List.of());

        assertThat(report.decision()).isEqualTo(Decision.REFUSE);
        assertThat(report.reason()).isEqualTo(RefreshReason.REFRESH_NOT_FOUND);
        assertThat(report.actions()).isEmpty();
        assertThat(report.facts()).containsEntry("imageMarkedBad", false).containsEntry("check", "not-found")
                .doesNotContainKey("awsStatus");
        assertThat(report.notification().orElseThrow().summary()).contains("Auto Scaling says: no refresh r-1 on shop-blue")
                .doesNotContain("Pending image");
    }

    @Test
    void aFailedRefreshSomeoneElseStartedJudgesNoImage() {
        Report report = confirmed(RefreshKind.FAILED, "Failed", Optional.empty(), Optional.empty(), List.of());

        assertThat(report.decision()).isEqualTo(Decision.NOTIFY);
        assertThat(report.facts()).containsEntry("imageMarkedBad", false).doesNotContainKey("image");
        assertThat(report.notification().orElseThrow().summary()).contains("not started by drift-deploy");
    }

    @Test
    void thePendingImageIsNamedWithWhatHappensToIt() {
        ImageRef waiting = new ImageRef("ami-0000000000000000c", Instant.parse("2025-06-12T07:50:00Z"));

        assertThat(confirmed(RefreshKind.SUCCEEDED, "Successful", Optional.of(OURS), Optional.of(waiting), List.of())
                .notification().orElseThrow().summary()).contains("Pending image ami-0000000000000000c is started next");
        assertThat(confirmed(RefreshKind.ROLLBACK_FAILED, "RollbackFailed", Optional.of(OURS), Optional.of(waiting), List.of())
                .notification().orElseThrow().summary()).contains("keeps waiting");
    }

    @Test
    void clearingAMarkIsAuditedWithItsEvidence() {
        BadMark mark = new BadMark("ami-0000000000000000b", "r-1", "shop-blue", "RollbackSuccessful", Optional.of("alarm"),
                Optional.of(READ_AT), "2025-06-12T08:00:02Z");

        Report report = RefreshReports.badMarkCleared(mark, Instant.parse("2025-06-13T09:00:00Z"));

        assertThat(report.reason()).isEqualTo(ClearedReason.BAD_MARK_CLEARED);
        assertThat(report.subject()).isEqualTo("ami-0000000000000000b");
        assertThat(report.notification()).isEmpty();
        assertThat(report.facts()).containsEntry("refreshId", "r-1").containsEntry("group", "shop-blue")
                .containsEntry("awsStatus", "RollbackSuccessful").containsEntry("awsStatusReason", "alarm")
                .containsEntry("awsReadAt", READ_AT.toString()).containsEntry("clearedAt", "2025-06-13T09:00:00Z");
    }

    @Test
    void theSubjectAndSummarySayWhatTheRefreshDidAsTheVerdictFoundIt() {
        Report confirmed = confirmed(RefreshKind.ROLLBACK_FAILED, "RollbackFailed", Optional.of(OURS), Optional.empty(), List.of());
        Report endedOtherwise = RefreshReports.report(event(RefreshKind.FAILED), RefreshOutcomes.verdict(RefreshKind.FAILED,
                Optional.of("RollbackSuccessful")), aws("RollbackSuccessful", null), Optional.of(OURS), Optional.empty(), List.of());
        Report stillRunning = RefreshReports.report(event(RefreshKind.FAILED), RefreshOutcomes.verdict(RefreshKind.FAILED,
                Optional.of("InProgress")), aws("InProgress", null), Optional.of(OURS), Optional.empty(), List.of());
        Report unknown = RefreshReports.report(event(RefreshKind.FAILED), RefreshOutcomes.verdict(RefreshKind.FAILED,
                Optional.empty()), Optional.empty(), Optional.of(OURS), Optional.empty(), List.of());

        assertThat(confirmed.notification().orElseThrow().subject())
                .isEqualTo("drift-deploy: refresh on shop-blue failed to roll back; the group needs attention");
        assertThat(endedOtherwise.notification().orElseThrow().summary()).contains("Instance refresh r-1 on shop-blue was rolled"
                + " back according to Auto Scaling, not what the event says (rolling out image ami-0000000000000000b).");
        assertThat(endedOtherwise.notification().orElseThrow().subject())
                .startsWith("drift-deploy: refresh on shop-blue does not match its event (EC2 Auto Scaling");
        assertThat(stillRunning.notification().orElseThrow().summary())
                .contains("Instance refresh r-1 on shop-blue is InProgress according to Auto Scaling, not what the event says");
        assertThat(unknown.notification().orElseThrow().summary())
                .contains("Instance refresh r-1 on shop-blue is not known to Auto Scaling; the event is refused");
        assertThat(unknown.notification().orElseThrow().subject())
                .isEqualTo("drift-deploy: refresh on shop-blue is unknown to Auto Scaling: event refused");
    }
}
