package io.driftdeploy.policy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What drift remediation does to a drifted instance of a group, as the group's action tag
 * ({@code DRIFT_DEPLOY_ACTION_TAG}) chooses: terminate it (no tag: the same), or quarantine it
 * (docs/quarantine.md). Any other value is never guessed at: the group's remediation stops and
 * the notification names the tag and its value.
 */
public sealed interface RemediationAction {

    /** The action the group chose. */
    enum Kind implements Labelled {
        TERMINATE,
        QUARANTINE
    }

    /** What reports say about it. */
    Map<String, Object> facts();

    /** The tag (or its absence) chose {@code kind}. */
    record Chosen(Kind kind) implements RemediationAction {
        public Chosen {
            Objects.requireNonNull(kind, "kind");
        }

        @Override
        public Map<String, Object> facts() {
            return Map.of("remediation", kind.label());
        }
    }

    /** The group's tag holds neither {@code terminate} nor {@code quarantine}. */
    record Invalid(String tagKey, String tagValue) implements RemediationAction {
        public Invalid {
            Objects.requireNonNull(tagKey, "tagKey");
            Objects.requireNonNull(tagValue, "tagValue");
        }

        @Override
        public Map<String, Object> facts() {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("actionTag", tagKey);
            facts.put("actionTagValue", tagValue);
            facts.put("fix", "set " + tagKey + " to terminate or quarantine, or remove it (terminate)");
            return facts;
        }
    }

    /** Whether the action is a valid choice of {@code kind}. */
    default boolean is(Kind kind) {
        return this instanceof Chosen chosen && chosen.kind() == kind;
    }

    /**
     * @param groupTags the group's tags
     * @param tagKey    the action tag ({@code DRIFT_DEPLOY_ACTION_TAG})
     */
    static RemediationAction of(Map<String, String> groupTags, String tagKey) {
        String raw = groupTags.get(tagKey);
        if (raw == null) {
            return new Chosen(Kind.TERMINATE);
        }
        String value = raw.strip().toLowerCase(Locale.ROOT);
        for (Kind kind : Kind.values()) {
            if (kind.label().equals(value)) {
                return new Chosen(kind);
            }
        }
        return new Invalid(tagKey, raw);
    }
}
