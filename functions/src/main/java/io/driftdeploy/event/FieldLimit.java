package io.driftdeploy.event;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The most AWS allows in one kind of field: a length and, for identifiers, a format. Checking the
 * length first keeps a huge value away from the format's regular expression and out of messages.
 *
 * @param description what the field holds, as a rejection says it (e.g. {@code an EC2 instance id (i-...)})
 * @param maxLength the longest value AWS accepts, in characters
 * @param format the whole value must match it, when given
 */
record FieldLimit(String description, int maxLength, Optional<Pattern> format) {

    static FieldLimit text(String description, int maxLength) {
        return new FieldLimit(description, maxLength, Optional.empty());
    }

    static FieldLimit identifier(String description, int maxLength, String format) {
        return new FieldLimit(description, maxLength, Optional.of(Pattern.compile(format)));
    }

    /** The value when it is within the limit; otherwise an error naming {@code path}, echoing a prefix only. */
    String check(String value, String path) {
        if (value.length() > maxLength) {
            throw new InvalidEventException(path, "expected " + description + " of at most " + maxLength
                    + " characters, got " + FieldLimits.echo(value));
        }
        if (format.isPresent() && !format.get().matcher(value).matches()) {
            throw new InvalidEventException(path, "expected " + description + ", got " + FieldLimits.echo(value));
        }
        return value;
    }
}
