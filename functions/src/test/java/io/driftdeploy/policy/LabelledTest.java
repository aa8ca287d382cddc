package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Labels are derived from constant names, and are exactly the labels results, audit records,
 * notifications and metrics carried when they were written out by hand: operators filter on them.
 */
class LabelledTest {

    @Test
    void aLabelIsTheNameInLowerCaseWithHyphensForUnderscores() {
        assertThat(DriftReason.NO_LONGER_NON_COMPLIANT.label()).isEqualTo("no-longer-non-compliant");
        assertThat(Severity.HIGH.label()).isEqualTo("high");
    }

    static Stream<Arguments> labelsAsReleased() {
        return Stream.of(
                Arguments.of(DriftReason.values(), List.of("not-a-drift-rule", "compliant", "no-verdict", "duplicate-event",
                        "evaluation-from-the-future", "evaluation-too-old", "stale-evaluation", "no-evaluation-on-record",
                        "instance-gone", "instance-not-running", "already-terminating", "already-quarantined",
                        "no-longer-non-compliant", "standalone-instance", "group-not-opted-in", "invalid-action-tag",
                        "no-quarantine-group", "protect-tag", "scale-in-protection", "not-in-service",
                        "refresh-in-progress", "invalid-group-tag", "capacity-guard", "invalid-budget-tag", "budget-closed",
                        "invalid-replacement-tag", "cannot-surge",
                        "group-rate-limit", "account-rate-limit", "organization-rate-limit",
                        "replacement-would-not-cure", "replacement-did-not-cure", "dry-run", "dry-run-quarantine",
                        "drift-confirmed", "drift-quarantined")),
                Arguments.of(QuarantineReason.values(), List.of("quarantine-incomplete", "retention-ended",
                        "invalid-retention-tag")),
                Arguments.of(RolloutReason.values(), List.of("image-not-found", "image-not-available", "untrusted-owner",
                        "missing-app-tag", "app-mismatch", "not-golden-image", "image-marked-bad", "no-target-groups",
                        "older-than-running", "older-than-refreshing", "older-than-pending", "unsupported-strategy",
                        "manual-strategy", "no-launch-template", "mixed-instances-policy", "unpinned-launch-template",
                        "ssm-image-alias", "template-not-app-tagged", "invalid-group-tag", "invalid-budget-tag", "refresh-in-progress",
                        "budget-closed", "newer-image",
                        "already-started", "refresh-not-started", "duplicate-event")),
                Arguments.of(RefreshReason.values(), List.of("refresh-started", "refresh-checkpoint-reached",
                        "refresh-succeeded", "refresh-failed", "refresh-cancelled", "refresh-rollback-started",
                        "refresh-rollback-succeeded", "refresh-rollback-failed", "refresh-started-baking",
                        "refresh-status-mismatch", "refresh-not-found")),
                Arguments.of(AlarmReason.values(), List.of("alarm-state-change", "rollout-guard-alarm", "drift-alarm",
                        "duplicate-event")),
                Arguments.of(ClearedReason.values(), List.of("breaker-cleared", "bad-mark-cleared")),
                Arguments.of(RejectionReason.values(), List.of("invalid-event", "foreign-account")),
                Arguments.of(DriftRule.values(), List.of("drift-evaluation", "not-duplicate", "fresh-and-still-true",
                        "opted-in-group", "not-protected", "capacity-guard", "rate-guard", "mode", "replacement-cures")),
                Arguments.of(Decision.values(), List.of("terminate", "quarantine", "notify", "skip", "pause", "refresh", "pending", "mark-bad",
                        "refuse", "sweep", "clear", "rejected")),
                Arguments.of(Stream.of(DriftDecision.values()).map(DriftDecision::decision).toArray(Labelled[]::new),
                        List.of("terminate", "quarantine", "notify", "skip")),
                Arguments.of(Stream.of(GroupDecision.Outcome.values()).map(GroupDecision.Outcome::decision).toArray(Labelled[]::new),
                        List.of("refresh", "pending", "notify", "skip")),
                Arguments.of(RateScope.values(), List.of("group", "account", "organization")),
                Arguments.of(Severity.values(), List.of("low", "info", "warning", "high")),
                Arguments.of(RefreshOutcomes.Check.values(), List.of("confirmed", "mismatch", "not-found")));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("labelsAsReleased")
    void everyLabelIsTheOneReleased(Labelled[] constants, List<String> released) {
        assertThat(Arrays.stream(constants).map(Labelled::label)).containsExactlyElementsOf(released);
    }

    /**
     * The refreshes function reports a refresh's outcome and then the rollout of the image it
     * released: a reason read back from its JSON must be one or the other, never both.
     */
    @Test
    void theRefreshesFunctionsReasonsAreToldApartByLabel() {
        assertThat(Stream.concat(Arrays.stream(RefreshReason.values()), Arrays.stream(RolloutReason.values()))
                .map(Labelled::label)).doesNotHaveDuplicates();
    }
}
