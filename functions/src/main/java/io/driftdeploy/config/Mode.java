package io.driftdeploy.config;

import java.util.Locale;
import java.util.Optional;

/** Whether drift-deploy acts (enforce) or only reports what it would do (dry-run). */
public enum Mode {
    ENFORCE("enforce"),
    DRY_RUN("dry-run");

    private final String label;

    Mode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Parses "enforce" or "dry-run" (case-insensitive); anything else is empty. */
    public static Optional<Mode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (Mode mode : values()) {
            if (mode.label.equals(wanted)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return label;
    }
}
