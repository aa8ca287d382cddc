package io.driftdeploy.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Consumer;

/** The sample events of {@code events/}, edited to point at a test's own resources. */
public final class EventSamples {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventSamples() {
    }

    /**
     * The sample at {@code events/<path>} with a fresh event id (so no two tests share one),
     * changed by {@code edit}, as the bytes a function receives.
     */
    public static byte[] sample(String path, Consumer<ObjectNode> edit) {
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(Checkout.root().resolve("events").resolve(Path.of(path)).toFile());
            event.put("id", UUID.randomUUID().toString());
            edit.accept(event);
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sample event " + path, e);
        }
    }

    /** The detail object of an event, for editing. */
    public static ObjectNode detail(ObjectNode event) {
        return (ObjectNode) event.get("detail");
    }
}
