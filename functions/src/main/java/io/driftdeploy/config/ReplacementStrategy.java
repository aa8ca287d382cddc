package io.driftdeploy.config;

import java.util.Locale;
import java.util.Optional;

/**
 * How a drifted instance is replaced: {@code terminate} takes it out and lets its group launch a
 * replacement; {@code surge} has the group launch the replacement and bring it InService before
 * the instance goes (docs/safety-rules.md, "Surge replacement").
 */
public enum ReplacementStrategy {
    TERMINATE("terminate"),
    SURGE("surge");

    private final String label;

    ReplacementStrategy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Parses "terminate" or "surge" (case-insensitive, surrounding blanks ignored); anything else is empty. */
    public static Optional<ReplacementStrategy> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (ReplacementStrategy strategy : values()) {
            if (strategy.label.equals(wanted)) {
                return Optional.of(strategy);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return label;
    }
}
