package io.driftdeploy.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.driftdeploy.json.Json;
import io.driftdeploy.orchestration.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Reads a handler's raw event and writes its result as JSON, and reads such JSON back as the result;
 * shared by every handler and the CLI.
 */
public final class HandlerIo {

    /** A value of another type than JSON's own (an Optional, a time) is written as this mapper writes it. */
    private static final Json.Writer JSON = new Json.Writer(() -> new ObjectMapper()
            .registerModule(new Jdk8Module())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // The CLI writes to System.out, which must stay open after one result.
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET));

    private HandlerIo() {
    }

    /**
     * The budget of a call made without a Lambda context (tests, an in-process run): Lambda's
     * longest timeout, 900 seconds ("Configure Lambda function timeout", AWS Lambda Developer
     * Guide), so no claim of a live call is ever taken for a dead one's.
     */
    public static final Duration WITHOUT_CONTEXT = Duration.ofSeconds(900);

    /**
     * When this invocation ends at the latest: Lambda stops it when its remaining time runs out,
     * running no cleanup, so the claims it makes are in progress until then and no longer. A call
     * without a context (a test, an in-process run) gets {@link #WITHOUT_CONTEXT}.
     */
    public static Instant deadline(Context context, Clock clock) {
        return context == null ? deadlineWithoutContext(clock) : clock.instant().plusMillis(context.getRemainingTimeInMillis());
    }

    /** The deadline of a call made without a Lambda context: {@link #WITHOUT_CONTEXT} from now. */
    public static Instant deadlineWithoutContext(Clock clock) {
        return clock.instant().plus(WITHOUT_CONTEXT);
    }

    /** A function's JSON result, as a caller that invoked it through Lambda got it, back as what it decided. */
    @SuppressWarnings("unchecked")
    public static Result readResult(byte[] json) {
        try {
            if (Json.readValue(json) instanceof Map<?, ?> object) {
                return Result.fromJson((Map<String, Object>) object);
            }
            throw new IOException("not a JSON object");
        } catch (IOException e) {
            throw new UncheckedIOException("the result is not JSON", e);
        }
    }

    public static byte[] readAll(InputStream input) {
        try {
            return input.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the event", e);
        }
    }

    /** Writes the result as its JSON (see {@link Result#json()}), as Lambda returns it. */
    public static void writeJson(OutputStream output, Result result) {
        writeJson(output, result.json());
    }

    /** Writes a function's response, as Lambda returns it. */
    static void writeJson(OutputStream output, Map<String, ?> response) {
        try {
            JSON.writePretty(output, response);
            output.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the result", e);
        }
    }
}
