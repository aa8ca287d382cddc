package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.Mode;
import io.driftdeploy.policy.QuarantinePolicy.Expiry;
import io.driftdeploy.policy.QuarantinePolicy.NetworkInterface;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuarantinePolicyTest {

    private static final String ACTION = "drift-deploy:action";
    private static final String KEEP = "drift-deploy:keep";
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final Map<String, String> GROUPS = Map.of("vpc-a", "sg-qa", "vpc-b", "sg-qb");

    @Test
    void noActionTagMeansTerminate() {
        assertThat(RemediationAction.of(Map.of(), ACTION)).isEqualTo(new RemediationAction.Chosen(RemediationAction.Kind.TERMINATE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"quarantine", " Quarantine ", "QUARANTINE"})
    void quarantineIsReadWhateverItsCaseAndSpaces(String value) {
        RemediationAction action = RemediationAction.of(Map.of(ACTION, value), ACTION);

        assertThat(action.is(RemediationAction.Kind.QUARANTINE)).isTrue();
        assertThat(QuarantinePolicy.validActionTag(action)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "quarantined", "delete", "terminate,quarantine"})
    void anyOtherValueFailsClosedAndNamesTheTag(String value) {
        RemediationAction action = RemediationAction.of(Map.of(ACTION, value), ACTION);

        assertThat(QuarantinePolicy.validActionTag(action)).contains(DriftReason.INVALID_ACTION_TAG);
        assertThat(action.is(RemediationAction.Kind.TERMINATE)).isFalse();
        assertThat(action.is(RemediationAction.Kind.QUARANTINE)).isFalse();
        assertThat(action.facts()).containsEntry("actionTag", ACTION).containsEntry("actionTagValue", value);
    }

    @Test
    void everyInterfaceMustBeInAVpcWithAQuarantineGroup() {
        NetworkInterface a = new NetworkInterface("eni-1", "vpc-a", List.of("sg-app"));
        NetworkInterface c = new NetworkInterface("eni-2", "vpc-c", List.of("sg-app"));

        assertThat(QuarantinePolicy.quarantineReady(List.of(a), GROUPS)).isEmpty();
        assertThat(QuarantinePolicy.quarantineReady(List.of(a, c), GROUPS)).contains(DriftReason.NO_QUARANTINE_GROUP);
        assertThat(QuarantinePolicy.quarantineReady(List.of(), GROUPS)).as("nothing to isolate is no isolation")
                .contains(DriftReason.NO_QUARANTINE_GROUP);
        assertThat(QuarantinePolicy.vpcsWithoutGroup(List.of(a, c, c), GROUPS)).containsExactly("vpc-c");
    }

    @Test
    void anInterfaceIsIsolatedOnlyWithItsVpcsQuarantineGroupAlone() {
        assertThat(QuarantinePolicy.isolated(new NetworkInterface("eni-1", "vpc-a", List.of("sg-qa")), GROUPS)).isTrue();
        assertThat(QuarantinePolicy.isolated(new NetworkInterface("eni-1", "vpc-a", List.of("sg-qa", "sg-app")), GROUPS)).isFalse();
        assertThat(QuarantinePolicy.isolated(new NetworkInterface("eni-1", "vpc-a", List.of("sg-qb")), GROUPS)).isFalse();
    }

    @Test
    void whatAllRulesHoldingMeansDependsOnModeAndAction() {
        RemediationAction quarantine = new RemediationAction.Chosen(RemediationAction.Kind.QUARANTINE);
        RemediationAction terminate = new RemediationAction.Chosen(RemediationAction.Kind.TERMINATE);

        assertThat(QuarantinePolicy.allRulesHold(Mode.ENFORCE, quarantine)).isEqualTo(DriftReason.DRIFT_QUARANTINED);
        assertThat(QuarantinePolicy.allRulesHold(Mode.DRY_RUN, quarantine)).isEqualTo(DriftReason.DRY_RUN_QUARANTINE);
        assertThat(QuarantinePolicy.allRulesHold(Mode.ENFORCE, terminate)).isEqualTo(DriftReason.DRIFT_CONFIRMED);
        assertThat(QuarantinePolicy.allRulesHold(Mode.DRY_RUN, terminate)).isEqualTo(DriftReason.DRY_RUN);
    }

    @Test
    void theMarkerNamesTheDecisionThatBeganIt() {
        Map<String, String> tags = QuarantinePolicy.markerTags("event-1", "web", NOW);

        assertThat(QuarantinePolicy.startedBy(tags, "event-1")).isTrue();
        assertThat(QuarantinePolicy.startedBy(tags, "event-2")).isFalse();
        assertThat(QuarantinePolicy.startedBy(Map.of(), "event-1")).isFalse();
        assertThat(QuarantinePolicy.until(tags)).contains(NOW);
    }

    @Test
    void theRetentionEndsAtItsInstantUnlessSomeoneKeepsIt() {
        Map<String, String> tags = QuarantinePolicy.markerTags("event-1", "web", NOW);

        assertThat(QuarantinePolicy.expiry(tags, KEEP, NOW.minusSeconds(1))).isEqualTo(new Expiry.Waiting(NOW));
        assertThat(QuarantinePolicy.expiry(tags, KEEP, NOW)).isEqualTo(new Expiry.Ended(NOW));
        Map<String, String> kept = new java.util.HashMap<>(tags);
        kept.put(KEEP, "forensics INC-42");
        assertThat(QuarantinePolicy.expiry(kept, KEEP, NOW.plusSeconds(86_400))).isEqualTo(new Expiry.Kept(KEEP, "forensics INC-42"));
    }

    @Test
    void anUnreadableRetentionIsNeverGuessedAt() {
        assertThat(QuarantinePolicy.expiry(Map.of(QuarantinePolicy.UNTIL_TAG, "next week"), KEEP, NOW))
                .isEqualTo(new Expiry.Unreadable("next week"));
        assertThat(QuarantinePolicy.expiry(Map.of(QuarantinePolicy.MARKER_TAG, "event-1"), KEEP, NOW))
                .isEqualTo(new Expiry.Unreadable(""));
        assertThat(QuarantinePolicy.until(Map.of(QuarantinePolicy.UNTIL_TAG, "2026-13-01T00:00:00Z"))).isEqualTo(Optional.empty());
    }
}
