package io.driftdeploy.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.UUID;

/**
 * "CloudWatch Alarm State Change" events for tests, made from a sample in {@code events/alarms/}
 * with only the alarm name and the event id replaced, so tests send exactly the shape AWS sends.
 */
public final class AlarmEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode event;

    private AlarmEvents(ObjectNode event) {
        this.event = event;
    }

    /** The sample (e.g. {@code alarms/drift-alarm-state-alarm.json}) for this alarm, with a fresh event id. */
    public static AlarmEvents fromSample(String sample, String alarmName) {
        String path = "events/" + sample;
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(Files.readString(Checkout.root().resolve(path)));
            event.put("id", UUID.randomUUID().toString());
            ((ObjectNode) event.get("detail")).put("alarmName", alarmName);
            ArrayNode resources = (ArrayNode) event.get("resources");
            resources.set(0, "arn:aws:cloudwatch:" + event.get("region").asText() + ":" + event.get("account").asText()
                    + ":alarm:" + alarmName);
            return new AlarmEvents(event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    public String id() {
        return event.get("id").asText();
    }

    public byte[] bytes() {
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }
}
