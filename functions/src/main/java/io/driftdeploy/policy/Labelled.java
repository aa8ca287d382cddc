package io.driftdeploy.policy;

import java.util.Locale;

/**
 * A constant whose label (the text results, audit records, notifications, logs and metrics carry)
 * is its name in lower case, words joined by hyphens: {@code DRIFT_CONFIRMED} is
 * {@code drift-confirmed}. Derived, never written out, so a label cannot drift from its constant
 * and a constant cannot be renamed without its label saying so.
 */
public interface Labelled {

    /** The constant's name, as every enum has it. */
    String name();

    default String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
