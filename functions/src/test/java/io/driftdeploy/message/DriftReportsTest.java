package io.driftdeploy.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.Mode;
import io.driftdeploy.event.ComplianceChange;
import io.driftdeploy.event.ComplianceType;
import io.driftdeploy.policy.ChurnBreaker;
import io.driftdeploy.policy.ClearedReason;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DriftCase;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.RateScope;
import io.driftdeploy.policy.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DriftReportsTest {

    private static final Evaluation EVALUATION = new Evaluation("5f1c2a7e-3b9d-4c1e-8f20-6a7b8c9d0e11", "123456789012",
            "us-east-1", "ec2-managedinstance-inventory-blacklisted", ComplianceChange.EC2_INSTANCE, "i-0abc1234def567890",
            ComplianceType.NON_COMPLIANT, Instant.parse("2025-06-12T09:13:41.118Z"));
    private static final String LONG_GROUP = "a-group-whose-name-is-long-enough-to-push-any-subject-over-the-limit-of-sns-subjects";
    private static final DriftCase IN_GROUP = DriftCase.of(EVALUATION, Mode.DRY_RUN)
            .inGroup(LONG_GROUP, Optional.of("shop"), Mode.ENFORCE);

    @Test
    void aTerminationReportsEveryFactAndTheActionTaken() {
        Report report = DriftReports.decision(IN_GROUP, DriftReason.DRIFT_CONFIRMED,
                List.of("TerminateInstanceInAutoScalingGroup i-0abc1234def567890"), Map.of("activityId", "act-1"));

        assertThat(report.function()).isEqualTo("drift");
        assertThat(report.subject()).isEqualTo("i-0abc1234def567890");
        assertThat(report.decision()).isEqualTo(Decision.TERMINATE);
        assertThat(report.reason()).isEqualTo(DriftReason.DRIFT_CONFIRMED);
        assertThat(report.mode()).contains(Mode.ENFORCE);
        assertThat(report.facts()).containsEntry("instance", "i-0abc1234def567890").containsEntry("group", LONG_GROUP)
                .containsEntry("app", "shop").containsEntry("rule", EVALUATION.ruleName())
                .containsEntry("safetyRule", "8 mode").containsEntry("activityId", "act-1")
                .doesNotContainKey("enforceWouldDo");
        Notification notification = report.notification().orElseThrow();
        assertThat(notification.kind()).isEqualTo("drift");
        assertThat(Announced.action(report)).isEqualTo("terminate");
        assertThat(notification.severity()).isEqualTo(Severity.WARNING);
        assertThat(notification.group()).contains(LONG_GROUP);
        assertThat(notification.app()).contains("shop");
        assertThat(Announced.facts(report)).containsEntry("eventId", EVALUATION.eventId()).containsEntry("decision", "terminate")
                .containsEntry("reason", "drift-confirmed").containsEntry("mode", "enforce");
        assertThat(notification.summary()).contains("Terminated i-0abc1234def567890").contains(EVALUATION.ruleName());
    }

    @ParameterizedTest
    @EnumSource(DriftReason.class)
    void everySubjectFitsSnsAndNamesTheInstance(DriftReason reason) {
        Report report = DriftReports.decision(IN_GROUP, reason, List.of(), Map.of());
        report.notification().ifPresent(notification -> {
            assertThat(notification.subject()).hasSizeLessThanOrEqualTo(Notification.MAX_SUBJECT_LENGTH)
                    .contains("i-0abc1234def567890");
            assertThat(Announced.action(report)).isEqualTo(reason.decision().decision().label());
        });
        assertThat(report.reason()).isEqualTo(reason);
        assertThat(report.facts()).containsEntry("safetyRule", reason.rule().number() + " " + reason.rule().label());
    }

    @ParameterizedTest
    @EnumSource(value = DriftReason.class, names = {"EVALUATION_FROM_THE_FUTURE", "EVALUATION_TOO_OLD", "NO_EVALUATION_ON_RECORD"})
    void anEvaluationAwsConfigDoesNotBackIsReportedAsTheEventsClaim(DriftReason reason) {
        Report report = DriftReports.decision(IN_GROUP, reason, List.of(), Map.of());
        Notification notification = report.notification().orElseThrow();

        assertThat(Announced.action(report)).isEqualTo("notify");
        assertThat(notification.severity()).isEqualTo(Severity.WARNING);
        assertThat(notification.subject()).contains("untrusted drift event");
        assertThat(notification.summary()).contains("event " + EVALUATION.eventId() + " claims AWS Config rule "
                        + EVALUATION.ruleName() + " evaluated it NON_COMPLIANT at " + EVALUATION.orderingTimestamp())
                .contains("[rule 3, enforce]");
    }

    @Test
    void aDryRunSaysWhatEnforceWouldHaveDone() {
        DriftCase dryRun = DriftCase.of(EVALUATION, Mode.DRY_RUN).inGroup("web", Optional.empty(), Mode.DRY_RUN);

        Report wouldTerminate = DriftReports.decision(dryRun, DriftReason.DRY_RUN, List.of(), Map.of());
        assertThat(wouldTerminate.decision()).isEqualTo(Decision.NOTIFY);
        assertThat(wouldTerminate.actions()).isEmpty();
        assertThat(wouldTerminate.facts()).containsEntry("enforceWouldDo", "terminate");
        assertThat(wouldTerminate.notification().orElseThrow().subject()).contains("would terminate");
        assertThat(wouldTerminate.notification().orElseThrow().severity()).isEqualTo(Severity.INFO);

        Report wouldBeStopped = DriftReports.decision(dryRun, DriftReason.CAPACITY_GUARD, List.of(), Map.of());
        assertThat(wouldBeStopped.facts()).containsEntry("enforceWouldDo", "notify");
        assertThat(wouldBeStopped.mode()).contains(Mode.DRY_RUN);
    }

    @Test
    void aDuplicateIsReportedButNotNotified() {
        Report duplicate = DriftReports.decision(DriftCase.of(EVALUATION, Mode.ENFORCE), DriftReason.DUPLICATE_EVENT, List.of(), Map.of());
        assertThat(duplicate.decision()).isEqualTo(Decision.SKIP);
        assertThat(duplicate.notification()).isEmpty();
        assertThat(duplicate.facts()).doesNotContainKey("group");
    }

    @Test
    void unremediatedDriftWarnsAndSkipsAreLow() {
        assertThat(DriftReports.decision(IN_GROUP, DriftReason.PROTECT_TAG, List.of(), Map.of()).notification().orElseThrow().severity())
                .isEqualTo(Severity.WARNING);
        assertThat(DriftReports.decision(IN_GROUP, DriftReason.COMPLIANT, List.of(), Map.of()).notification().orElseThrow().severity())
                .isEqualTo(Severity.LOW);
    }

    @Test
    void aStormIsOneHighSeverityAlertForItsScope() {
        Report storm = DriftReports.storm(IN_GROUP, RateScope.GROUP, LONG_GROUP, 2,
                Instant.parse("2026-03-01T10:00:00Z"), Instant.parse("2026-03-01T11:00:00Z"));

        assertThat(storm.subject()).isEqualTo("group:" + LONG_GROUP);
        assertThat(storm.decision()).isEqualTo(Decision.PAUSE);
        assertThat(storm.reason()).isEqualTo(DriftReason.GROUP_RATE_LIMIT);
        assertThat(storm.facts()).containsEntry("limit", 2).containsEntry("windowEnd", "2026-03-01T11:00:00Z");
        Notification alert = storm.notification().orElseThrow();
        assertThat(alert.kind()).isEqualTo("storm");
        assertThat(alert.severity()).isEqualTo(Severity.HIGH);
        assertThat(alert.group()).contains(LONG_GROUP);
        assertThat(alert.subject()).hasSizeLessThanOrEqualTo(Notification.MAX_SUBJECT_LENGTH).startsWith("drift-deploy: drift storm");
        assertThat(alert.summary()).contains("paused until 2026-03-01T11:00:00Z");

        Report accountStorm = DriftReports.storm(IN_GROUP, RateScope.ACCOUNT, "123456789012", 10,
                Instant.parse("2026-03-01T10:00:00Z"), Instant.parse("2026-03-01T11:00:00Z"));
        assertThat(accountStorm.reason()).isEqualTo(DriftReason.ACCOUNT_RATE_LIMIT);
        assertThat(accountStorm.notification().orElseThrow().group()).isEmpty();
    }

    @Test
    void aReplacementThatWouldNotCureNamesWhatToFix() {
        Report report = DriftReports.decision(IN_GROUP, DriftReason.REPLACEMENT_WOULD_NOT_CURE, List.of(), Map.of(
                "launchTemplateId", "lt-0123456789abcdef0", "launchTemplateVersion", 3L,
                "fix", "set MetadataOptions.HttpTokens=required in launch template lt-0123456789abcdef0 version 3"));

        assertThat(report.decision()).isEqualTo(Decision.NOTIFY);
        assertThat(report.facts()).containsEntry("safetyRule", "9 replacement-cures").containsEntry("launchTemplateVersion", 3L);
        Notification notification = report.notification().orElseThrow();
        assertThat(notification.severity()).isEqualTo(Severity.WARNING);
        assertThat(notification.subject()).contains("i-0abc1234def567890").contains("would not cure");
        assertThat(notification.summary()).contains("To fix: set MetadataOptions.HttpTokens=required in launch template lt-0123456789abcdef0 version 3");
    }

    @Test
    void churnIsAHighSeverityAlertThatSaysHowToClearTheBreaker() {
        Report report = DriftReports.decision(IN_GROUP, DriftReason.REPLACEMENT_DID_NOT_CURE, List.of(), Map.of(
                "replaces", "i-0000000000000000a", "replacedAt", "2026-03-01T10:00:00Z",
                "clearWith", Hints.clearBreaker(LONG_GROUP, EVALUATION.ruleName())));

        Notification alert = report.notification().orElseThrow();
        assertThat(alert.severity()).isEqualTo(Severity.HIGH);
        assertThat(Announced.action(report)).isEqualTo("notify");
        assertThat(alert.summary()).contains("It replaced i-0000000000000000a")
                .contains("drift-deploy resume --group " + LONG_GROUP + " --rule " + EVALUATION.ruleName())
                .contains("drift-deploy:churn-cleared=");
    }

    @Test
    void clearingABreakerIsAuditedAndAnnounced() {
        ChurnBreaker.Breaker breaker = new ChurnBreaker.Breaker(Instant.parse("2026-03-01T10:05:00Z"), "i-0000000000000000c");
        Report cleared = DriftReports.breakerCleared("111122223333", "web", "drift-imdsv2", breaker,
                Instant.parse("2026-03-01T11:00:00Z"));

        assertThat(cleared.function()).isEqualTo("cli");
        assertThat(cleared.subject()).isEqualTo("web");
        assertThat(cleared.decision()).isEqualTo(Decision.CLEAR);
        assertThat(cleared.reason()).isEqualTo(ClearedReason.BREAKER_CLEARED);
        assertThat(cleared.facts()).containsEntry("rule", "drift-imdsv2").containsEntry("breakerOpenedAt", "2026-03-01T10:05:00Z")
                .containsEntry("account", "111122223333");
        Notification announced = cleared.notification().orElseThrow();
        assertThat(announced.severity()).isEqualTo(Severity.INFO);
        assertThat(announced.group()).contains("web");
        assertThat(announced.subject()).isEqualTo("drift-deploy: resumed web, churn breaker for drift-imdsv2 cleared");
        assertThat(announced.summary()).contains("opened at 2026-03-01T10:05:00Z by i-0000000000000000c")
                .contains("drift-deploy remediates the rule in the group again");
    }
}
