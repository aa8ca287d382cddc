package io.driftdeploy.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** A point in time on the command line: an ISO-8601 UTC time, {@code now}, or an age such as {@code -2h}. */
final class TimeArgument implements CommandLine.ITypeConverter<Instant> {

    private static final Pattern AGE = Pattern.compile("-(\\d{1,6})([mhd])");

    private final Clock clock;

    TimeArgument() {
        this(Clock.systemUTC());
    }

    TimeArgument(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Instant convert(String value) {
        if (value.equals("now")) {
            return clock.instant();
        }
        Matcher age = AGE.matcher(value);
        if (age.matches()) {
            long amount = Long.parseLong(age.group(1));
            Duration unit = switch (age.group(2)) {
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            return clock.instant().minus(unit.multipliedBy(amount));
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a time: use a UTC time like 2025-06-12T09:00:00Z, now, or an age like -30m, -2h, -7d");
        }
    }
}
