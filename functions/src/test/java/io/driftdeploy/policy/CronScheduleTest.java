package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The five-field cron subset of budget windows, with @ for * and + for a list's comma, in UTC. */
class CronScheduleTest {

    @ParameterizedTest(name = "''{0}'' after {1} -> {2}")
    @CsvSource({
            // every minute: the next whole minute strictly after
            "'@ @ @ @ @',        2026-12-02T10:15:00Z, 2026-12-02T10:16:00Z",
            "'@ @ @ @ @',        2026-12-02T10:15:59Z, 2026-12-02T10:16:00Z",
            // 22:00 daily: later today, or tomorrow once it has passed
            "'0 22 @ @ @',       2026-12-02T10:15:00Z, 2026-12-02T22:00:00Z",
            "'0 22 @ @ @',       2026-12-02T22:00:00Z, 2026-12-03T22:00:00Z",
            // weekdays only: Wednesday 2 December 2026, so Saturday's firing moves to Monday
            "'0 9 @ @ 1-5',      2026-12-04T09:00:00Z, 2026-12-07T09:00:00Z",
            // Sunday as 0 and as 7
            "'30 6 @ @ 0',       2026-12-02T00:00:00Z, 2026-12-06T06:30:00Z",
            "'30 6 @ @ 7',       2026-12-02T00:00:00Z, 2026-12-06T06:30:00Z",
            // lists and steps
            "'0+30 @ @ @ @',     2026-12-02T10:15:00Z, 2026-12-02T10:30:00Z",
            "'@/20 @ @ @ @',     2026-12-02T10:41:00Z, 2026-12-02T11:00:00Z",
            "'0 8-18/5 @ @ @',   2026-12-02T13:00:00Z, 2026-12-02T18:00:00Z",
            // month and day of month: across the year end
            "'0 0 1 1 @',        2026-12-02T10:15:00Z, 2027-01-01T00:00:00Z",
            // both day fields restricted: either matches (the 15th, or a Monday), as in standard cron
            "'0 0 15 @ 1',       2026-12-08T00:00:00Z, 2026-12-14T00:00:00Z",
            "'0 0 15 @ 1',       2026-12-14T00:00:00Z, 2026-12-15T00:00:00Z",
            // a starred day field does not widen the other: the 15th only
            "'0 0 15 @ @',       2026-12-02T00:00:00Z, 2026-12-15T00:00:00Z",
            // 29 February: the next leap year
            "'0 0 29 2 @',       2026-03-01T00:00:00Z, 2028-02-29T00:00:00Z",
    })
    void nextFiringIsTheFirstMatchingMinuteStrictlyAfter(String cron, Instant after, Instant next) {
        assertThat(CronSchedule.parse(cron).nextFiringAfter(after)).contains(next);
    }

    @ParameterizedTest(name = "''{0}'': {1}")
    @CsvSource({
            "'0 22 @ @',          5 fields",
            "'0 22 @ @ @ @',      5 fields",
            "'60 @ @ @ @',        minute field '60' goes outside 0-59",
            "'0 24 @ @ @',        hour field '24' goes outside 0-23",
            "'0 0 0 @ @',         day-of-month field '0' goes outside 1-31",
            "'0 0 @ 13 @',        month field '13' goes outside 1-12",
            "'0 0 @ @ 8',         day-of-week field '8' goes outside 0-7",
            "'0 5-2 @ @ @',       hour field '5-2' goes outside",
            "'@/0 @ @ @ @',       step of 0",
            "'5/10 @ @ @ @',      has N/step; write N-59/step",
            "'0 0 @ @ mon',       day-of-week field 'mon' is not @, N or N-M",
            "'0+ 0 @ @ @',        minute field '0+' is not @, N or N-M",
            "'0 0 31 2 @',        never fires",
    })
    void aMalformedScheduleIsRefusedNamingTheField(String cron, String problem) {
        assertThatThrownBy(() -> CronSchedule.parse(cron)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(problem);
    }
}
