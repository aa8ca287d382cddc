package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.event.InstanceRefreshEvent;
import io.driftdeploy.event.RefreshKind;
import io.driftdeploy.policy.Notification.Severity;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RefreshOutcomesTest {

    private static final StartedRefresh OURS = new StartedRefresh("r-1", "shop-blue", "ami-0000000000000000b", "shop",
            "lt-0123", 4);

    private static InstanceRefreshEvent event(RefreshKind kind) {
        return new InstanceRefreshEvent("ev-1", "123456789012", "us-east-1", Instant.parse("2025-06-12T08:00:00Z"), kind,
                "shop-blue", "r-1", OptionalInt.empty(), Optional.empty());
    }

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
        assertThat(Arrays.stream(RefreshKind.values()).map(RefreshOutcomes::reason))
                .contains("refresh-rollback-succeeded", "refresh-checkpoint-reached");
    }

    @Test
    void aFailedRefreshOfOursMarksItsImageBadAtHighSeverity() {
        Report report = RefreshOutcomes.report(event(RefreshKind.FAILED), Optional.of(OURS), Optional.empty(),
                List.of("ledger:mark-bad ami-0000000000000000b"));

        assertThat(report.decision()).isEqualTo("mark-bad");
        assertThat(report.reason()).isEqualTo("refresh-failed");
        assertThat(report.facts()).containsEntry("image", "ami-0000000000000000b").containsEntry("imageMarkedBad", true);
        Notification notification = report.notification().orElseThrow();
        assertThat(notification.severity()).isEqualTo(Severity.HIGH);
        assertThat(notification.summary()).contains("marked bad");
    }

    @Test
    void aFailedRefreshSomeoneElseStartedJudgesNoImage() {
        Report report = RefreshOutcomes.report(event(RefreshKind.FAILED), Optional.empty(), Optional.empty(), List.of());

        assertThat(report.decision()).isEqualTo("notify");
        assertThat(report.facts()).containsEntry("imageMarkedBad", false).doesNotContainKey("image");
        assertThat(report.notification().orElseThrow().summary()).contains("not started by drift-deploy");
    }

    @Test
    void thePendingImageIsNamedWithWhatHappensToIt() {
        ImageRef waiting = new ImageRef("ami-0000000000000000c", Instant.parse("2025-06-12T07:50:00Z"));

        assertThat(RefreshOutcomes.report(event(RefreshKind.SUCCEEDED), Optional.of(OURS), Optional.of(waiting), List.of())
                .notification().orElseThrow().summary()).contains("Pending image ami-0000000000000000c is started next");
        assertThat(RefreshOutcomes.report(event(RefreshKind.ROLLBACK_FAILED), Optional.of(OURS), Optional.of(waiting), List.of())
                .notification().orElseThrow().summary()).contains("keeps waiting");
    }
}
