package io.driftdeploy.aws;

import static io.driftdeploy.aws.Ledger.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.policy.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The audit record of every decision, acted on or not, kept in the ledger under
 * {@code AUDIT#<subject>} sorted by time, so "what happened to i-0abc" is one query.
 */
public final class AuditTrail {

    /** Long enough to answer "why was this replaced" well after an incident review. */
    public static final Duration RETENTION = Duration.ofDays(400);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Ledger ledger;

    public AuditTrail(Ledger ledger) {
        this.ledger = ledger;
    }

    public static String partitionKey(String subject) {
        return "AUDIT#" + subject;
    }

    public void record(Report report, Instant at) {
        Map<String, AttributeValue> attributes = new HashMap<>();
        attributes.put("function", text(report.function()));
        attributes.put("eventId", text(report.eventId()));
        attributes.put("decision", text(report.decision()));
        attributes.put("reason", text(report.reason()));
        attributes.put("at", text(at.toString()));
        report.mode().ifPresent(mode -> attributes.put("mode", text(mode.label())));
        if (!report.actions().isEmpty()) {
            attributes.put("actions", AttributeValue.fromL(report.actions().stream().map(Ledger::text).toList()));
        }
        attributes.put("facts", text(json(report.facts())));
        ledger.put(partitionKey(report.subject()), at + "#" + report.function() + "#" + report.eventId(),
                attributes, at.plus(RETENTION));
    }

    private static String json(Map<String, Object> facts) {
        try {
            return JSON.writeValueAsString(facts);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("report facts are not serialisable: " + e.getOriginalMessage(), e);
        }
    }
}
