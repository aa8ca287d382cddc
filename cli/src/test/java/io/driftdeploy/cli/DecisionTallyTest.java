package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** invoke's progress: the handler's log passed on line by line, its decisions counted under it on a terminal. */
class DecisionTallyTest {

    private static final String DECISION = "{\"level\":\"INFO\",\"decision\":\"terminate\",\"reason\":\"drift-confirmed\"}";
    private static final String METRIC = "{\"_aws\":{\"CloudWatchMetrics\":[]},\"Terminated\":1}";

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void withoutATerminalTheLogIsPassedOnUnchanged() {
        DecisionTally tally = tally(false);

        tally.stream().println(DECISION);
        tally.stream().println(METRIC);
        tally.close();

        assertThat(err()).isEqualTo(DECISION + "\n" + METRIC + "\n");
    }

    @Test
    void onATerminalEachDecisionIsCountedUnderTheLogAndTheCountIsErasedAtTheEnd() {
        DecisionTally tally = tally(true);
        PrintStream log = tally.stream();

        log.println(DECISION);
        log.println(METRIC);
        log.println(DECISION);
        log.print("{\"unfinished\":true}");
        tally.close();

        String once = "invoke alarms: 1 decision so far";
        String twice = "invoke alarms: 2 decisions so far";
        assertThat(err()).isEqualTo(DECISION + "\n" + once
                + erase(once) + METRIC + "\n" + once
                + erase(once) + DECISION + "\n" + once + erase(once) + twice
                + erase(twice) + "{\"unfinished\":true}\n" + twice
                + erase(twice));
    }

    private DecisionTally tally(boolean terminal) {
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);
        Console console = new Console(Map.of(), new ByteArrayInputStream(new byte[0]), stream, stream, terminal);
        return new DecisionTally(Progress.of(console, "invoke alarms", Optional.empty()), stream);
    }

    private static String erase(String drawn) {
        return "\r" + " ".repeat(drawn.length()) + "\r";
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
