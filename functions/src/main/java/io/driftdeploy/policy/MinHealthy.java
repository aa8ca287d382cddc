package io.driftdeploy.policy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The minimum healthy percentage that applies to one Auto Scaling group: the value of the group's
 * own tag ({@code DRIFT_DEPLOY_MIN_HEALTHY_TAG}) when it carries one, else the global setting
 * ({@code DRIFT_DEPLOY_MIN_HEALTHY_PERCENT}). It bounds both the drift capacity guard and the
 * rollout's instance refresh. A tag that is not a whole number from 0 to 100 is never guessed at
 * (fail closed): the caller refuses to act and names the tag and its value.
 */
public sealed interface MinHealthy {

    /** A whole number from 0 to 100, nothing else (no sign, no decimals, no percent sign). */
    Pattern PERCENT = Pattern.compile("[0-9]{1,3}");

    /** What reports say about it: the percentage and where it came from, or the tag that is wrong. */
    Map<String, Object> facts();

    /** The percentage to use; {@code tagKey} names the group's tag that chose it, null when the setting did. */
    record Percent(int value, String tagKey) implements MinHealthy {
        public Percent {
            if (value < 0 || value > 100) {
                throw new IllegalArgumentException("a minimum healthy percentage is 0 to 100, got " + value);
            }
        }

        public boolean fromTag() {
            return tagKey != null;
        }

        @Override
        public Map<String, Object> facts() {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("minHealthyPercent", value);
            facts.put("minHealthyFrom", fromTag() ? "group tag " + tagKey : "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT");
            return facts;
        }
    }

    /** The group's tag holds something that is not a percentage. */
    record Invalid(String tagKey, String tagValue) implements MinHealthy {
        public Invalid {
            Objects.requireNonNull(tagKey, "tagKey");
            Objects.requireNonNull(tagValue, "tagValue");
        }

        @Override
        public Map<String, Object> facts() {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("minHealthyTag", tagKey);
            facts.put("minHealthyTagValue", tagValue);
            return facts;
        }

        /** For people: which tag, what it holds, what it should hold. */
        public String detail(String group) {
            return "group " + group + " carries " + tagKey + "='" + tagValue + "', which is not a whole number from 0 to 100;"
                    + " fix or remove the tag (without it the minimum healthy percentage is the global setting)";
        }
    }

    /**
     * @param groupTags the group's tags
     * @param tagKey the tag that overrides the setting ({@code DRIFT_DEPLOY_MIN_HEALTHY_TAG})
     * @param fallback the setting ({@code DRIFT_DEPLOY_MIN_HEALTHY_PERCENT})
     */
    static MinHealthy of(Map<String, String> groupTags, String tagKey, int fallback) {
        String raw = groupTags.get(tagKey);
        if (raw == null) {
            return new Percent(fallback, null);
        }
        String value = raw.strip();
        if (!PERCENT.matcher(value).matches() || Integer.parseInt(value) > 100) {
            return new Invalid(tagKey, raw);
        }
        return new Percent(Integer.parseInt(value), tagKey);
    }
}
