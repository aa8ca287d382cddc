package io.driftdeploy.testing;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The repository checkout the tests and the demo run in: it holds scripts/emulator, events/ and infra-cdk/. */
public final class Checkout {

    private Checkout() {
    }

    /** As {@link #find()}, failing when there is none. */
    public static Path root() {
        return find().orElseThrow(() -> new IllegalStateException(
                "cannot find the repository root (scripts/emulator and events/) above " + starts()));
    }

    /**
     * Walks up from the directory Maven passes as {@code driftdeploy.repoRoot} (the root when run
     * from the root, the module when run inside it) or, in an IDE or a shell, from the working
     * directory; then from where these classes were loaded (a module's target/classes, or a jar in
     * target/), so that {@code java -jar cli/target/drift-deploy-cli.jar demo} finds its checkout
     * from anywhere.
     */
    public static Optional<Path> find() {
        for (Path start : starts()) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                if (Files.isExecutable(dir.resolve("scripts/emulator")) && Files.isRegularFile(dir.resolve("events/catalog.json"))) {
                    return Optional.of(dir);
                }
            }
        }
        return Optional.empty();
    }

    private static List<Path> starts() {
        String configured = System.getProperty("driftdeploy.repoRoot");
        List<Path> starts = new ArrayList<>();
        starts.add((configured != null ? Path.of(configured) : Path.of("")).toAbsolutePath().normalize());
        codeLocation().ifPresent(starts::add);
        return starts;
    }

    private static Optional<Path> codeLocation() {
        CodeSource source = Checkout.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(Path.of(source.getLocation().toURI()).getParent());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
