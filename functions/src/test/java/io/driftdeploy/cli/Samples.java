package io.driftdeploy.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The sample events of {@code events/} (Maven passes the repository root as driftdeploy.repoRoot). */
final class Samples {

    private Samples() {
    }

    static Path path(String file) {
        return Path.of(System.getProperty("driftdeploy.repoRoot", "..")).resolve("events").resolve(file).toAbsolutePath().normalize();
    }

    static String text(String file) {
        try {
            return Files.readString(path(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
