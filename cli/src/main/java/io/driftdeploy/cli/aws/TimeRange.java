package io.driftdeploy.cli.aws;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The times a history asks about, each end optional and inclusive, and the sort-key condition that
 * reads them. An audit record's sort key starts with its time as {@link Instant#toString()} writes
 * it, whose fraction of a second has as many digits as it needs ("09:00:00Z", "09:00:00.25Z"), so
 * within one second text order is not time order: the condition reads whole seconds and
 * {@link #contains} keeps the exact range.
 */
public record TimeRange(Optional<Instant> since, Optional<Instant> until) {

    public static final TimeRange ALWAYS = new TimeRange(Optional.empty(), Optional.empty());

    /** Above any character that follows the seconds in a sort key ('.', 'Z', '#'). */
    private static final String AFTER_THE_SECOND = "~";

    public boolean contains(Instant at) {
        return since.map(start -> !at.isBefore(start)).orElse(true) && until.map(end -> !at.isAfter(end)).orElse(true);
    }

    /** The condition on {@code sortKey} (a name placeholder) that reads every record of the range, or none for all time. */
    public Optional<String> sortKeyCondition(String sortKey) {
        if (since.isPresent() && until.isPresent()) {
            return Optional.of(sortKey + " BETWEEN :since AND :until");
        }
        return since.map(start -> sortKey + " >= :since").or(() -> until.map(end -> sortKey + " <= :until"));
    }

    /** The values of {@link #sortKeyCondition}'s placeholders. */
    public Map<String, String> sortKeyValues() {
        Map<String, String> values = new LinkedHashMap<>();
        since.ifPresent(start -> values.put(":since", wholeSecond(start)));
        until.ifPresent(end -> values.put(":until", wholeSecond(end) + AFTER_THE_SECOND));
        return values;
    }

    /** "2025-06-12T09:00:00", which sorts before every sort key of that second and after those before it. */
    private static String wholeSecond(Instant at) {
        String text = at.truncatedTo(ChronoUnit.SECONDS).toString();
        return text.substring(0, text.length() - 1);
    }
}
