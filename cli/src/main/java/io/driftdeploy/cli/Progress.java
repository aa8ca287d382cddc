package io.driftdeploy.cli;

import java.io.PrintStream;
import java.util.Optional;

/**
 * How far a long command has got, on standard error so that standard output carries only the
 * result. On a terminal it is one line redrawn in place (a counter, or a bar for a share of the
 * work); otherwise each step is a plain line of its own, for logs and CI. A line of the result
 * printed meanwhile ({@link #above}) goes above the progress line, which is drawn again under it.
 */
final class Progress {

    static final int BAR_WIDTH = 20;

    private final PrintStream err;
    private final boolean terminal;
    private final String task;
    private final Optional<Integer> total;
    private int done;
    /** What the progress line shows now on the terminal; empty when nothing is drawn. */
    private String drawn = "";

    private Progress(PrintStream err, boolean terminal, String task, Optional<Integer> total) {
        this.err = err;
        this.terminal = terminal;
        this.task = task;
        this.total = total;
    }

    /** Progress of {@code task} (e.g. "status"), over {@code total} steps when known. */
    static Progress of(Console console, String task, Optional<Integer> total) {
        return new Progress(console.err(), console.terminal(), task, total);
    }

    /** One more step done, about {@code item}: "status: 3/12 shop-blue", "redrive: 3 shop-blue". */
    void step(String item) {
        done++;
        show(done + total.map(all -> "/" + all).orElse("") + " " + item);
    }

    /** A share of the work done ({@code percent}, 0 to 100), with what it is: a bar on a terminal. */
    void percent(long percent, String text) {
        long bounded = Math.max(0, Math.min(100, percent));
        show(terminal ? bar(bounded) + " " + text : text);
    }

    /**
     * A running tally of what the command's own result lines tell one by one: redrawn in place on a
     * terminal, not repeated otherwise (those lines are the plain progress).
     */
    void tally(String text) {
        if (terminal) {
            show(text);
        }
    }

    /** A line of the result, printed to {@code out} above the progress line. */
    void above(PrintStream out, String line) {
        String redraw = drawn;
        erase();
        out.println(line);
        out.flush();
        if (!redraw.isEmpty()) {
            draw(redraw);
        }
    }

    /** The work is over: the progress line is taken away, so what follows starts on a clean line. */
    void end() {
        erase();
    }

    static String bar(long percent) {
        int filled = (int) (percent * BAR_WIDTH / 100);
        return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] " + percent + " %";
    }

    private void show(String text) {
        if (terminal) {
            erase();
            draw(task + ": " + text);
        } else {
            err.println(task + ": " + text);
            err.flush();
        }
    }

    private void draw(String line) {
        err.print(line);
        err.flush();
        drawn = line;
    }

    private void erase() {
        if (!drawn.isEmpty()) {
            err.print("\r" + " ".repeat(drawn.length()) + "\r");
            err.flush();
            drawn = "";
        }
    }
}
