package io.driftdeploy.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.driftdeploy.testing.Checkout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The sample events in {@code events/} and ways to break them, for the tests. */
final class EventSamples {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Samples the tests break, one or two per function and delivery. */
    static final String DRIFT = "drift/config-noncompliant-ec2.json";
    static final String AMI = "images/ami-available.json";
    static final String IMAGE_BUILDER = "images/imagebuilder-available.json";
    static final String GOLDEN = "images/golden-image-published.json";
    static final String REFRESH = "refreshes/refresh-started.json";
    static final String CHECKPOINT = "refreshes/refresh-checkpoint-reached.json";
    static final String ALARM = "alarms/drift-alarm-state-alarm.json";
    static final String COMPOSITE = "alarms/composite-alarm-state-alarm.json";
    static final String SNS = "alarms/sns-drift-alarm.json";
    /** Paths the tests name often: the evaluation's identifier, and the alarm message inside the SNS record. */
    static final String QUALIFIER = "detail.newEvaluationResult.evaluationResultIdentifier";
    static final String MESSAGE = "Records[0].Sns.Message";

    /** One row of {@code events/catalog.json}. */
    record Entry(String file, String function, String delivery, String rule, String description,
                 Optional<String> invalidField) {
        @Override
        public String toString() {
            return file;
        }
    }

    /** The parser of each function, by the catalog's function name. */
    static Function<byte[], Object> parserOf(String function) {
        return switch (function) {
            case "drift" -> Events::parseCompliance;
            case "images" -> Events::parseImage;
            case "refreshes" -> Events::parseRefresh;
            case "alarms" -> Events::parseAlarm;
            default -> throw new IllegalArgumentException("no parser for function " + function);
        };
    }

    private EventSamples() {
    }

    static Path eventsDir() {
        return Checkout.root().resolve("events");
    }

    static List<Entry> catalog() {
        JsonNode rows = read(eventsDir().resolve("catalog.json"));
        List<Entry> entries = new ArrayList<>();
        for (JsonNode row : rows) {
            entries.add(new Entry(row.get("file").asText(), row.get("function").asText(), row.get("delivery").asText(),
                    row.get("rule").asText(), row.get("description").asText(),
                    Optional.ofNullable(row.get("invalidField")).map(JsonNode::asText)));
        }
        return entries;
    }

    static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(eventsDir().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode tree(String file) {
        return (ObjectNode) read(eventsDir().resolve(file));
    }

    /** The sample with the field at {@code path} (dots and {@code [n]}) removed. */
    static byte[] without(String file, String path) {
        return change(tree(file), path, null);
    }

    /** The sample with the field at {@code path} set to the text {@code value}. */
    static byte[] with(String file, String path, String value) {
        return change(tree(file), path, TextNode.valueOf(value));
    }

    /** The sample with the field at {@code path} set to {@code value}, or removed when it is null. */
    static byte[] change(ObjectNode event, String path, JsonNode value) {
        int cut = path.lastIndexOf('.');
        JsonNode parent = cut < 0 ? event : event.at("/" + path.substring(0, cut).replace(".", "/").replaceAll("\\[(\\d+)]", "/$1"));
        String last = path.substring(cut + 1);
        ObjectNode object = (ObjectNode) parent;
        if (value == null) {
            object.remove(last);
        } else {
            object.set(last, value);
        }
        return serialize(event);
    }

    /** The SNS sample with a field of the alarm message embedded in {@code Records[0].Sns.Message} changed. */
    static byte[] withMessageField(String file, String path, JsonNode value) {
        ObjectNode event = tree(file);
        ObjectNode sns = (ObjectNode) event.at("/Records/0/Sns");
        try {
            ObjectNode message = (ObjectNode) MAPPER.readTree(sns.get("Message").asText());
            sns.put("Message", new String(change(message, path, value), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return serialize(event);
    }

    static byte[] serialize(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
