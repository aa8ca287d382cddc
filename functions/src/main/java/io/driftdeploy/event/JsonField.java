package io.driftdeploy.event;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.driftdeploy.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A JSON value together with its path in the event, so that every validation error names the
 * exact field. The one place that reads and checks JSON values for this package.
 */
record JsonField(JsonNode json, String path) {

    /** ISO-8601 with a required offset: EventBridge and Config write {@code Z}, CloudWatch {@code +0000}. */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    /** Parses a whole event document; errors name {@code $}. */
    static JsonField parseDocument(byte[] bytes) {
        if (bytes != null && bytes.length > FieldLimits.DOCUMENT_BYTES) {
            throw new InvalidEventException("$", "expected an event of at most " + FieldLimits.DOCUMENT_BYTES
                    + " bytes, got " + bytes.length);
        }
        return parse(bytes == null ? new byte[0] : bytes, "");
    }

    /** Parses JSON embedded as a string (an SNS message); errors and child paths start at {@code path}. */
    static JsonField parseEmbedded(String text, String path) {
        return parse(text.getBytes(StandardCharsets.UTF_8), path);
    }

    private static JsonField parse(byte[] bytes, String path) {
        String where = path.isEmpty() ? "$" : path;
        JsonNode json;
        try {
            // Duplicate keys and trailing content are refused: a document whose meaning depends on
            // which duplicate a parser keeps, or on what it ignores, must not drive a termination.
            json = Json.readStrictTree(bytes);
        } catch (JacksonException e) {
            throw new InvalidEventException(where, "not valid JSON: " + FieldLimits.oneLine(e.getOriginalMessage(), 300));
        } catch (IOException e) {
            throw new InvalidEventException(where, "unreadable: " + e.getMessage());
        }
        if (json == null || json.isMissingNode()) {
            throw new InvalidEventException(where, "empty, expected a JSON object");
        }
        if (!json.isObject()) {
            throw new InvalidEventException(where, "expected a JSON object, got " + kind(json));
        }
        return new JsonField(json, path);
    }

    /** Path of a child field, as error messages show it. */
    String pathOf(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    boolean has(String name) {
        return present(json.get(name));
    }

    InvalidEventException invalid(String name, String problem) {
        return new InvalidEventException(pathOf(name), problem);
    }

    JsonField object(String name) {
        return optionalObject(name).orElseThrow(() -> invalid(name, "required object is missing"));
    }

    Optional<JsonField> optionalObject(String name) {
        JsonNode child = json.get(name);
        if (!present(child)) {
            return Optional.empty();
        }
        if (!child.isObject()) {
            throw invalid(name, "expected an object, got " + kind(child));
        }
        return Optional.of(new JsonField(child, pathOf(name)));
    }

    /** The elements of a required array, each with its indexed path. */
    List<JsonField> array(String name) {
        return optionalArray(name).orElseThrow(() -> invalid(name, "required array is missing"));
    }

    Optional<List<JsonField>> optionalArray(String name) {
        JsonNode child = json.get(name);
        if (!present(child)) {
            return Optional.empty();
        }
        if (!child.isArray()) {
            throw invalid(name, "expected an array, got " + kind(child));
        }
        List<JsonField> elements = new ArrayList<>(child.size());
        for (int i = 0; i < child.size(); i++) {
            elements.add(new JsonField(child.get(i), pathOf(name) + "[" + i + "]"));
        }
        return Optional.of(elements);
    }

    /** This value as non-blank text within {@code limit} (for array elements, whose path is already this field's). */
    String asText(FieldLimit limit) {
        if (!json.isTextual()) {
            throw new InvalidEventException(path, "expected a string, got " + kind(json));
        }
        if (json.asText().isBlank()) {
            throw new InvalidEventException(path, "must not be blank");
        }
        return limit.check(json.asText(), path);
    }

    /** Required free text, within the bound every text field has ({@link FieldLimits#ANY_TEXT_LENGTH}). */
    String text(String name) {
        return text(name, FieldLimits.ANY_TEXT);
    }

    /** Required text within {@code limit}: its length and, for an identifier, its format. */
    String text(String name, FieldLimit limit) {
        return optionalText(name, limit).orElseThrow(() -> invalid(name, "required field is missing or blank"));
    }

    /** Absent, null and blank all mean "not given". */
    Optional<String> optionalText(String name) {
        return optionalText(name, FieldLimits.ANY_TEXT);
    }

    Optional<String> optionalText(String name, FieldLimit limit) {
        JsonNode child = json.get(name);
        if (!present(child)) {
            return Optional.empty();
        }
        if (!child.isTextual()) {
            throw invalid(name, "expected a string, got " + kind(child));
        }
        return child.asText().isBlank() ? Optional.empty() : Optional.of(limit.check(child.asText(), pathOf(name)));
    }

    /** Required text that must be exactly {@code expected}. */
    void expect(String name, String expected) {
        String actual = text(name);
        if (!actual.equals(expected)) {
            throw invalid(name, "expected " + expected + ", got " + FieldLimits.echo(actual));
        }
    }

    <E extends Enum<E>> E enumValue(String name, Class<E> type) {
        return parseEnum(name, text(name), type);
    }

    <E extends Enum<E>> Optional<E> optionalEnumValue(String name, Class<E> type) {
        return optionalText(name).map(value -> parseEnum(name, value, type));
    }

    private <E extends Enum<E>> E parseEnum(String name, String value, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        throw invalid(name, "expected one of " + Arrays.toString(type.getEnumConstants()) + ", got " + FieldLimits.echo(value));
    }

    /** A timestamp between {@link FieldLimits#EARLIEST} and {@link FieldLimits#LATEST}, so no later arithmetic overflows. */
    Instant instant(String name) {
        String value = text(name, FieldLimits.TIMESTAMP);
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value, TIMESTAMP).toInstant();
        } catch (DateTimeException e) {
            throw invalid(name, "expected an ISO-8601 timestamp with offset, got " + FieldLimits.echo(value));
        }
        if (instant.isBefore(FieldLimits.EARLIEST) || !instant.isBefore(FieldLimits.LATEST)) {
            throw invalid(name, "expected a time from " + FieldLimits.EARLIEST + " to before " + FieldLimits.LATEST
                    + ", got " + FieldLimits.echo(value));
        }
        return instant;
    }

    /**
     * An integer from {@code min} to {@code max}, given as a JSON number or, as Auto Scaling writes
     * it, as a string of digits.
     */
    OptionalInt optionalInt(String name, int min, int max) {
        JsonNode child = json.get(name);
        if (!present(child)) {
            return OptionalInt.empty();
        }
        OptionalInt value = OptionalInt.empty();
        if (child.canConvertToExactIntegral() && child.canConvertToInt()) {
            value = OptionalInt.of(child.intValue());
        } else if (child.isTextual() && child.asText().strip().matches("[+-]?[0-9]{1,10}")) {
            try {
                value = OptionalInt.of(Integer.parseInt(child.asText().strip()));
            } catch (NumberFormatException outOfIntRange) {
                // reported below with the value
            }
        }
        if (value.isEmpty() || value.getAsInt() < min || value.getAsInt() > max) {
            throw invalid(name, "expected an integer from " + min + " to " + max + ", got " + echo(child));
        }
        return value;
    }

    /** A finite number: a threshold of 1e400 reads as infinity, which no alarm can have. */
    OptionalDouble optionalDouble(String name) {
        JsonNode child = json.get(name);
        if (!present(child)) {
            return OptionalDouble.empty();
        }
        if (!child.isNumber() || !Double.isFinite(child.doubleValue())) {
            throw invalid(name, "expected a finite number, got " + echo(child));
        }
        return OptionalDouble.of(child.doubleValue());
    }

    /** The region of an ARN ({@code arn:partition:service:region:account:resource}), both within their limits. */
    static String regionOfArn(String arn, String path) {
        FieldLimits.ARN.check(arn, path);
        String[] parts = arn.split(":", 6);
        if (parts.length < 6 || parts[3].isEmpty()) {
            throw new InvalidEventException(path, "expected an ARN with a region, got " + FieldLimits.echo(arn));
        }
        return FieldLimits.REGION.check(parts[3], path);
    }

    /** A JSON value as an error repeats it: its text, or its JSON when it is not text, shortened. */
    private static String echo(JsonNode node) {
        return FieldLimits.echo(node.isTextual() ? node.asText() : Json.PLAIN.write(node));
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
