package io.driftdeploy.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The local AWS emulator the demo (and the project's tests) run on: the one at AWS_ENDPOINT_URL
 * (which must be on this machine, so they can never touch a real account), or else the checkout's
 * own {@code scripts/emulator}, started here and stopped on close unless it was already running.
 */
public final class LocalEmulator implements AutoCloseable {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");
    private static final long SCRIPT_TIMEOUT_MINUTES = 10;

    private final URI endpoint;
    private final Path script;
    private final boolean stopWhenDone;
    private final PrintStream progress;

    private LocalEmulator(URI endpoint, Path script, boolean stopWhenDone, PrintStream progress) {
        this.endpoint = endpoint;
        this.script = script;
        this.stopWhenDone = stopWhenDone;
        this.progress = progress;
    }

    public static LocalEmulator open(String configuredEndpoint, Path repoRoot, PrintStream progress) {
        Optional<URI> configured = endpoint(configuredEndpoint);
        if (configured.isPresent()) {
            URI endpoint = configured.get();
            if (!LOOPBACK.contains(endpoint.getHost())) {
                throw new EmulatorException("the demo (like the tests) only runs on a local emulator, and AWS_ENDPOINT_URL is "
                        + endpoint + "; unset it to start scripts/emulator");
            }
            progress.println("Using the emulator at " + endpoint + " (AWS_ENDPOINT_URL).");
            return new LocalEmulator(endpoint, null, false, progress);
        }
        Path script = repoRoot.resolve("scripts/emulator");
        boolean alreadyRunning = run(script, "status", progress, false).exitCode == 0;
        if (!alreadyRunning) {
            progress.println("Starting the local AWS emulator (moto server; the first run builds its Python venv, ~1 min) ...");
        }
        Result started = run(script, "start", progress, true);
        if (started.exitCode != 0) {
            throw new EmulatorException("scripts/emulator start failed (exit " + started.exitCode + "); see the lines above");
        }
        List<String> lines = started.output.lines().filter(line -> !line.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new EmulatorException("scripts/emulator start printed no endpoint URL");
        }
        URI endpoint = URI.create(lines.get(lines.size() - 1).trim());
        progress.println((alreadyRunning ? "Using the running emulator at " : "Emulator up at ") + endpoint);
        return new LocalEmulator(endpoint, script, !alreadyRunning, progress);
    }

    /** The endpoint the value names, empty when it is unset or blank; the functions check it fully when they use it. */
    private static Optional<URI> endpoint(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            URI endpoint = new URI(value.strip());
            if (endpoint.getHost() == null) {
                throw new EmulatorException("AWS_ENDPOINT_URL names no host: " + value);
            }
            return Optional.of(endpoint);
        } catch (URISyntaxException e) {
            throw new EmulatorException("AWS_ENDPOINT_URL is not a URL: " + value);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        if (stopWhenDone) {
            Result stopped = run(script, "stop", progress, true);
            progress.println(stopped.exitCode == 0 ? "Emulator stopped." : "scripts/emulator stop failed (exit " + stopped.exitCode + ")");
        }
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs the script; its diagnostics go to the progress stream when asked, its output is returned. */
    private static Result run(Path script, String command, PrintStream progress, boolean showDiagnostics) {
        try {
            Path output = Files.createTempFile("drift-deploy-emulator-" + command, ".out");
            Path diagnostics = Files.createTempFile("drift-deploy-emulator-" + command, ".err");
            try {
                Process process = new ProcessBuilder(script.toString(), command)
                        .redirectOutput(output.toFile())
                        .redirectError(diagnostics.toFile())
                        .start();
                if (!process.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new EmulatorException("scripts/emulator " + command + " did not finish within " + SCRIPT_TIMEOUT_MINUTES + " minutes");
                }
                if (showDiagnostics) {
                    Files.readAllLines(diagnostics, StandardCharsets.UTF_8).forEach(line -> progress.println("  " + line));
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
                Files.deleteIfExists(diagnostics);
            }
        } catch (IOException e) {
            throw new EmulatorException("cannot run " + script + " " + command + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmulatorException("interrupted while running scripts/emulator " + command);
        }
    }
}
