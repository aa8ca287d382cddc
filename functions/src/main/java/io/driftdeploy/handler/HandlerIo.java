package io.driftdeploy.handler;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Reads a handler's raw event and writes its JSON result; shared by every handler and the CLI. */
public final class HandlerIo {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // The CLI writes to System.out, which must stay open after one result.
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private HandlerIo() {
    }

    public static byte[] readAll(InputStream input) {
        try {
            return input.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the event", e);
        }
    }

    public static void writeJson(OutputStream output, Object result) {
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(output, result);
            output.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the result", e);
        }
    }
}
