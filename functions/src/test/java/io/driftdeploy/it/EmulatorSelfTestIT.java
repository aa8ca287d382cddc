package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.driftdeploy.testing.Checkout;
import io.driftdeploy.testing.Emulator;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The emulator's own self-test (scripts/emulator_selftest.py): the calls its extensions add to moto,
 * the atomic DynamoDB it serves from a process of its own, kept-alive connections and SQS's counts,
 * as the suite relies on them. Run here so that a moto upgrade or a change to the emulator that
 * breaks one fails the build. It needs this checkout's emulator: an endpoint that
 * {@code scripts/emulator} did not start here (LocalStack, another checkout's) is not it, and the
 * test is skipped, saying so.
 */
class EmulatorSelfTestIT {

    private static final long TIMEOUT_MINUTES = 5;

    @Test
    void theEmulatorBehavesAsItsSelfTestSays() throws IOException, InterruptedException {
        URI endpoint = Emulator.endpoint();
        Path root = Checkout.root();
        Path python = root.resolve(".venv/emulator/bin/python");
        Path portFile = root.resolve(".emulator/server.port");
        assumeTrue(Files.isExecutable(python) && Files.exists(portFile)
                        && Files.readString(portFile).strip().equals(String.valueOf(endpoint.getPort())),
                "the endpoint " + endpoint + " is not the emulator scripts/emulator started in " + root);

        Path output = Files.createTempFile("emulator-selftest", ".txt");
        ProcessBuilder builder = new ProcessBuilder(python.toString(), root.resolve("scripts/emulator_selftest.py").toString())
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("AWS_ENDPOINT_URL", endpoint.toString());
        Process selfTest = builder.start();
        boolean ended = selfTest.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!ended) {
            selfTest.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);

        assertThat(ended).as("the self-test ended within %d minutes:%n%s", TIMEOUT_MINUTES, printed).isTrue();
        assertThat(selfTest.exitValue()).as(printed).isZero();
        assertThat(printed).contains(" passed, 0 failed");
    }
}
