package io.driftdeploy.testing;

import io.driftdeploy.aws.AwsClients;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.regions.Region;

/**
 * The AWS endpoint every integration test talks to: AWS_ENDPOINT_URL when given, otherwise the
 * project's local emulator, started once per test JVM through {@code scripts/emulator} and stopped
 * when the JVM exits (unless it was already running, in which case it is left as found).
 * Credentials are fixed fakes and the endpoint must be on loopback, so nothing reaches real AWS.
 */
public final class Emulator {

    public static final Region REGION = Region.US_EAST_1;
    /** The account moto acts as; the samples in events/ use it too, so they replay as they are. */
    public static final String ACCOUNT = "123456789012";

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private static URI endpoint;

    private Emulator() {
    }

    public static synchronized URI endpoint() {
        if (endpoint == null) {
            System.setProperty("aws.accessKeyId", "testing");
            System.setProperty("aws.secretAccessKey", "testing");
            System.setProperty("aws.region", REGION.id());
            endpoint = requireLoopback(Optional.ofNullable(System.getenv("AWS_ENDPOINT_URL"))
                    .filter(url -> !url.isBlank())
                    .map(URI::create)
                    .orElseGet(Emulator::startLocal));
        }
        return endpoint;
    }

    public static AwsClients clients() {
        return new AwsClients(REGION, Optional.of(endpoint()));
    }

    public static Path repoRoot() {
        String configured = System.getProperty("driftdeploy.repoRoot");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("scripts/emulator"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (scripts/emulator) above " + start);
    }

    private static URI requireLoopback(URI uri) {
        if (uri.getHost() == null || !LOOPBACK.contains(uri.getHost())) {
            throw new IllegalStateException("tests only talk to an emulator on loopback; AWS_ENDPOINT_URL is " + uri);
        }
        return uri;
    }

    private static URI startLocal() {
        Path script = repoRoot().resolve("scripts/emulator");
        boolean alreadyRunning = run(script, "status").exitCode == 0;
        Result started = run(script, "start");
        if (started.exitCode != 0) {
            throw new IllegalStateException("scripts/emulator start failed (exit " + started.exitCode + "):\n" + started.output);
        }
        List<String> lines = started.output.lines().filter(line -> !line.isBlank()).toList();
        URI uri = URI.create(lines.get(lines.size() - 1).trim());
        if (!alreadyRunning) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> run(script, "stop"), "emulator-stop"));
        }
        return uri;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path script, String command) {
        try {
            Path log = Files.createTempFile("emulator-" + command, ".log");
            Process process = new ProcessBuilder(script.toString(), command)
                    .redirectErrorStream(false)
                    .redirectOutput(log.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("scripts/emulator " + command + " did not finish within " + START_TIMEOUT);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + " " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running scripts/emulator " + command, e);
        }
    }
}
