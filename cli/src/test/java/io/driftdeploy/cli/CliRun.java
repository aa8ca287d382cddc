package io.driftdeploy.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One CLI run in-process: its exit status and what it wrote to standard output and standard error. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(Map<String, String> environment, String... args) {
        return withInput(environment, "", args);
    }

    static CliRun withInput(Map<String, String> environment, String stdin, String... args) {
        return run(environment, stdin, false, args);
    }

    /** As a person on a terminal runs it: progress is redrawn in place on standard error. */
    static CliRun onTerminal(Map<String, String> environment, String... args) {
        return run(environment, "", true, args);
    }

    private static CliRun run(Map<String, String> environment, String stdin, boolean terminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(new Console(environment, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), terminal), args);
        return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
