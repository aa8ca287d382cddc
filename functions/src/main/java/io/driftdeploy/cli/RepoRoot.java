package io.driftdeploy.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checkout the CLI runs from (it holds scripts/emulator and the events/ samples): found above
 * the working directory, or above the jar (functions/target/drift-deploy-functions.jar).
 */
final class RepoRoot {

    private RepoRoot() {
    }

    static Path find() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        jarDirectory().ifPresent(starts::add);
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                if (Files.isExecutable(dir.resolve("scripts/emulator")) && Files.isRegularFile(dir.resolve("events/catalog.json"))) {
                    return dir;
                }
            }
        }
        throw new CliFailure("cannot find the drift-deploy checkout (scripts/emulator and events/) above " + starts
                + "; run the demo from the repository: java -jar functions/target/drift-deploy-functions.jar demo");
    }

    private static Optional<Path> jarDirectory() {
        CodeSource source = RepoRoot.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(Path.of(source.getLocation().toURI()).getParent());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
