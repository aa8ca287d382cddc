package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CLI loads to answer a command that needs no JSON, in a JVM of its own: picocli builds
 * every subcommand, so a mapper built in a command's static fields would load Jackson's databind
 * for {@code --version} too (375 classes; the answer took 0.74 s instead of 0.46 s). And that
 * picocli's classes can be held by the CLI's class archive (scripts/cli-archive).
 */
class CliStartupTest {

    @Test
    void versionLoadsNoJsonMapper(@TempDir Path dir) throws IOException, InterruptedException {
        Path loaded = dir.resolve("classes.txt");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process cli = new ProcessBuilder(List.of(java, "-Xlog:class+load:file=" + loaded, "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "--version"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("output.txt").toFile()).start();

        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).as(Files.readString(dir.resolve("output.txt"))).isZero();
        assertThat(Files.readAllLines(loaded, StandardCharsets.UTF_8))
                .as("classes loaded").isNotEmpty()
                .noneMatch(line -> line.contains("com.fasterxml.jackson.databind."));
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
