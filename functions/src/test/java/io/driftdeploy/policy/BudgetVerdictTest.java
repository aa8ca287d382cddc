package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.policy.DisruptionBudget.Cause;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** A group's budgets together: which decides, default-deny outside windows, defaults, malformed tags. */
class BudgetVerdictTest {

    private static final String TAG = "drift-deploy:budget";
    private static final String DEFAULTS = "setting DRIFT_DEPLOY_DEFAULT_BUDGETS";
    /** Wednesday 2 December 2026, 10:15 UTC. */
    private static final Instant NOW = Instant.parse("2026-12-02T10:15:00Z");
    private static final String NIGHTS = "5 at 0 22 @ @ @ for 8h";
    private static final String MORNINGS = "2 at 0 9 @ @ 1-5 for 2h";

    private static Map<String, String> tags(String... keysAndValues) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            tags.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return tags;
    }

    private static BudgetVerdict verdict(Map<String, String> tags, List<String> defaults, int desired, int healthy, Instant now) {
        return BudgetVerdict.of(tags, TAG, defaults, DEFAULTS, Cause.DRIFT, desired, healthy, now);
    }

    private static BudgetVerdict verdict(Map<String, String> tags, Instant now) {
        return verdict(tags, List.of(), 10, 10, now);
    }

    /** The allowance: how many more instances may go now (Integer.MAX_VALUE: no budget covers drift). */
    static Stream<Arguments> allowances() {
        return Stream.of(
                Arguments.of("no budget: unbounded, as before budgets", tags(), List.of(), 10, 10, NOW, Integer.MAX_VALUE),
                Arguments.of("other tags are no budgets", tags("drift-deploy:budgets", "0", "team:budget", "0"), List.of(), 10, 10, NOW,
                        Integer.MAX_VALUE),
                Arguments.of("a count", tags(TAG, "3"), List.of(), 10, 10, NOW, 3),
                Arguments.of("a percentage rounds up", tags(TAG, "10pct"), List.of(), 2, 2, NOW, 1),
                Arguments.of("instances out of service use the budget", tags(TAG, "3"), List.of(), 10, 8, NOW, 1),
                Arguments.of("a budget used up allows none", tags(TAG, "1"), List.of(), 10, 9, NOW, 0),
                Arguments.of("more out than the budget: none, never negative", tags(TAG, "1"), List.of(), 10, 5, NOW, 0),
                Arguments.of("a zero budget", tags(TAG, "0"), List.of(), 10, 10, NOW, 0),
                Arguments.of("the most restrictive of several", tags(TAG, "50pct", TAG + "/small", "2", TAG + "/x", "30pct"),
                        List.of(), 10, 10, NOW, 2),
                Arguments.of("a scheduled zero in its window beats an unscheduled budget",
                        tags(TAG, "4", TAG + "/freeze", "0 at 0 10 @ @ @ for 1h"), List.of(), 10, 10, NOW, 0),
                Arguments.of("a scheduled zero outside its window does not",
                        tags(TAG, "4", TAG + "/freeze", "0 at 0 12 @ @ @ for 1h"), List.of(), 10, 10, NOW, 4),
                Arguments.of("overlapping windows: the smaller active one",
                        tags(TAG, NIGHTS, TAG + "/mornings", MORNINGS, TAG + "/day", "4 at 0 8 @ @ @ for 10h"),
                        List.of(), 10, 10, NOW, 2),
                Arguments.of("only scheduled budgets, outside every window: default-deny", tags(TAG, NIGHTS, TAG + "/m", MORNINGS),
                        List.of(), 10, 10, Instant.parse("2026-12-02T12:00:00Z"), 0),
                Arguments.of("only scheduled budgets, in one window", tags(TAG, NIGHTS, TAG + "/m", MORNINGS),
                        List.of(), 10, 10, Instant.parse("2026-12-02T23:00:00Z"), 5),
                Arguments.of("window start: open", tags(TAG, NIGHTS), List.of(), 10, 10, Instant.parse("2026-12-02T22:00:00Z"), 5),
                Arguments.of("window end: closed", tags(TAG, NIGHTS), List.of(), 10, 10, Instant.parse("2026-12-03T06:00:00Z"), 0),
                Arguments.of("a budget for rollouts only does not bound drift", tags(TAG, "0 reasons rollout"), List.of(), 10, 10, NOW,
                        Integer.MAX_VALUE),
                Arguments.of("a budget for drift does", tags(TAG, "0 reasons drift"), List.of(), 10, 10, NOW, 0),
                Arguments.of("a scheduled rollout budget leaves drift unbudgeted, not default-denied",
                        tags(TAG, "1 at 0 22 @ @ @ for 1h reasons rollout"), List.of(), 10, 10, NOW, Integer.MAX_VALUE),
                Arguments.of("defaults apply to a group without budget tags", tags(), List.of("1", "50pct"), 10, 10, NOW, 1),
                Arguments.of("a group's own budget tags replace the defaults", tags(TAG, "3"), List.of("1"), 10, 10, NOW, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowances")
    void theMostRestrictiveActiveBudgetDecides(String name, Map<String, String> tags, List<String> defaults, int desired,
                                               int healthy, Instant now, int allowance) {
        assertThat(verdict(tags, defaults, desired, healthy, now).allowance()).isEqualTo(allowance);
    }

    @Test
    void theDecidingBudgetIsNamedWithWhatItAllowsAndWhatIsOut() {
        BudgetVerdict verdict = verdict(tags(TAG, "50pct", TAG + "/small", "2"), List.of(), 10, 9, NOW);

        assertThat(verdict).isEqualTo(new BudgetVerdict.Active(DisruptionBudget.parse(TAG + "/small", "2"), 2, 1));
        assertThat(verdict.facts()).containsEntry("budget", TAG + "/small='2'").containsEntry("budgetAllows", 2)
                .containsEntry("budgetOutOfService", 1);
        assertThat((String) verdict.facts().get("budgetDetail")).contains(TAG + "/small='2' allows 2");
    }

    @Test
    void outsideEveryWindowTheNextOpeningIsTheEarliestOfAnyWindow() {
        BudgetVerdict verdict = verdict(tags(TAG, NIGHTS, TAG + "/m", MORNINGS), Instant.parse("2026-12-04T12:00:00Z"));

        // Friday noon: the nights open at 22:00 before the next weekday morning.
        assertThat(verdict).isInstanceOfSatisfying(BudgetVerdict.OutsideWindows.class, outside ->
                assertThat(outside.nextOpening()).contains(Instant.parse("2026-12-04T22:00:00Z")));
        assertThat(verdict.facts()).containsEntry("budgetNextWindowOpens", "2026-12-04T22:00:00Z");
        assertThat((String) verdict.facts().get("budgetDetail")).contains("default-deny").contains("2026-12-04T22:00:00Z");
    }

    @Test
    void aMalformedTagFailsClosedNamingTheTagItsValueAndTheProblem() {
        BudgetVerdict verdict = verdict(tags(TAG, "3", TAG + "/night", "10% at 0 22 * * * for 8h"), NOW);

        assertThat(verdict.allowance()).isZero();
        assertThat(verdict).isInstanceOfSatisfying(BudgetVerdict.Invalid.class, invalid -> {
            assertThat(invalid.source()).isEqualTo(TAG + "/night");
            assertThat(invalid.value()).isEqualTo("10% at 0 22 * * * for 8h");
            assertThat(invalid.problem()).contains("write @ for *");
        });
        assertThat(verdict.facts()).containsEntry("budgetTag", TAG + "/night")
                .containsEntry("budgetTagValue", "10% at 0 22 * * * for 8h");
        assertThat((String) verdict.facts().get("budgetDetail")).startsWith(TAG + "/night='10% at 0 22 * * * for 8h' is not a"
                + " disruption budget").contains("fix or remove it");
    }

    @Test
    void aMalformedTagFailsClosedEvenWhenAnotherBudgetWouldAllowMore() {
        assertThat(verdict(tags(TAG, "100pct", TAG + "/b", "oops"), NOW).allowance()).isZero();
        assertThat(verdict(tags(TAG, "oops reasons rollout"), NOW)).isInstanceOf(BudgetVerdict.Invalid.class);
    }

    @Test
    void aMalformedDefaultFailsClosedNamingTheSetting() {
        BudgetVerdict verdict = verdict(tags(), List.of("1", "lots"), 10, 10, NOW);

        assertThat(verdict).isEqualTo(new BudgetVerdict.Invalid(DEFAULTS + "[1]", "lots",
                "'lots' is not a count (e.g. 1) or a percentage (e.g. 10pct)"));
    }

    /** The README's example tag set, on a group of 10. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "2026-12-02T12:00:00Z, 0",   // Wednesday noon: no window open, default-deny
            "2026-12-02T23:00:00Z, 2",   // Wednesday night: 20pct of 10
            "2026-12-05T12:00:00Z, 1",   // Saturday: the weekend's one at a time
            "2026-12-20T12:00:00Z, 0",   // a Sunday in the freeze: the zero wins
    })
    void theReadmesExampleMeansWhatTheReadmeSays(Instant now, int allowance) {
        Map<String, String> readme = tags(TAG, "20pct at 0 22 @ @ 1-5 for 8h", TAG + "/weekend", "1 at 0 6 @ @ 6 for 48h",
                TAG + "/freeze", "0 at 0 0 15 12 @ for 21d reasons drift");

        assertThat(verdict(readme, now).allowance()).isEqualTo(allowance);
    }
}
