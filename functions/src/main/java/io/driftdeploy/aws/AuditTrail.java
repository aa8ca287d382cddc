package io.driftdeploy.aws;

import static io.driftdeploy.aws.Ledger.text;

import io.driftdeploy.event.FieldLimits;
import io.driftdeploy.message.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The audit record of every decision, acted on or not, kept in the ledger under
 * {@code AUDIT#<subject>} sorted by time, so "what happened to i-0abc" is one query.
 */
public interface AuditTrail {

    /** Long enough to answer "why was this replaced" well after an incident review. */
    Duration RETENTION = Duration.ofDays(400);

    /**
     * A DynamoDB item is at most 400 KB, attribute names and values together; the keys are at most
     * 3 KB (see {@link Ledger}) and a decision takes a handful of actions, each naming an AWS call
     * and its subject; the facts are kept to 300 KB of JSON.
     */
    int MAX_FACTS_BYTES = 300 * 1024;
    int MAX_ACTION_LENGTH = 1024;

    /** The audit trail kept in {@code ledger}'s table. */
    static AuditTrail in(Ledger ledger) {
        return ledger::put;
    }

    /** The audit trail's partition key for {@code subject}, as stored (a subject too long for a key is hashed). */
    static String partitionKey(String subject) {
        return Ledger.partitionKey("AUDIT#" + subject);
    }

    default void record(Report report, Instant at) {
        record(entry(report, at));
    }

    /** Writes an audit record made by {@link #entry}. */
    void record(Ledger.Put entry);

    /** The audit record of {@code report}, for a caller that writes it in a transaction of its own. */
    static Ledger.Put entry(Report report, Instant at) {
        Map<String, AttributeValue> attributes = new HashMap<>();
        attributes.put("function", text(report.function()));
        attributes.put("eventId", text(report.eventId()));
        attributes.put("decision", text(report.decision().label()));
        attributes.put("reason", text(report.reason().label()));
        attributes.put("at", text(at.toString()));
        report.mode().ifPresent(mode -> attributes.put("mode", text(mode.label())));
        if (!report.actions().isEmpty()) {
            attributes.put("actions", AttributeValue.fromL(report.actions().stream()
                    .map(action -> text(FieldLimits.abbreviate(action, MAX_ACTION_LENGTH))).toList()));
        }
        attributes.put("facts", text(BoundedJson.write(report.facts(), MAX_FACTS_BYTES)));
        return new Ledger.Put(partitionKey(report.subject()), at + "#" + report.function() + "#" + report.eventId(),
                attributes, at.plus(RETENTION));
    }
}
