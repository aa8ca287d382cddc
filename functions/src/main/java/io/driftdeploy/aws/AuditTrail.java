package io.driftdeploy.aws;

import static io.driftdeploy.aws.Ledger.text;

import io.driftdeploy.event.FieldLimits;
import io.driftdeploy.message.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The audit record of every decision, acted on or not, kept in the ledger under
 * {@code AUDIT#<subject>} sorted by time, so "what happened to i-0abc" is one query. A record
 * about an instance is also filed under its group, and a record about a group under the image it
 * rolls out, in the ledger's one history index ({@link #HISTORY_INDEX}), so that "what happened
 * in group web" and "where did image ami-0abc go" are two queries each (docs/design.md §6).
 */
public interface AuditTrail {

    /**
     * A DynamoDB item is at most 400 KB, attribute names and values together; the keys are at most
     * 3 KB (see {@link Ledger}) and a decision takes a handful of actions, each naming an AWS call
     * and its subject; the facts are kept to 300 KB of JSON, the summary to 4 KB.
     */
    int MAX_FACTS_BYTES = 300 * 1024;
    int MAX_ACTION_LENGTH = 1024;
    int MAX_SUMMARY_LENGTH = 4096;

    /** The ledger's global secondary index of audit records by group or image, and its partition attribute. */
    String HISTORY_INDEX = "history";
    String HISTORY_KEY = "historyKey";

    /** Writes an audit record made by {@link #entry}. */
    void record(Ledger.Put entry);

    /** How long a record is kept before TTL deletes it (the {@code auditRetentionDays} setting). */
    Duration retention();

    /** The audit trail kept in {@code ledger}'s table. */
    static AuditTrail in(Ledger ledger, Duration retention) {
        return new LedgerAuditTrail(ledger, retention);
    }

    /** The audit trail's partition key for {@code subject}, as stored (a subject too long for a key is hashed). */
    static String partitionKey(String subject) {
        return Ledger.partitionKey("AUDIT#" + subject);
    }

    /** The history index's key of the records about {@code group}'s instances (and its storms). */
    static String groupHistoryKey(String group) {
        return Ledger.partitionKey("group#" + group);
    }

    /** The history index's key of the records about rolling {@code image} out to groups. */
    static String imageHistoryKey(String image) {
        return Ledger.partitionKey("image#" + image);
    }

    /**
     * Where a record is filed in the history index, besides under its subject: under the group or
     * image its facts name that its subject is not, the group first. An instance's drift decision
     * (and a group's storm) is filed under the group, a group's rollout or refresh under the image;
     * a record its subject already finds (a group's breaker cleared, an image refused) is not
     * indexed. One item has one key in one index, hence the one dimension its subject lacks.
     */
    static Optional<String> historyKey(String subject, Optional<String> group, Optional<String> image) {
        return group.filter(name -> !name.equals(subject)).map(AuditTrail::groupHistoryKey)
                .or(() -> image.filter(id -> !id.equals(subject)).map(AuditTrail::imageHistoryKey));
    }

    default void record(Report report, Instant at) {
        record(entry(report, at));
    }

    /** The audit record of {@code report}, for a caller that writes it in a transaction of its own. */
    default Ledger.Put entry(Report report, Instant at) {
        Map<String, AttributeValue> attributes = new HashMap<>();
        attributes.put("function", text(report.function()));
        attributes.put("eventId", text(report.eventId()));
        attributes.put("subject", text(report.subject()));
        attributes.put("decision", text(report.decision().label()));
        attributes.put("reason", text(report.reason().label()));
        attributes.put("at", text(at.toString()));
        report.mode().ifPresent(mode -> attributes.put("mode", text(mode.label())));
        if (!report.actions().isEmpty()) {
            attributes.put("actions", AttributeValue.fromL(report.actions().stream()
                    .map(action -> text(FieldLimits.abbreviate(action, MAX_ACTION_LENGTH))).toList()));
        }
        // What the team was told, in words: the "why" a person reads first.
        report.notification().ifPresent(notification ->
                attributes.put("summary", text(FieldLimits.abbreviate(notification.summary(), MAX_SUMMARY_LENGTH))));
        textFact(report, "app").ifPresent(app -> attributes.put("app", text(app)));
        historyKey(report.subject(), textFact(report, "group"), textFact(report, "image"))
                .ifPresent(key -> attributes.put(HISTORY_KEY, text(key)));
        attributes.put("facts", text(BoundedJson.write(report.facts(), MAX_FACTS_BYTES)));
        return new Ledger.Put(partitionKey(report.subject()), at + "#" + report.function() + "#" + report.eventId(),
                attributes, at.plus(retention()));
    }

    /** A fact every report kind names alike ({@code group}, {@code image}, {@code app}), when the report has it. */
    private static Optional<String> textFact(Report report, String name) {
        return report.facts().get(name) instanceof String value && !value.isEmpty() ? Optional.of(value) : Optional.empty();
    }
}
