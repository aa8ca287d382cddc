package io.driftdeploy.cli;

/** A command could not do its job; the message says why and is all the user sees (exit 1). */
final class CliFailure extends RuntimeException {
    CliFailure(String message) {
        super(message);
    }
}
