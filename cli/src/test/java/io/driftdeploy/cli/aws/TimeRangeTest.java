package io.driftdeploy.cli.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A time range reads whole seconds by sort key and keeps exactly its own records. */
class TimeRangeTest {

    private static final Instant NINE = Instant.parse("2025-06-12T09:00:00.500Z");
    private static final Instant TEN = Instant.parse("2025-06-12T10:00:00Z");

    @Test
    void bothEndsAreABetweenOverWholeSeconds() {
        TimeRange range = new TimeRange(Optional.of(NINE), Optional.of(TEN));

        assertThat(range.sortKeyCondition("#sk")).contains("#sk BETWEEN :since AND :until");
        assertThat(range.sortKeyValues()).isEqualTo(Map.of(":since", "2025-06-12T09:00:00", ":until", "2025-06-12T10:00:00~"));
    }

    @Test
    void theBoundsTakeEverySortKeyOfTheirSecondWhateverItsFraction() {
        TimeRange range = new TimeRange(Optional.of(NINE), Optional.of(TEN));
        String since = range.sortKeyValues().get(":since");
        String until = range.sortKeyValues().get(":until");

        for (String sortKey : new String[] {"2025-06-12T09:00:00Z#drift#e", "2025-06-12T09:00:00.1Z#drift#e",
                "2025-06-12T10:00:00Z#drift#e", "2025-06-12T10:00:00.999Z#images#e"}) {
            assertThat(sortKey.compareTo(since)).as(sortKey).isPositive();
            assertThat(sortKey.compareTo(until)).as(sortKey).isNegative();
        }
        assertThat("2025-06-12T08:59:59.999Z#drift#e".compareTo(since)).isNegative();
        assertThat("2025-06-12T10:00:01Z#drift#e".compareTo(until)).isPositive();
    }

    @Test
    void oneEndIsAOneSidedConditionAndNoneIsAllTime() {
        assertThat(new TimeRange(Optional.of(NINE), Optional.empty()).sortKeyCondition("#sk")).contains("#sk >= :since");
        assertThat(new TimeRange(Optional.empty(), Optional.of(TEN)).sortKeyCondition("#sk")).contains("#sk <= :until");
        assertThat(TimeRange.ALWAYS.sortKeyCondition("#sk")).isEmpty();
        assertThat(TimeRange.ALWAYS.sortKeyValues()).isEmpty();
    }

    @Test
    void containsIsExactAndInclusiveAtBothEnds() {
        TimeRange range = new TimeRange(Optional.of(NINE), Optional.of(TEN));

        assertThat(range.contains(NINE)).isTrue();
        assertThat(range.contains(TEN)).isTrue();
        assertThat(range.contains(NINE.minusMillis(1))).isFalse();
        assertThat(range.contains(TEN.plusMillis(1))).isFalse();
        assertThat(TimeRange.ALWAYS.contains(Instant.EPOCH)).isTrue();
    }
}
