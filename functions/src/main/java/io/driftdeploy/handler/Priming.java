package io.driftdeploy.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.SnapStartPrime;
import io.driftdeploy.config.Settings;
import io.driftdeploy.json.Json;
import io.driftdeploy.orchestration.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Each function's SnapStart prime ({@link SnapStartPrime}): its own handler, built on the clients the
 * prime answers in memory and logging nowhere, decides a sample event from events/ (bundled in the
 * jar) as Lambda would hand it over, and writes the result as handleRequest does. The sample is
 * made the function's own account's, so that the decision goes past the account check to the
 * rules, the ledger and the report, as a real one does.
 */
final class Priming {

    private Priming() {
    }

    /** A function's decision on one raw event, made as its handler makes it outside Lambda. */
    @FunctionalInterface
    interface Decider {
        Result handle(byte[] event);
    }

    /**
     * @param sample the event, as a path under events/
     * @param twin   the function's handler on the clients given, with telemetry that goes nowhere
     */
    static SnapStartPrime of(Settings settings, AwsClients aws, String sample, Function<AwsClients, Decider> twin) {
        return new SnapStartPrime(aws, canned -> {
            Result result = twin.apply(canned).handle(sampleEvent(sample, settings.accountId()));
            // A rejected sample would prime parsing and the rejection only: the prime is broken, say so.
            if (result instanceof Result.Rejected rejected) {
                throw new IllegalStateException("the SnapStart prime's sample event " + sample + " was rejected: "
                        + rejected.json());
            }
            HandlerIo.writeJson(OutputStream.nullOutputStream(), result);
        });
    }

    static byte[] sampleEvent(String sample, String accountId) {
        try (InputStream in = Priming.class.getResourceAsStream("events/" + sample)) {
            if (in == null) {
                throw new IllegalStateException("no sample event " + sample + " in the jar (functions/pom.xml bundles events/)");
            }
            ObjectNode event = (ObjectNode) Json.readStrictTree(in.readAllBytes());
            event.put("account", accountId);
            return Json.PLAIN.write(event).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the sample event " + sample, e);
        }
    }
}
