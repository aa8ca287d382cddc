package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.policy.ChurnBreaker.Breaker;
import io.driftdeploy.policy.ChurnBreaker.Termination;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rule 9, the churn breaker: which instance is drift-deploy's own replacement, and when a breaker counts as cleared. */
class ChurnBreakerTest {

    private static final Instant TERMINATED = Instant.parse("2026-03-01T10:00:00.700Z");
    private static final Duration WINDOW = Duration.ofMinutes(60);
    private static final Termination TERMINATION = new Termination("i-0000000000000000a", TERMINATED,
            Set.of("i-0000000000000000a", "i-0000000000000000b"));

    static InstanceFacts launched(String instanceId, Optional<Instant> launchTime) {
        return new InstanceFacts(instanceId, InstanceState.RUNNING, Map.of(), Optional.empty(), launchTime, Optional.empty());
    }

    static Stream<Arguments> instances() {
        Instant now = TERMINATED.plusSeconds(120);
        Optional<Instant> never = Optional.empty();
        return Stream.of(
                Arguments.of("launched after the termination", launched("i-0000000000000000c", Optional.of(TERMINATED.plusSeconds(5))),
                        never, now, true),
                Arguments.of("launched in the termination's second (EC2 reports seconds)",
                        launched("i-0000000000000000c", Optional.of(Instant.parse("2026-03-01T10:00:00Z"))), never, now, true),
                Arguments.of("launched the second before", launched("i-0000000000000000c", Optional.of(Instant.parse("2026-03-01T09:59:59Z"))),
                        never, now, false),
                Arguments.of("a member of the group when it was terminated", launched("i-0000000000000000b", Optional.of(TERMINATED)),
                        never, now, false),
                Arguments.of("launch time unknown", launched("i-0000000000000000c", Optional.empty()), never, now, false),
                Arguments.of("the termination is older than the rate window",
                        launched("i-0000000000000000c", Optional.of(TERMINATED.plusSeconds(5))), never, TERMINATED.plus(WINDOW), false),
                Arguments.of("the termination was before the clear tag's time",
                        launched("i-0000000000000000c", Optional.of(TERMINATED.plusSeconds(5))), Optional.of(TERMINATED.plusSeconds(1)), now, false),
                Arguments.of("the clear tag's time was before the termination",
                        launched("i-0000000000000000c", Optional.of(TERMINATED.plusSeconds(5))), Optional.of(TERMINATED.minusSeconds(1)), now, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("instances")
    void aReplacementIsAnInstanceTheGroupLaunchedAfterDriftDeploysTermination(String description, InstanceFacts instance,
                                                                             Optional<Instant> clearedAt, Instant now, boolean replacement) {
        assertThat(ChurnBreaker.replacing(instance, List.of(TERMINATION), clearedAt, Optional.empty(), now, WINDOW))
                .isEqualTo(replacement ? Optional.of(TERMINATION) : Optional.empty());
    }

    @Test
    void anInstanceRefreshStartedSinceTheTerminationLaunchesItsOwnInstancesNotReplacements() {
        InstanceFacts launched = launched("i-0000000000000000c", Optional.of(TERMINATED.plusSeconds(60)));
        Instant now = TERMINATED.plusSeconds(120);
        assertThat(ChurnBreaker.replacing(launched, List.of(TERMINATION), Optional.empty(), Optional.of(TERMINATED.plusSeconds(30)),
                now, WINDOW)).isEmpty();
        assertThat(ChurnBreaker.replacing(launched, List.of(TERMINATION), Optional.empty(), Optional.of(TERMINATED.minusSeconds(30)),
                now, WINDOW)).contains(TERMINATION);
    }

    static Stream<Arguments> breakers() {
        Breaker breaker = new Breaker(Instant.parse("2026-03-01T10:05:00Z"), "i-0000000000000000c");
        return Stream.of(
                Arguments.of("no breaker", Optional.empty(), Map.of(), false),
                Arguments.of("open, no clear tag", Optional.of(breaker), Map.of(), true),
                Arguments.of("cleared by the tag after it opened", Optional.of(breaker),
                        Map.of(ChurnBreaker.CLEARED_TAG, "2026-03-01T10:06:00Z"), false),
                Arguments.of("a clear tag older than the breaker", Optional.of(breaker),
                        Map.of(ChurnBreaker.CLEARED_TAG, "2026-03-01T10:04:59Z"), true),
                Arguments.of("a clear tag that is no time", Optional.of(breaker), Map.of(ChurnBreaker.CLEARED_TAG, "yes"), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakers")
    void aBreakerStaysOpenUntilAPersonClearsIt(String description, Optional<Breaker> breaker, Map<String, String> groupTags,
                                                boolean open) {
        assertThat(ChurnBreaker.open(breaker, ChurnBreaker.clearedAt(groupTags))).isEqualTo(open);
    }

    @Test
    void anOpenBreakerOrAReplacementStopsRemediation() {
        assertThat(ChurnBreaker.replacementDidNotCure(false, Optional.empty())).isEmpty();
        assertThat(ChurnBreaker.replacementDidNotCure(true, Optional.empty())).contains(DriftReason.REPLACEMENT_DID_NOT_CURE);
        assertThat(ChurnBreaker.replacementDidNotCure(false, Optional.of(TERMINATION))).contains(DriftReason.REPLACEMENT_DID_NOT_CURE);
    }
}
