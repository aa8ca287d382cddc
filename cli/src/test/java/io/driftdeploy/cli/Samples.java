package io.driftdeploy.cli;

import io.driftdeploy.testing.Checkout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The sample events of {@code events/}. */
final class Samples {

    private Samples() {
    }

    static Path path(String file) {
        return Checkout.root().resolve("events").resolve(file);
    }

    static String text(String file) {
        try {
            return Files.readString(path(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
