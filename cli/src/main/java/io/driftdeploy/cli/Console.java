package io.driftdeploy.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a command reads and writes: the environment variables drift-deploy reads (its settings and
 * AWS_ENDPOINT_URL), standard input, the result stream and the diagnostics stream. The process's
 * own in {@link #system()}; tests pass their own so that they can run commands in-process.
 */
public record Console(Map<String, String> environment, InputStream in, PrintStream out, PrintStream err) {

    public static Console system() {
        return new Console(System.getenv(), System.in, System.out, System.err);
    }
}
