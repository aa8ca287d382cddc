package io.driftdeploy.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.Mode;
import io.driftdeploy.policy.BudgetVerdict;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DescribedImage;
import io.driftdeploy.policy.GroupDecision;
import io.driftdeploy.policy.GroupState.LaunchSource;
import io.driftdeploy.policy.GroupState.TemplateVersion;
import io.driftdeploy.policy.GroupState;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.ImageVerdict;
import io.driftdeploy.policy.RolloutReason;
import io.driftdeploy.policy.RolloutTrigger;
import io.driftdeploy.policy.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RolloutReportsTest {

    private static final RolloutTrigger TRIGGER = new RolloutTrigger("images", "ev-1", "123456789012", "us-east-1", "aws.ec2");
    private static final ImageVerdict.Approved IMAGE = new ImageVerdict.Approved(new DescribedImage("ami-0000000000000000b",
            "available", "123456789012", Instant.parse("2025-06-12T07:40:00Z"), Map.of("drift-deploy:app", "shop")), "shop");
    private static final GroupState GROUP = new GroupState("shop-blue", Map.of(), LaunchSource.LAUNCH_TEMPLATE,
            Optional.of(new TemplateVersion("lt-0123", "3", Optional.of("ami-0000000000000000a"), Map.of("drift-deploy:app", "shop"))),
            Optional.of(new ImageRef("ami-0000000000000000a", Instant.parse("2025-05-01T00:00:00Z"))),
            Optional.empty(), Optional.empty(), new GroupState.Capacity(4, 4));

    @Test
    void aStartedRefreshReportsWhatWasDoneAndTheIdsItMade() {
        GroupDecision decision = new GroupDecision(IMAGE, GROUP, GroupDecision.Outcome.REFRESH, RolloutReason.NEWER_IMAGE,
                Mode.ENFORCE, "newer", new BudgetVerdict.Unbudgeted());

        Report report = RolloutReports.group(TRIGGER, decision, List.of("ec2:CreateLaunchTemplateVersion lt-0123 4"),
                Map.of("newLaunchTemplateVersion", 4L));

        assertThat(report.subject()).isEqualTo("shop-blue");
        assertThat(report.decision()).isEqualTo(Decision.REFRESH);
        assertThat(report.reason()).isEqualTo(RolloutReason.NEWER_IMAGE);
        assertThat(report.facts()).containsEntry("image", "ami-0000000000000000b").containsEntry("runningImage", "ami-0000000000000000a")
                .containsEntry("newLaunchTemplateVersion", 4L);
        Notification notification = report.notification().orElseThrow();
        assertThat(notification.group()).contains("shop-blue");
        assertThat(notification.app()).contains("shop");
        assertThat(Announced.facts(report)).containsEntry("decision", "refresh").containsEntry("mode", "enforce");
        assertThat(notification.summary()).startsWith("rolling out ami-0000000000000000b to shop-blue");
    }

    @Test
    void aDryRunSaysSoAndWhatWouldHappen() {
        GroupDecision decision = new GroupDecision(IMAGE, GROUP, GroupDecision.Outcome.REFRESH, RolloutReason.NEWER_IMAGE,
                Mode.DRY_RUN, "newer", new BudgetVerdict.Unbudgeted());

        Report report = RolloutReports.group(TRIGGER, decision, List.of(), Map.of());

        assertThat(report.mode()).contains(Mode.DRY_RUN);
        assertThat(report.actions()).isEmpty();
        Notification notification = report.notification().orElseThrow();
        assertThat(notification.summary()).startsWith("Dry run, nothing changed: would roll out");
        assertThat(notification.subject()).endsWith("(dry run)");
    }

    @Test
    void aRejectedImageIsNotifiedWithItsReasonAndSeverity() {
        Report report = RolloutReports.imageRejected(TRIGGER, "ami-0000000000000000b", Optional.empty(),
                new ImageVerdict.Rejected(RolloutReason.UNTRUSTED_OWNER, "owned by 999999999999"), Mode.ENFORCE);

        assertThat(report.decision()).isEqualTo(Decision.SKIP);
        assertThat(report.reason()).isEqualTo(RolloutReason.UNTRUSTED_OWNER);
        Notification notification = report.notification().orElseThrow();
        assertThat(notification.severity()).isEqualTo(Severity.HIGH);
        assertThat(notification.subject()).contains("untrusted-owner").hasSizeLessThanOrEqualTo(Notification.MAX_SUBJECT_LENGTH);
    }
}
