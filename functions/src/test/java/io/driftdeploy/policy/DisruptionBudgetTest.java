package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.policy.DisruptionBudget.Cause;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One budget: its syntax, its arithmetic (percentages round up) and its window's edges. */
class DisruptionBudgetTest {

    private static final String TAG = "drift-deploy:budget";

    private static DisruptionBudget budget(String value) {
        return DisruptionBudget.parse(TAG, value);
    }

    @ParameterizedTest(name = "''{0}'' of {1} -> {2}")
    @CsvSource({
            "0,       10,  0",
            "1,       10,  1",
            "3,       2,   3",
            "10pct,   2,   1",
            "10pct,   10,  1",
            "10pct,   11,  2",
            "10pct,   0,   0",
            "50pct,   3,   2",
            "0pct,    100, 0",
            "100pct,  7,   7",
            "1pct,    1,   1",
            "33pct,   100, 33",
            "34pct,   100, 34",
            "100000,  5,   100000",
    })
    void aCountIsItselfAndAPercentageOfDesiredCapacityRoundsUp(String value, int desired, int allowed) {
        assertThat(budget(value).allowed(desired)).isEqualTo(allowed);
    }

    @Test
    void aFullBudgetKeepsEveryPart() {
        DisruptionBudget budget = budget("  20pct  at 0 22 @ @ 1-5 for 1h30m reasons drift ");

        assertThat(budget.percent()).isTrue();
        assertThat(budget.amount()).isEqualTo(20);
        assertThat(budget.window()).hasValueSatisfying(window -> {
            assertThat(window.schedule().text()).isEqualTo("0 22 @ @ 1-5");
            assertThat(window.duration()).isEqualTo(Duration.ofMinutes(90));
        });
        assertThat(budget.causes()).containsExactly(Cause.DRIFT);
        assertThat(budget.named()).isEqualTo(TAG + "='20pct  at 0 22 @ @ 1-5 for 1h30m reasons drift'");
    }

    @Test
    void aBudgetNamingNoReasonCoversEveryReason() {
        assertThat(budget("1").causes()).isEqualTo(Set.of(Cause.DRIFT, Cause.ROLLOUT));
        assertThat(budget("1 reasons rollout").covers(Cause.DRIFT)).isFalse();
        assertThat(budget("1 reasons drift+rollout").causes()).isEqualTo(Set.of(Cause.DRIFT, Cause.ROLLOUT));
    }

    /** A window of 8h from 22:00 each day: active from its start, up to but not at its end. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "2026-12-02T21:59:59Z, false",
            "2026-12-02T22:00:00Z, true",
            "2026-12-03T05:59:59Z, true",
            "2026-12-03T06:00:00Z, false",
            "2026-12-03T12:00:00Z, false",
    })
    void aWindowIsActiveFromItsFiringUntilJustBeforeItsDurationHasPassed(Instant now, boolean active) {
        assertThat(budget("1 at 0 22 @ @ @ for 8h").activeAt(now)).isEqualTo(active);
    }

    @Test
    void aWindowLongerThanTheGapBetweenFiringsIsAlwaysActiveAndAnUnscheduledBudgetAlwaysIs() {
        DisruptionBudget overlapping = budget("1 at 0 @/6 @ @ @ for 7h");
        for (int hour = 0; hour < 48; hour++) {
            assertThat(overlapping.activeAt(Instant.parse("2026-12-02T00:00:00Z").plus(Duration.ofMinutes(hour * 60L + 17))))
                    .isTrue();
        }
        assertThat(budget("1").activeAt(Instant.EPOCH)).isTrue();
    }

    @ParameterizedTest(name = "''{0}'': {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                   | it is empty",
            "'   '                                | it is empty",
            "'10%'                                | a character other than letters, digits, spaces and _ . : / = + - @",
            "'1 at 0 22 * * * for 8h'             | write @ for *",
            "'1 at 0 22 @ @ 1,5 for 8h'           | a list's comma",
            "'1;2'                                | a character other than",
            "'ten'                                | 'ten' is not a count (e.g. 1) or a percentage (e.g. 10pct)",
            "'-1'                                 | '-1' is not a count",
            "'10 pct'                             | unexpected 'pct'",
            "'101pct'                             | a percentage is at most 100pct, got 101pct",
            "'100001'                             | a count is at most 100000",
            "'1 at 0 22 @ @ @'                    | a schedule is 'at MIN HOUR",
            "'1 at 0 22 @ @ for 8h'               | a schedule is 'at MIN HOUR",
            "'1 at 0 22 @ @ @ during 8h'          | a schedule is 'at MIN HOUR",
            "'1 at 0 22 @ @ @ for 8 h'            | the duration '8' is not like 8h",
            "'1 at 0 22 @ @ @ for 0m'             | the duration '0m' is not from 1m to 366d",
            "'1 at 0 22 @ @ @ for 367d'           | the duration '367d' is not from 1m to 366d",
            "'1 at 0 25 @ @ @ for 8h'             | the hour field '25' goes outside 0-23",
            "'1 at 0 0 31 2 @ for 8h'             | never fires",
            "'1 reasons'                          | 'reasons' names no reason",
            "'1 reasons drift+deploy'             | 'deploy' is not a reason a budget covers (drift, rollout)",
            "'1 reasons drift extra'              | unexpected 'extra'",
            "'1 for 8h'                           | unexpected 'for'",
    })
    void aMalformedBudgetIsRefusedSayingWhatIsWrong(String value, String problem) {
        assertThatThrownBy(() -> budget(value)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(problem);
    }

    @Test
    void aValueLongerThanATagValueIsRefused() {
        assertThatThrownBy(() -> budget("1" + " ".repeat(255) + "1")).hasMessageContaining("more than a tag value's 256");
    }
}
