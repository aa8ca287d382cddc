package io.driftdeploy.settings;

/** A setting's value is malformed or out of range; {@link #name()} is how the reader names it. */
public final class InvalidSettingException extends IllegalArgumentException {
    private final String name;
    private final String problem;

    public InvalidSettingException(String name, String problem) {
        super(name + ": " + problem);
        this.name = name;
        this.problem = problem;
    }

    /** The environment variable or context key, as the reader was told to name it. */
    public String name() {
        return name;
    }

    /** What is wrong, without the name: "must be between 0 and 100, got 150". */
    public String problem() {
        return problem;
    }
}
