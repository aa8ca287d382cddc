package io.driftdeploy.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * What a command reads and writes: the environment variables drift-deploy reads (its settings and
 * AWS_ENDPOINT_URL), standard input, the result stream and the diagnostics stream, and whether a
 * person watches them on a terminal (then long commands redraw their progress in place). The
 * process's own in {@link #system()}; tests pass their own so that they can run commands in-process.
 */
public record Console(Map<String, String> environment, InputStream in, PrintStream out, PrintStream err, boolean terminal) {

    /** Streams no person watches live: progress comes as plain lines. */
    public Console(Map<String, String> environment, InputStream in, PrintStream out, PrintStream err) {
        this(environment, in, out, err, false);
    }

    public static Console system() {
        return new Console(System.getenv(), System.in, System.out, System.err, onTerminal());
    }

    /**
     * Whether the JVM runs on an interactive terminal. Up to JDK 21 {@link System#console()} is null
     * otherwise; JDK 22 returns a console even when the standard streams are redirected, and added
     * {@code Console.isTerminal()} to tell (release note "JLine As The Default Console Provider",
     * https://bugs.openjdk.org/browse/JDK-8309155). The CLI is compiled for release 21, which lacks
     * that method, and runs on 21 or newer, hence the look-up.
     */
    private static boolean onTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException jdk21) {
            return true;
        } catch (ReflectiveOperationException unreadable) {
            return false;
        }
    }
}
