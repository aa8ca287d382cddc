package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.event.RefreshKind;
import io.driftdeploy.policy.RefreshOutcomes.Check;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RefreshOutcomesTest {

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of(RefreshKind.STARTED, Severity.INFO, false, false),
                Arguments.of(RefreshKind.CHECKPOINT_REACHED, Severity.INFO, false, false),
                Arguments.of(RefreshKind.STARTED_BAKING, Severity.INFO, false, false),
                Arguments.of(RefreshKind.SUCCEEDED, Severity.INFO, false, true),
                Arguments.of(RefreshKind.CANCELLED, Severity.WARNING, false, true),
                Arguments.of(RefreshKind.FAILED, Severity.HIGH, true, true),
                Arguments.of(RefreshKind.ROLLBACK_STARTED, Severity.HIGH, true, false),
                Arguments.of(RefreshKind.ROLLBACK_SUCCEEDED, Severity.HIGH, true, true),
                Arguments.of(RefreshKind.ROLLBACK_FAILED, Severity.HIGH, true, false));
    }

    @ParameterizedTest(name = "{0}: {1}, marks bad {2}, releases pending {3}")
    @MethodSource("kinds")
    void eachRefreshStatusHasItsMeaning(RefreshKind kind, Severity severity, boolean marksBad, boolean releasesPending) {
        RefreshOutcomes.Meaning meaning = RefreshOutcomes.meaning(kind);

        assertThat(meaning.severity()).isEqualTo(severity);
        assertThat(meaning.marksImageBad()).isEqualTo(marksBad);
        assertThat(meaning.releasesPending()).isEqualTo(releasesPending);
    }

    @Test
    void everyKindTheParserKnowsIsCovered() {
        assertThat(kinds().map(arguments -> arguments.get()[0])).containsExactlyInAnyOrder((Object[]) RefreshKind.values());
        assertThat(Arrays.stream(RefreshKind.values()).map(RefreshReason::of).map(RefreshReason::label))
                .contains("refresh-rollback-succeeded", "refresh-checkpoint-reached");
    }

    static Stream<Arguments> claimsAgainstAws() {
        String mismatch = "refresh-status-mismatch";
        return Stream.of(
                // claim, AWS status (null: no such refresh), check, acted on, reason, marks bad, releases pending
                Arguments.of(RefreshKind.FAILED, null, Check.NOT_FOUND, null, "refresh-not-found", false, false),
                Arguments.of(RefreshKind.SUCCEEDED, null, Check.NOT_FOUND, null, "refresh-not-found", false, false),
                Arguments.of(RefreshKind.STARTED, null, Check.NOT_FOUND, null, "refresh-not-found", false, false),
                Arguments.of(RefreshKind.FAILED, "Failed", Check.CONFIRMED, RefreshKind.FAILED, "refresh-failed", true, true),
                Arguments.of(RefreshKind.SUCCEEDED, "Successful", Check.CONFIRMED, RefreshKind.SUCCEEDED, "refresh-succeeded", false, true),
                Arguments.of(RefreshKind.CANCELLED, "Cancelled", Check.CONFIRMED, RefreshKind.CANCELLED, "refresh-cancelled", false, true),
                Arguments.of(RefreshKind.ROLLBACK_STARTED, "RollbackInProgress", Check.CONFIRMED, RefreshKind.ROLLBACK_STARTED,
                        "refresh-rollback-started", true, false),
                // The rollback the event announced has ended since: it did start.
                Arguments.of(RefreshKind.ROLLBACK_STARTED, "RollbackSuccessful", Check.CONFIRMED, RefreshKind.ROLLBACK_STARTED,
                        "refresh-rollback-started", true, false),
                Arguments.of(RefreshKind.ROLLBACK_SUCCEEDED, "RollbackSuccessful", Check.CONFIRMED, RefreshKind.ROLLBACK_SUCCEEDED,
                        "refresh-rollback-succeeded", true, true),
                Arguments.of(RefreshKind.ROLLBACK_FAILED, "RollbackFailed", Check.CONFIRMED, RefreshKind.ROLLBACK_FAILED,
                        "refresh-rollback-failed", true, false),
                // Claims that only tell: any status of a refresh AWS knows.
                Arguments.of(RefreshKind.STARTED, "Successful", Check.CONFIRMED, RefreshKind.STARTED, "refresh-started", false, false),
                Arguments.of(RefreshKind.CHECKPOINT_REACHED, "InProgress", Check.CONFIRMED, RefreshKind.CHECKPOINT_REACHED,
                        "refresh-checkpoint-reached", false, false),
                Arguments.of(RefreshKind.STARTED_BAKING, "Baking", Check.CONFIRMED, RefreshKind.STARTED_BAKING,
                        "refresh-started-baking", false, false),
                // Still running: nothing is marked or released, whatever the event says.
                Arguments.of(RefreshKind.FAILED, "InProgress", Check.MISMATCH, null, mismatch, false, false),
                Arguments.of(RefreshKind.FAILED, "Pending", Check.MISMATCH, null, mismatch, false, false),
                Arguments.of(RefreshKind.FAILED, "Baking", Check.MISMATCH, null, mismatch, false, false),
                Arguments.of(RefreshKind.FAILED, "Cancelling", Check.MISMATCH, null, mismatch, false, false),
                Arguments.of(RefreshKind.FAILED, "RollbackInProgress", Check.MISMATCH, null, mismatch, false, false),
                Arguments.of(RefreshKind.ROLLBACK_SUCCEEDED, "RollbackInProgress", Check.MISMATCH, null, mismatch, false, false),
                Arguments.of(RefreshKind.ROLLBACK_STARTED, "InProgress", Check.MISMATCH, null, mismatch, false, false),
                Arguments.of(RefreshKind.ROLLBACK_FAILED, "Pending", Check.MISMATCH, null, mismatch, false, false),
                Arguments.of(RefreshKind.SUCCEEDED, "InProgress", Check.MISMATCH, null, mismatch, false, false),
                Arguments.of(RefreshKind.CANCELLED, "Cancelling", Check.MISMATCH, null, mismatch, false, false),
                Arguments.of(RefreshKind.SUCCEEDED, "SomeStatusAwsAddsLater", Check.MISMATCH, null, mismatch, false, false),
                // Another end state: AWS's end state decides.
                Arguments.of(RefreshKind.FAILED, "Successful", Check.MISMATCH, RefreshKind.SUCCEEDED, mismatch, false, true),
                Arguments.of(RefreshKind.ROLLBACK_FAILED, "Cancelled", Check.MISMATCH, RefreshKind.CANCELLED, mismatch, false, true),
                Arguments.of(RefreshKind.FAILED, "RollbackSuccessful", Check.MISMATCH, RefreshKind.ROLLBACK_SUCCEEDED, mismatch, true, true),
                Arguments.of(RefreshKind.SUCCEEDED, "Failed", Check.MISMATCH, RefreshKind.FAILED, mismatch, true, true),
                Arguments.of(RefreshKind.ROLLBACK_SUCCEEDED, "RollbackFailed", Check.MISMATCH, RefreshKind.ROLLBACK_FAILED, mismatch, true, false));
    }

    @ParameterizedTest(name = "event {0}, Auto Scaling {1}: {2}, acts on {3}, {4}, marks bad {5}, releases pending {6}")
    @MethodSource("claimsAgainstAws")
    void whatIsDoneFollowsAutoScalingNotTheEvent(RefreshKind claimed, String awsStatus, Check check, RefreshKind acted,
                                                   String reason, boolean marksBad, boolean releasesPending) {
        RefreshOutcomes.Verdict verdict = RefreshOutcomes.verdict(claimed, Optional.ofNullable(awsStatus));

        assertThat(verdict.check()).isEqualTo(check);
        assertThat(verdict.acted()).isEqualTo(Optional.ofNullable(acted));
        assertThat(verdict.reason().label()).isEqualTo(reason);
        assertThat(verdict.marksImageBad()).isEqualTo(marksBad);
        assertThat(verdict.releasesPending()).isEqualTo(releasesPending);
    }

    @Test
    void everyAwsStatusIsMappedAndTheNewReasonsAreInTheReasonEnum() {
        assertThat(Stream.of("Pending", "InProgress", "Baking", "Cancelling").map(RefreshOutcomes::statusKind)).allMatch(Optional::isEmpty);
        assertThat(RefreshOutcomes.statusKind("RollbackInProgress")).contains(RefreshKind.ROLLBACK_STARTED);
        assertThat(Stream.of(RefreshReason.values()).map(RefreshReason::label))
                .contains("refresh-status-mismatch", "refresh-not-found");
        assertThat(ClearedReason.BAD_MARK_CLEARED.label()).isEqualTo("bad-mark-cleared");
        assertThat(RefreshOutcomes.verdict(RefreshKind.FAILED, Optional.of("InProgress")).severity()).isEqualTo(Severity.WARNING);
        assertThat(RefreshOutcomes.verdict(RefreshKind.FAILED, Optional.empty()).severity()).isEqualTo(Severity.WARNING);
    }
}
