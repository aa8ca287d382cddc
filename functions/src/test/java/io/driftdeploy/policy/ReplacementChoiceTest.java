package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.ReplacementStrategy;
import io.driftdeploy.policy.GroupFacts.MaintenancePolicy;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which replacement a group chose, and whether it can make it: a surge only within its maximum size. */
class ReplacementChoiceTest {

    private static final String TAG = "drift-deploy:replacement";

    private static GroupFacts group(Map<String, String> tags, int desired, int maxSize, Optional<MaintenancePolicy> policy,
                                    int listed, int marked) {
        Set<String> members = IntStream.rangeClosed(1, listed).mapToObj(i -> "i-" + i).collect(Collectors.toSet());
        Set<String> unhealthy = IntStream.rangeClosed(1, marked).mapToObj(i -> "i-" + i).collect(Collectors.toSet());
        return new GroupFacts("web", tags, desired, listed - marked, GroupFacts.IN_SERVICE, false, Optional.empty(), members,
                maxSize, policy, unhealthy);
    }

    private static Optional<MaintenancePolicy> launchBeforeTerminate() {
        return Optional.of(new MaintenancePolicy(100, 110));
    }

    @Test
    void withoutTheTagTheSettingDecides() {
        GroupFacts untagged = group(Map.of(), 2, 4, launchBeforeTerminate(), 2, 0);

        assertThat(ReplacementChoice.of(untagged, TAG, ReplacementStrategy.TERMINATE))
                .isEqualTo(new ReplacementChoice.Terminate("DRIFT_DEPLOY_DEFAULT_REPLACEMENT"));
        assertThat(ReplacementChoice.of(untagged, TAG, ReplacementStrategy.SURGE))
                .isEqualTo(new ReplacementChoice.Surge("DRIFT_DEPLOY_DEFAULT_REPLACEMENT", 4, 2, 0, new MaintenancePolicy(100, 110)));
    }

    @ParameterizedTest
    @CsvSource({"terminate,terminate", "Surge,surge", "' SURGE ',surge", "TERMINATE,terminate"})
    void theTagOverridesTheSettingInAnyCase(String value, String chosen) {
        ReplacementChoice choice = ReplacementChoice.of(group(Map.of(TAG, value), 2, 4, launchBeforeTerminate(), 2, 0), TAG,
                chosen.equals("surge") ? ReplacementStrategy.TERMINATE : ReplacementStrategy.SURGE);

        assertThat(choice.facts()).containsEntry("replacement", chosen).containsEntry("replacementFrom", "group tag " + TAG);
    }

    @ParameterizedTest
    @CsvSource({"''", "blue-green", "'surge,terminate'", "terminate-later"})
    void aTagThatNamesNoStrategyIsInvalidWhateverTheSetting(String value) {
        assertThat(ReplacementChoice.of(group(Map.of(TAG, value), 2, 4, launchBeforeTerminate(), 2, 0), TAG,
                ReplacementStrategy.SURGE)).isEqualTo(new ReplacementChoice.InvalidTag(TAG, value));
    }

    @ParameterizedTest
    @CsvSource({"100,100", "90,110", "99,199", "0,200"})
    void aSurgeNeedsAMinimumOf100AndAMaximumAboveIt(int min, int max) {
        ReplacementChoice choice = ReplacementChoice.of(
                group(Map.of(TAG, "surge"), 2, 4, Optional.of(new MaintenancePolicy(min, max)), 2, 0), TAG,
                ReplacementStrategy.TERMINATE);

        assertThat(choice).isInstanceOf(ReplacementChoice.CannotSurge.class);
        assertThat(choice.facts().get("cannotSurge").toString()).contains("(" + min + "-" + max + "%)");
    }

    @Test
    void aGroupWhoseDesiredCapacityIsItsMaximumCannotSurge() {
        ReplacementChoice choice = ReplacementChoice.of(group(Map.of(TAG, "surge"), 3, 3, launchBeforeTerminate(), 3, 0), TAG,
                ReplacementStrategy.TERMINATE);

        assertThat(choice).isInstanceOf(ReplacementChoice.CannotSurge.class);
        assertThat(choice.facts().get("fix").toString()).contains("MaxSize");
    }

    @ParameterizedTest(name = "max {0}, {1} listed, {2} marked Unhealthy: room {3}")
    @CsvSource({
            "4,2,0,2",
            "3,2,0,1",
            // The first surge's instance marked, its replacement not listed yet: no room for a second.
            "3,2,1,0",
            // Its replacement listed, the marked instance not gone: counted twice, still no room.
            "3,3,1,-1",
            // The marked instance gone: room again.
            "3,2,0,1"})
    void theRoomCountsEveryListedInstanceAndAReplacementForEachMarkedOne(int maxSize, int listed, int marked, int room) {
        ReplacementChoice choice = ReplacementChoice.of(group(Map.of(TAG, "surge"), 2, maxSize, launchBeforeTerminate(),
                listed, marked), TAG, ReplacementStrategy.TERMINATE);

        assertThat(choice).isInstanceOfSatisfying(ReplacementChoice.Surge.class, surge -> assertThat(surge.room()).isEqualTo(room));
        assertThat(choice.facts()).containsEntry("surgeRoom", Math.max(room, 0));
    }

    @Test
    void theCapacityAllowanceOfASurgeIsItsRoomAndOfATerminationTheFloors() {
        GroupFacts surging = group(Map.of(TAG, "surge"), 2, 5, launchBeforeTerminate(), 2, 0);
        GroupFacts terminating = group(Map.of(), 2, 5, launchBeforeTerminate(), 2, 0);
        MinHealthy full = new MinHealthy.Percent(100, null);

        assertThat(DriftPolicy.capacityAllowance(surging, full, ReplacementChoice.of(surging, TAG, ReplacementStrategy.TERMINATE)))
                .isEqualTo(3);
        assertThat(DriftPolicy.capacityAllowance(terminating, full,
                ReplacementChoice.of(terminating, TAG, ReplacementStrategy.TERMINATE))).isZero();
    }

    @Test
    void aGroupThatQuarantinesDoesNotSurgeItFailsClosed() {
        GroupFacts group = group(Map.of(TAG, "surge"), 2, 4, launchBeforeTerminate(), 2, 0);
        ReplacementChoice surge = ReplacementChoice.of(group, TAG, ReplacementStrategy.TERMINATE);
        RemediationAction quarantine = new RemediationAction.Chosen(RemediationAction.Kind.QUARANTINE);
        RemediationAction terminate = new RemediationAction.Chosen(RemediationAction.Kind.TERMINATE);

        ReplacementChoice combined = ReplacementChoice.forAction(surge, quarantine, "drift-deploy:action");

        assertThat(combined).isInstanceOf(ReplacementChoice.CannotSurge.class);
        assertThat(DriftPolicy.replacementPossible(combined)).contains(DriftReason.CANNOT_SURGE);
        assertThat(combined.facts()).containsEntry("replacementFrom", "group tag " + TAG)
                .hasEntrySatisfying("cannotSurge", why -> assertThat((String) why).contains("drift-deploy:action=quarantine"));
        assertThat(ReplacementChoice.forAction(surge, terminate, "drift-deploy:action")).isSameAs(surge);
        ReplacementChoice byTermination = ReplacementChoice.of(group(Map.of(), 2, 4, launchBeforeTerminate(), 2, 0), TAG,
                ReplacementStrategy.TERMINATE);
        assertThat(ReplacementChoice.forAction(byTermination, quarantine, "drift-deploy:action")).isSameAs(byTermination);
    }
}
