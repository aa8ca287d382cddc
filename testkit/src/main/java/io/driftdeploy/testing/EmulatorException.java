package io.driftdeploy.testing;

/** The local emulator could not be used (not on this machine, or scripts/emulator failed); the message says why. */
public final class EmulatorException extends RuntimeException {
    EmulatorException(String message) {
        super(message);
    }
}
