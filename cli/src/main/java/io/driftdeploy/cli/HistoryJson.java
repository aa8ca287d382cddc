package io.driftdeploy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftdeploy.cli.aws.AuditRecord;
import java.util.List;

/**
 * Audit records as one JSON array, each with its summary and facts. A class of its own, so that
 * picocli's look at {@link HistoryCommand} loads no Jackson (see {@link CliJson}).
 */
final class HistoryJson {

    private HistoryJson() {
    }

    static String render(List<AuditRecord> records) {
        ObjectMapper mapper = CliJson.mapper();
        ArrayNode array = mapper.createArrayNode();
        for (AuditRecord record : records) {
            ObjectNode node = array.addObject()
                    .put("at", record.at().toString())
                    .put("function", record.function())
                    .put("subject", record.subject())
                    .put("decision", record.decision())
                    .put("reason", record.reason());
            record.mode().ifPresent(mode -> node.put("mode", mode));
            record.actions().forEach(node.putArray("actions")::add);
            node.put("eventId", record.eventId());
            record.app().ifPresent(app -> node.put("app", app));
            record.summary().ifPresent(summary -> node.put("summary", summary));
            node.set("facts", facts(mapper, record.factsJson()));
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of text and arrays is always JSON", e);
        }
    }

    /** The facts as JSON, or as the text kept when it was cut to fit the item (BoundedJson). */
    private static JsonNode facts(ObjectMapper mapper, String factsJson) {
        try {
            return mapper.readTree(factsJson);
        } catch (JsonProcessingException cut) {
            return mapper.getNodeFactory().textNode(factsJson);
        }
    }
}
