package io.driftdeploy.config;

import java.util.Map;

/**
 * A tag condition written as {@code key=value} (the tag must carry that value) or {@code key}
 * (the tag must merely be present).
 */
public record TagMatcher(String key, String value) {

    public static TagMatcher parse(String variable, String text) {
        String trimmed = text.trim();
        int equals = trimmed.indexOf('=');
        String key = equals < 0 ? trimmed : trimmed.substring(0, equals).trim();
        String value = equals < 0 ? null : trimmed.substring(equals + 1).trim();
        if (key.isEmpty() || (value != null && value.isEmpty())) {
            throw new SettingsException(variable, "expected key=value or key, got '" + text + "'");
        }
        return new TagMatcher(key, value);
    }

    public boolean matches(Map<String, String> tags) {
        String actual = tags.get(key);
        return actual != null && (value == null || value.equals(actual));
    }

    @Override
    public String toString() {
        return value == null ? key : key + "=" + value;
    }
}
