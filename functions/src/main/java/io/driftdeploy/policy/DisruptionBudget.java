package io.driftdeploy.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One disruption budget: how many of a group's instances may be out of service at once, as a
 * count or a percentage of the desired capacity (rounded up, so a group of 2 at 10 % may lose 1),
 * optionally only during a window (a UTC {@link CronSchedule} and a duration), optionally only for
 * some causes of disruption.
 *
 * <p>Written as one tag value: {@code AMOUNT [at MIN HOUR DOM MONTH DOW for DURATION] [reasons CAUSE+CAUSE]},
 * for example {@code 1}, {@code 20pct at 0 22 @ @ 1-5 for 8h}, {@code 0 at 0 0 20 12 @ for 14d reasons drift}.
 * The Auto Scaling API takes any printable character in a tag value
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Tag.html), but AWS documents that
 * tags used across services should keep to letters, digits, spaces and {@code _ . : / = + - @}
 * (e.g. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-tag.html,
 * "Generally allowed characters"), and tag editors, CloudFormation stacks and tag policies that
 * span services may refuse the rest. So the syntax needs nothing else: a percentage is written
 * {@code 10pct}, cron's {@code *} is {@code @}, its list comma is {@code +}.
 *
 * @param source where it was written, for reports: the tag key, or the setting and position
 * @param text   the value as written
 */
public record DisruptionBudget(String source, String text, int amount, boolean percent, Optional<Window> window,
                               Set<Cause> causes) {

    /** What a budget may cover; a budget that names none covers all. */
    public enum Cause implements Labelled { DRIFT, ROLLOUT }

    /** When a scheduled budget applies: from each firing of {@code schedule}, for {@code duration}. */
    public record Window(CronSchedule schedule, Duration duration) {
        public Window {
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(duration, "duration");
        }

        /** Whether some firing {@code t} has {@code t <= now < t + duration}. */
        public boolean activeAt(Instant now) {
            return schedule.nextFiringAfter(now.minus(duration)).filter(firing -> !firing.isAfter(now)).isPresent();
        }
    }

    /** AWS's longest tag value (API_Tag above); a default from the settings is held to it too. */
    public static final int MAX_LENGTH = 256;
    /** More than any group holds; a larger count is a typo, not a budget. */
    public static final int MAX_COUNT = 100_000;
    public static final Duration MAX_WINDOW = Duration.ofDays(366);

    private static final Pattern PORTABLE = Pattern.compile("[\\p{L}\\p{N} _.:/=+\\-@]*");
    private static final Pattern AMOUNT = Pattern.compile("(\\d{1,6})(pct)?");
    private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,3})d)?(?:(\\d{1,4})h)?(?:(\\d{1,6})m)?");

    public DisruptionBudget {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(window, "window");
        causes = causes.isEmpty() ? Set.of(Cause.values()) : Set.copyOf(causes);
    }

    /**
     * @throws IllegalArgumentException saying what is wrong, in words for the person who wrote it
     */
    public static DisruptionBudget parse(String source, String value) {
        String text = value.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("it is empty; write a count (e.g. 1) or a percentage (e.g. 10pct)");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("it has " + text.length() + " characters, more than a tag value's " + MAX_LENGTH);
        }
        if (!PORTABLE.matcher(text).matches()) {
            throw new IllegalArgumentException("it holds a character other than letters, digits, spaces and _ . : / = + - @,"
                    + " which not every AWS service allows in a tag value; write @ for * and + for a list's comma,"
                    + " and a percentage as 10pct");
        }
        String[] tokens = text.split(" +");
        Matcher amount = AMOUNT.matcher(tokens[0]);
        if (!amount.matches()) {
            throw new IllegalArgumentException("'" + tokens[0] + "' is not a count (e.g. 1) or a percentage (e.g. 10pct)");
        }
        int number = Integer.parseInt(amount.group(1));
        boolean percent = amount.group(2) != null;
        if (percent ? number > 100 : number > MAX_COUNT) {
            throw new IllegalArgumentException(percent ? "a percentage is at most 100pct, got " + number + "pct"
                    : "a count is at most " + MAX_COUNT + ", got " + number);
        }
        int next = 1;
        Optional<Window> window = Optional.empty();
        if (next < tokens.length && tokens[next].equals("at")) {
            if (tokens.length < next + 8 || !tokens[next + 6].equals("for")) {
                throw new IllegalArgumentException("a schedule is 'at MIN HOUR DAY-OF-MONTH MONTH DAY-OF-WEEK for DURATION'");
            }
            CronSchedule schedule = CronSchedule.parse(String.join(" ", Arrays.copyOfRange(tokens, next + 1, next + 6)));
            window = Optional.of(new Window(schedule, duration(tokens[next + 7])));
            next += 8;
        }
        Set<Cause> causes = EnumSet.noneOf(Cause.class);
        if (next < tokens.length && tokens[next].equals("reasons")) {
            if (next + 1 >= tokens.length) {
                throw new IllegalArgumentException("'reasons' names no reason; write reasons drift, rollout or drift+rollout");
            }
            for (String cause : tokens[next + 1].split("\\+", -1)) {
                causes.add(cause(cause));
            }
            next += 2;
        }
        if (next < tokens.length) {
            throw new IllegalArgumentException("unexpected '" + tokens[next] + "'; a budget is AMOUNT [at MIN HOUR DAY-OF-MONTH"
                    + " MONTH DAY-OF-WEEK for DURATION] [reasons drift+rollout]");
        }
        return new DisruptionBudget(source, text, number, percent, window, causes);
    }

    private static Duration duration(String text) {
        Matcher matcher = DURATION.matcher(text);
        if (text.isEmpty() || !matcher.matches()) {
            throw new IllegalArgumentException("the duration '" + text + "' is not like 8h, 90m, 1h30m or 14d");
        }
        Duration duration = Duration.ofDays(part(matcher, 1)).plusHours(part(matcher, 2)).plusMinutes(part(matcher, 3));
        if (duration.isZero() || duration.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("the duration '" + text + "' is not from 1m to " + MAX_WINDOW.toDays() + "d");
        }
        return duration;
    }

    private static long part(Matcher matcher, int group) {
        return matcher.group(group) == null ? 0 : Long.parseLong(matcher.group(group));
    }

    private static Cause cause(String text) {
        return Arrays.stream(Cause.values()).filter(cause -> cause.label().equals(text.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not a reason a budget covers (drift, rollout)"));
    }

    public boolean covers(Cause cause) {
        return causes.contains(cause);
    }

    public boolean scheduled() {
        return window.isPresent();
    }

    /** Whether it applies at {@code now}: always when unscheduled, else within one of its windows. */
    public boolean activeAt(Instant now) {
        return window.map(open -> open.activeAt(now)).orElse(true);
    }

    /** How many of {@code desiredCapacity} instances it lets be out of service at once; a percentage rounds up. */
    public int allowed(int desiredCapacity) {
        return percent ? (int) ((Math.max(desiredCapacity, 0) * (long) amount + 99) / 100) : amount;
    }

    /** The budget as a person wrote it and where: {@code drift-deploy:budget/night='20pct at ...'}. */
    public String named() {
        return source + "='" + text + "'";
    }
}
