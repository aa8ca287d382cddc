package io.driftdeploy.aws;

import io.driftdeploy.event.FieldLimits;
import io.driftdeploy.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON that fits a service's size limit whatever the facts hold: a notification's body must fit
 * one SNS message and an audit record's facts one DynamoDB item, or the publish or the write
 * fails and the decision goes unreported. Long texts are cut with a marker ({@code … (N
 * characters)}) and long lists keep their first elements and say how many were left out, more
 * tightly at each step, until the JSON fits; what fits unchanged is written unchanged.
 */
final class BoundedJson {

    /** Longest text, most list elements: each step keeps less than the one before. */
    private record Step(int maxText, int maxItems) {
    }

    private static final List<Step> STEPS = List.of(
            new Step(Integer.MAX_VALUE, Integer.MAX_VALUE),
            new Step(8_192, 1_000),
            new Step(1_024, 100),
            new Step(256, 10));

    /** Says so when even the tightest step does not fit: the value is replaced, never dropped silently. */
    static final String OMITTED = "omitted: over the size limit even shortened";

    private BoundedJson() {
    }

    /** {@code value} as JSON of at most {@code maxBytes} bytes of UTF-8. */
    static String write(Object value, int maxBytes) {
        for (Step step : STEPS) {
            String json = serialize(shortened(value, step));
            if (utf8Length(json) <= maxBytes) {
                return json;
            }
        }
        return serialize(Map.of("truncated", OMITTED));
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static Object shortened(Object value, Step step) {
        if (value instanceof String text) {
            return step.maxText() == Integer.MAX_VALUE ? text : FieldLimits.abbreviate(text, step.maxText());
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, element) -> copy.put((String) shortened(String.valueOf(key), step), shortened(element, step)));
            return copy;
        }
        if (value instanceof Collection<?> collection) {
            List<Object> copy = new ArrayList<>();
            for (Object element : collection) {
                if (copy.size() == step.maxItems()) {
                    copy.add("\u2026 (" + (collection.size() - step.maxItems()) + " more)");
                    break;
                }
                copy.add(shortened(element, step));
            }
            return copy;
        }
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        // Anything else (a record, an enum) is shortened as the JSON tree it is written as.
        return shortened(Json.PLAIN.plainValue(value), step);
    }

    private static String serialize(Object value) {
        try {
            return Json.PLAIN.write(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + e.getMessage(), e);
        }
    }
}
