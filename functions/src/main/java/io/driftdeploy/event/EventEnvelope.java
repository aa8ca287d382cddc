package io.driftdeploy.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * The EventBridge envelope common to every event the functions receive.
 *
 * @param id EventBridge event id, unique per event; the de-duplication key
 * @param source e.g. {@code aws.config}
 * @param detailType the {@code detail-type}, e.g. {@code Config Rules Compliance Change}
 * @param account account the event belongs to
 * @param region region the event belongs to
 * @param time when the event happened
 * @param resources ARNs the event concerns; empty when the event names none
 * @param detail the service-specific payload, always a JSON object
 */
public record EventEnvelope(
        String id,
        String source,
        String detailType,
        String account,
        String region,
        Instant time,
        List<String> resources,
        JsonNode detail) {

    public EventEnvelope {
        resources = List.copyOf(resources);
        detail = detail.deepCopy();
    }

    /** A copy: the envelope stays immutable whatever the caller does with the tree. */
    @Override
    public JsonNode detail() {
        return detail.deepCopy();
    }

    /** Reads and validates the envelope of a whole event document. */
    static EventEnvelope parse(JsonField root) {
        return new EventEnvelope(
                root.text("id", FieldLimits.EVENT_ID),
                root.text("source"),
                root.text("detail-type"),
                root.text("account", FieldLimits.ACCOUNT),
                root.text("region", FieldLimits.REGION),
                root.instant("time"),
                root.optionalArray("resources").orElse(List.of()).stream()
                        .map(resource -> resource.asText(FieldLimits.ARN)).toList(),
                root.object("detail").json());
    }

    /** The detail with its path, for field-level validation. */
    JsonField detailField() {
        return new JsonField(detail, "detail");
    }

    /** Rejects an event from another source than {@code expected}. */
    void requireSource(String expected) {
        if (!source.equals(expected)) {
            throw new InvalidEventException("source", "expected " + expected + ", got " + FieldLimits.echo(source));
        }
    }

    /** Rejects an event whose detail-type is not {@code expected}. */
    void requireDetailType(String expected) {
        if (!detailType.equals(expected)) {
            throw new InvalidEventException("detail-type", "expected " + expected + ", got " + FieldLimits.echo(detailType));
        }
    }
}
