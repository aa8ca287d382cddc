package io.driftdeploy.policy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The five fields of a standard cron expression (minute, hour, day of month, month, day of
 * week), in UTC, written with the characters every AWS service allows in a tag value: {@code @}
 * stands for {@code *} and {@code +} separates a list where cron writes {@code ,} (see
 * {@link DisruptionBudget} for why). A field is {@code @}, {@code N}, {@code N-M}, each optionally
 * followed by {@code /step}, or a {@code +}-list of those; numbers only, no names. Days of week run
 * from 0 (Sunday) to 7 (Sunday again). As in standard cron, when both day fields are restricted
 * (neither starts with {@code @}) a day matches when either matches.
 * Two schedules written alike are equal.
 */
public final class CronSchedule {

    /**
     * How far ahead a firing is looked for: long enough for every day a calendar can name
     * (29 February comes within 8 years, when a century skips a leap year), so a schedule that
     * finds none never fires.
     */
    private static final long HORIZON_YEARS = 8;

    private static final Pattern ITEM = Pattern.compile("(@|(\\d{1,2})(?:-(\\d{1,2}))?)(?:/(\\d{1,2}))?");

    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean dayOfMonthRestricted;
    private final boolean dayOfWeekRestricted;

    private CronSchedule(String text, BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months, BitSet daysOfWeek,
                         boolean dayOfMonthRestricted, boolean dayOfWeekRestricted) {
        this.text = text;
        this.minutes = minutes;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
        this.dayOfMonthRestricted = dayOfMonthRestricted;
        this.dayOfWeekRestricted = dayOfWeekRestricted;
    }

    /**
     * @param fields five fields separated by single or repeated spaces
     * @throws IllegalArgumentException naming the field and what is wrong with it
     */
    public static CronSchedule parse(String fields) {
        String[] parts = fields.strip().split(" +");
        if (parts.length != 5) {
            throw new IllegalArgumentException("a schedule has 5 fields (minute hour day-of-month month day-of-week), got "
                    + parts.length + " in '" + fields.strip() + "'");
        }
        BitSet daysOfWeek = field("day-of-week", parts[4], 0, 7);
        if (daysOfWeek.get(7)) {
            daysOfWeek.set(0);
        }
        CronSchedule schedule = new CronSchedule(String.join(" ", parts), field("minute", parts[0], 0, 59),
                field("hour", parts[1], 0, 23), field("day-of-month", parts[2], 1, 31), field("month", parts[3], 1, 12),
                daysOfWeek, !parts[2].startsWith("@"), !parts[4].startsWith("@"));
        if (schedule.nextFiringAfter(Instant.EPOCH).isEmpty()) {
            throw new IllegalArgumentException("the schedule '" + schedule.text + "' never fires (no such date)");
        }
        return schedule;
    }

    private static BitSet field(String name, String text, int min, int max) {
        BitSet values = new BitSet(max + 1);
        for (String item : text.split("\\+", -1)) {
            Matcher matcher = ITEM.matcher(item);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("the " + name + " field '" + text + "' is not @, N or N-M (each optionally"
                        + " /step), or a +-list of those");
            }
            boolean any = matcher.group(2) == null;
            int from = any ? min : Integer.parseInt(matcher.group(2));
            int to = any ? max : matcher.group(3) == null ? from : Integer.parseInt(matcher.group(3));
            int step = matcher.group(4) == null ? 1 : Integer.parseInt(matcher.group(4));
            if (!any && matcher.group(3) == null && matcher.group(4) != null) {
                throw new IllegalArgumentException("the " + name + " field '" + text + "' has N/step; write N-" + max + "/step");
            }
            if (from < min || to > max || from > to) {
                throw new IllegalArgumentException("the " + name + " field '" + text + "' goes outside " + min + "-" + max);
            }
            if (step < 1) {
                throw new IllegalArgumentException("the " + name + " field '" + text + "' has a step of 0");
            }
            for (int value = from; value <= to; value += step) {
                values.set(value);
            }
        }
        return values;
    }

    /** The first minute strictly after {@code after} at which the schedule fires; empty if it never does. */
    public Optional<Instant> nextFiringAfter(Instant after) {
        LocalDateTime time = LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        LocalDateTime horizon = time.plusYears(HORIZON_YEARS);
        while (time.isBefore(horizon)) {
            if (!months.get(time.getMonthValue())) {
                time = time.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
            } else if (!dayMatches(time.toLocalDate())) {
                time = time.toLocalDate().plusDays(1).atStartOfDay();
            } else if (!hours.get(time.getHour())) {
                time = time.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(time.getMinute())) {
                time = time.plusMinutes(1);
            } else {
                return Optional.of(time.toInstant(ZoneOffset.UTC));
            }
        }
        return Optional.empty();
    }

    /** The expression as written (fields separated by one space), for reports. */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CronSchedule schedule && schedule.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    private boolean dayMatches(LocalDate date) {
        boolean dayOfMonth = daysOfMonth.get(date.getDayOfMonth());
        boolean dayOfWeek = daysOfWeek.get(date.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : date.getDayOfWeek().getValue());
        return dayOfMonthRestricted && dayOfWeekRestricted ? dayOfMonth || dayOfWeek : dayOfMonth && dayOfWeek;
    }
}
