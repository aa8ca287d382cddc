package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Progress is plain lines for logs, and one line redrawn in place on a terminal, never mixed into the result. */
class ProgressTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void withoutATerminalEachStepIsAPlainLineOnStandardError() {
        Progress progress = Progress.of(console(false), "status", Optional.of(3));

        progress.step("shop-blue");
        progress.step("shop-green");
        progress.above(new PrintStream(out, true, StandardCharsets.UTF_8), "a result line");
        progress.tally("not repeated: the result lines tell it");
        progress.percent(40, "RUNNING");
        progress.end();

        assertThat(err()).isEqualTo("status: 1/3 shop-blue\nstatus: 2/3 shop-green\nstatus: RUNNING\n");
        assertThat(out()).isEqualTo("a result line\n");
    }

    @Test
    void onATerminalOneLineIsRedrawnInPlaceAndErasedAtTheEnd() {
        Progress progress = Progress.of(console(true), "status", Optional.of(2));

        progress.step("a");
        progress.step("bb");
        progress.end();

        assertThat(err()).isEqualTo("status: 1/2 a" + "\r" + " ".repeat(13) + "\r"
                + "status: 2/2 bb" + "\r" + " ".repeat(14) + "\r");
    }

    @Test
    void onATerminalAResultLineGoesAboveTheProgressLineWhichIsDrawnAgain() {
        Progress progress = Progress.of(console(true), "redrive", Optional.empty());
        PrintStream result = new PrintStream(out, true, StandardCharsets.UTF_8);

        progress.tally("1 received");
        progress.above(result, "redriven  event 1");

        assertThat(out()).isEqualTo("redriven  event 1\n");
        assertThat(err()).isEqualTo("redrive: 1 received" + "\r" + " ".repeat(19) + "\r" + "redrive: 1 received");
    }

    @Test
    void aShareOfTheWorkIsABarOnATerminal() {
        assertThat(Progress.bar(0)).isEqualTo("[--------------------] 0 %");
        assertThat(Progress.bar(45)).isEqualTo("[#########-----------] 45 %");
        assertThat(Progress.bar(100)).isEqualTo("[####################] 100 %");

        Progress.of(console(true), "replay r", Optional.empty()).percent(150, "COMPLETED");
        assertThat(err()).isEqualTo("replay r: [####################] 100 % COMPLETED");
    }

    private Console console(boolean terminal) {
        return new Console(Map.of(), new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
