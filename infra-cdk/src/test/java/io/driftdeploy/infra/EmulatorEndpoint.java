package io.driftdeploy.infra;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The local AWS emulator the infra tests talk to: AWS_ENDPOINT_URL when given, otherwise the one
 * {@code scripts/emulator start} starts (its last stdout line is the URL), stopped again on close.
 *
 * <p>TODO-merge: replace with the shared io.driftdeploy.testing.Emulator from the functions test-jar.
 */
final class EmulatorEndpoint implements AutoCloseable {

    private final URI uri;
    private final boolean startedHere;

    private EmulatorEndpoint(URI uri, boolean startedHere) {
        this.uri = uri;
        this.startedHere = startedHere;
    }

    static EmulatorEndpoint open() {
        String given = System.getenv("AWS_ENDPOINT_URL");
        if (given != null && !given.isBlank()) {
            return new EmulatorEndpoint(URI.create(given.trim()), false);
        }
        List<String> output = run("start");
        if (output.isEmpty()) {
            throw new IllegalStateException("scripts/emulator start printed no URL");
        }
        return new EmulatorEndpoint(URI.create(output.get(output.size() - 1).trim()), true);
    }

    URI uri() {
        return uri;
    }

    @Override
    public void close() {
        if (startedHere) {
            run("stop");
        }
    }

    private static List<String> run(String command) {
        Path script = SynthesizedApp.REPO_ROOT.resolve("scripts/emulator");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("No emulator: set AWS_ENDPOINT_URL or provide " + script);
        }
        try {
            Process process = new ProcessBuilder(script.toString(), command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            List<String> lines;
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                lines = out.lines().filter(line -> !line.isBlank()).toList();
            }
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("scripts/emulator " + command + " exited with " + exit);
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running scripts/emulator " + command, e);
        }
    }
}
