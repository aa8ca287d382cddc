package io.driftdeploy.cli.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One audit record as the ledger keeps it (docs/design.md §6): when, which function, about what,
 * what it decided and why, what it did, for which event, and the facts as JSON text.
 */
public record AuditRecord(
        Instant at,
        String function,
        String subject,
        String decision,
        String reason,
        Optional<String> mode,
        List<String> actions,
        String eventId,
        Optional<String> summary,
        Optional<String> app,
        String factsJson) {

    public static final Comparator<AuditRecord> NEWEST_FIRST =
            Comparator.comparing(AuditRecord::at).thenComparing(AuditRecord::eventId).reversed();

    private static final String AUDIT_PREFIX = "AUDIT#";

    /**
     * The record of a ledger item. A record written before records named their subject has it
     * only in its partition key, {@code AUDIT#<subject>}.
     */
    static AuditRecord of(Map<String, AttributeValue> item) {
        String pk = item.get(Ledger.PARTITION_KEY).s();
        return new AuditRecord(
                Instant.parse(text(item, "at").orElseThrow()),
                text(item, "function").orElse(""),
                text(item, "subject").orElse(pk.startsWith(AUDIT_PREFIX) ? pk.substring(AUDIT_PREFIX.length()) : pk),
                text(item, "decision").orElse(""),
                text(item, "reason").orElse(""),
                text(item, "mode"),
                item.containsKey("actions") ? item.get("actions").l().stream().map(AttributeValue::s).toList() : List.of(),
                text(item, "eventId").orElse(""),
                text(item, "summary"),
                text(item, "app"),
                text(item, "facts").orElse("{}"));
    }

    /** The account the facts name (the event's, or the one a rollout was decided in), when they name one. */
    public Optional<String> namedAccount() {
        try {
            JsonNode named = Json.readTree(factsJson).path("account");
            return named.isTextual() ? Optional.of(named.asText()) : Optional.empty();
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }

    /** The newest {@code limit} of {@code records}, newest first, holding no more than {@code limit} at a time. */
    public static List<AuditRecord> newest(Stream<AuditRecord> records, int limit) {
        PriorityQueue<AuditRecord> kept = new PriorityQueue<>(NEWEST_FIRST.reversed());
        records.forEach(record -> {
            kept.add(record);
            if (kept.size() > limit) {
                kept.poll();
            }
        });
        List<AuditRecord> newestFirst = new ArrayList<>(kept);
        newestFirst.sort(NEWEST_FIRST);
        return newestFirst;
    }

    private static Optional<String> text(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).map(AttributeValue::s);
    }
}
