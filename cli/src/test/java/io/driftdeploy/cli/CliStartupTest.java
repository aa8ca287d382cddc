package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CLI loads, in a JVM of its own. To answer a command that needs no JSON: picocli builds
 * every subcommand, so a mapper built in a command's static fields would load Jackson's databind
 * for {@code --version} too (375 classes; the answer took 0.74 s instead of 0.46 s). To run
 * {@code invoke}: no class the JDK generates for an annotation, which no class archive holds.
 * And that picocli's classes can be held by the CLI's class archive (scripts/cli-archive).
 */
class CliStartupTest {

    @Test
    void versionLoadsNoJsonMapper(@TempDir Path dir) throws IOException, InterruptedException {
        Run version = run(dir, Map.of(), 0, "--version");

        assertThat(version.classes()).noneMatch(line -> line.contains("com.fasterxml.jackson.databind."));
    }

    /**
     * Reading an annotation has the JDK generate a proxy class for its type, about 5 ms each at a
     * cold start; {@code invoke} is modelled in code (Main). The run goes as far as the drift
     * handler's decision on an event without an evaluation (rejected), then fails to report it:
     * nothing answers at the endpoint.
     */
    @Test
    void invokeReadsNoAnnotation(@TempDir Path dir) throws IOException, InterruptedException {
        Map<String, String> settings = Map.of("DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:drift-deploy",
                "DRIFT_DEPLOY_TABLE", "ledger", "DRIFT_DEPLOY_ACCOUNT_ID", "123456789012", "DRIFT_DEPLOY_DRIFT_RULES", "imdsv2",
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing");
        Path event = Files.writeString(dir.resolve("event.json"), "{}");

        Run invoke = run(dir, settings, 1, "invoke", "drift", event.toString(), "--dry-run",
                "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9");

        assertThat(invoke.output()).contains("\"decision\":\"rejected\"");
        assertThat(invoke.classes()).noneMatch(line -> line.contains("__dynamic_proxy__"));
    }

    /** A CLI run in a JVM of its own: the classes it loaded, as {@code -Xlog:class+load} lists them, and what it printed. */
    private record Run(List<String> classes, String output) {
    }

    /** Runs the CLI in a JVM of its own, which must exit with {@code exitCode}. */
    private static Run run(Path dir, Map<String, String> environment, int exitCode, String... args)
            throws IOException, InterruptedException {
        Path loaded = dir.resolve("classes.txt");
        Path output = dir.resolve("output.txt");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xlog:class+load:file=" + loaded, "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder run = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        run.environment().putAll(environment);
        Process cli = run.start();

        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(output);
        assertThat(cli.exitValue()).as(printed).isEqualTo(exitCode);
        List<String> classes = Files.readAllLines(loaded, StandardCharsets.UTF_8);
        assertThat(classes).as("classes loaded").isNotEmpty();
        return new Run(classes, printed);
    }

    /**
     * AppCDS and the AOT cache take no class file older than Java 6 (version 50), and picocli's
     * published jar holds Java 5's (49): the CLI compiles picocli's sources itself (cli/pom.xml).
     */
    @Test
    void picocliIsCompiledForTheClassArchive() throws IOException {
        try (var classFile = picocli.CommandLine.class.getResourceAsStream("CommandLine.class")) {
            assertThat(classFile).isNotNull();
            byte[] header = classFile.readNBytes(8);
            int major = (header[6] & 0xff) << 8 | header[7] & 0xff;
            assertThat(major).as("picocli's class file version").isGreaterThanOrEqualTo(50);
        }
    }
}
