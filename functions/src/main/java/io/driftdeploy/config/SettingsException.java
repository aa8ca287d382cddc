package io.driftdeploy.config;

/** A setting is missing or malformed; the message names the environment variable. */
public final class SettingsException extends RuntimeException {
    private final String variable;

    public SettingsException(String variable, String problem) {
        super("setting " + variable + ": " + problem);
        this.variable = variable;
    }

    public String variable() {
        return variable;
    }
}
