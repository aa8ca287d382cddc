package io.driftdeploy.orchestration;

import java.util.function.Supplier;

/**
 * A read a decision makes at most once, on first use, and then reuses: several rules judge the
 * same AWS fact, and each read is a call on the decision's path. One decision runs on one thread.
 */
final class Once<T> implements Supplier<T> {
    private final Supplier<T> read;
    private T value;
    private boolean done;

    Once(Supplier<T> read) {
        this.read = read;
    }

    @Override
    public T get() {
        if (!done) {
            value = read.get();
            done = true;
        }
        return value;
    }

    /** Whether the read was made, so a report can tell "not read" from what it returned. */
    boolean done() {
        return done;
    }
}
