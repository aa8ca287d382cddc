package io.driftdeploy.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository checkout the tests run in: it holds scripts/emulator, events/ and infra-cdk/. */
public final class Checkout {

    private Checkout() {
    }

    /**
     * Walks up from the directory Maven passes as {@code driftdeploy.repoRoot} (the root when run
     * from the root, the module when run inside it) or, in an IDE, from the working directory.
     */
    public static Path root() {
        String configured = System.getProperty("driftdeploy.repoRoot");
        Path start = (configured != null ? Path.of(configured) : Path.of("")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("scripts/emulator"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (scripts/emulator) above " + start);
    }
}
