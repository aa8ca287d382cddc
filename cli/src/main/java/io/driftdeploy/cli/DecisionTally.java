package io.driftdeploy.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The log a handler writes while {@code invoke} runs it, passed on line by line to standard error,
 * counting its decisions as it goes: the progress of a long invocation (the alarms function's sweep
 * decides every drifted instance). Each log line is a decision's own plain progress; on a terminal
 * a tally under them says how many so far, and is erased at the end.
 */
final class DecisionTally extends OutputStream {

    /** A decision's log line: the function's result, which has a decision and a reason (metric lines have neither). */
    private static final String DECISION = "\"decision\":\"";
    private static final String REASON = "\"reason\":\"";

    private final Progress progress;
    private final PrintStream err;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int decisions;

    DecisionTally(Progress progress, PrintStream err) {
        this.progress = progress;
        this.err = err;
    }

    /** The stream to give the handler's telemetry. */
    PrintStream stream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        if (b == '\n') {
            passOn();
        } else {
            line.write(b);
        }
    }

    /** A line the handler left unfinished is passed on too; the tally is erased. */
    @Override
    public void close() {
        if (line.size() > 0) {
            passOn();
        }
        progress.end();
    }

    private void passOn() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        progress.above(err, text);
        if (text.contains(DECISION) && text.contains(REASON)) {
            decisions++;
            progress.tally(decisions + (decisions == 1 ? " decision" : " decisions") + " so far");
        }
    }
}
