package io.driftdeploy.cli.aws;

import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.RequiresIam;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Reads the audit trail from the ledger, never writes it: by subject (the table's own key), by
 * group or image (the history index) and, the slow path, by time alone or app (a Scan of the whole
 * table). Each reads page after page until it has the newest records asked for.
 */
public record AuditHistory(DynamoDbClient dynamoDb, String table) {

    private static final Predicate<AuditRecord> ALL = any -> true;

    /** dynamodb:Query on the table: the records under {@code AUDIT#<subject>}, newest first. */
    @RequiresIam("dynamodb:Query")
    public List<AuditRecord> about(String subject, TimeRange range, int limit) {
        return about(subject, range, limit, ALL);
    }

    private List<AuditRecord> about(String subject, TimeRange range, int limit, Predicate<AuditRecord> keep) {
        return query(QueryRequest.builder(), Ledger.PARTITION_KEY, AuditTrail.partitionKey(subject), range, limit, keep);
    }

    /** dynamodb:Query on the history index: the records filed under {@code historyKey} ({@link AuditTrail#historyKey}), newest first. */
    @RequiresIam("dynamodb:Query")
    public List<AuditRecord> filedUnder(String historyKey, TimeRange range, int limit) {
        return filedUnder(historyKey, range, limit, ALL);
    }

    private List<AuditRecord> filedUnder(String historyKey, TimeRange range, int limit, Predicate<AuditRecord> keep) {
        return query(QueryRequest.builder().indexName(AuditTrail.HISTORY_INDEX), AuditTrail.HISTORY_KEY, historyKey, range, limit, keep);
    }

    /**
     * dynamodb:Query on the table and the history index: a group's own records (rollouts, refreshes,
     * cleared breakers) and those filed under it (its instances' drift decisions, its storms),
     * newest first. No record is in both.
     */
    @RequiresIam("dynamodb:Query")
    public List<AuditRecord> group(String group, TimeRange range, int limit) {
        return group(group, range, limit, ALL);
    }

    /**
     * As {@link #group(String, TimeRange, int)}, the newest {@code limit} records that {@code keep}
     * accepts: it reads on, page after page, past those it does not.
     */
    @RequiresIam("dynamodb:Query")
    public List<AuditRecord> group(String group, TimeRange range, int limit, Predicate<AuditRecord> keep) {
        return ownAndFiled(group, AuditTrail.groupHistoryKey(group), range, limit, keep);
    }

    /**
     * As {@link #group(String, TimeRange, int)}, the records of the group of that name in one
     * account. A member's group shares its name with groups of other accounts, and its instances'
     * records are filed under that name: a record naming another account is not this group's. A
     * record naming none is the central account's (written before organizations, or by a path that
     * serves it alone). Records about a member's group itself (a cleared breaker, a storm) are filed
     * under its name in the central ledger, {@code ledgerGroup}.
     *
     * @param member whether {@code account} is a member's, not the central one
     */
    @RequiresIam("dynamodb:Query")
    public List<AuditRecord> groupIn(String account, boolean member, String group, String ledgerGroup, TimeRange range, int limit) {
        List<AuditRecord> filed = group(group, range, limit, record -> record.namedAccount().map(account::equals).orElse(!member));
        if (ledgerGroup.equals(group)) {
            return filed;
        }
        return AuditRecord.newest(Stream.concat(filed.stream(), group(ledgerGroup, range, limit).stream()), limit);
    }

    /** dynamodb:Query, as {@link #group}: an image's own records (refusals, a cleared bad mark) and its rollouts to groups. */
    @RequiresIam("dynamodb:Query")
    public List<AuditRecord> image(String image, TimeRange range, int limit) {
        return ownAndFiled(image, AuditTrail.imageHistoryKey(image), range, limit, ALL);
    }

    private List<AuditRecord> ownAndFiled(String subject, String historyKey, TimeRange range, int limit, Predicate<AuditRecord> keep) {
        return AuditRecord.newest(Stream.concat(about(subject, range, limit, keep).stream(),
                filedUnder(historyKey, range, limit, keep).stream()), limit);
    }

    /**
     * dynamodb:Scan of the whole table, every page, keeping the newest {@code limit} audit records
     * of the range (and of {@code app}, when given). The ledger has no index by time or app: this
     * reads every item once, so it takes as long as the table is large.
     */
    @RequiresIam("dynamodb:Scan")
    public List<AuditRecord> scan(TimeRange range, Optional<String> app, int limit) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", Ledger.PARTITION_KEY));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":audit", Ledger.text("AUDIT#")));
        StringBuilder filter = new StringBuilder(withRange("begins_with(#pk, :audit)", range, names, values));
        app.ifPresent(name -> {
            names.put("#app", "app");
            values.put(":app", Ledger.text(name));
            filter.append(" AND #app = :app");
        });
        Stream<AuditRecord> records = dynamoDb.scanPaginator(request -> request
                        .tableName(table)
                        .filterExpression(filter.toString())
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values))
                .items().stream()
                .map(AuditRecord::of)
                .filter(record -> range.contains(record.at()));
        return AuditRecord.newest(records, limit);
    }

    private List<AuditRecord> query(QueryRequest.Builder request, String keyAttribute, String key, TimeRange range, int limit,
                                    Predicate<AuditRecord> keep) {
        Map<String, String> names = new HashMap<>(Map.of("#key", keyAttribute));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":key", Ledger.text(key)));
        String condition = withRange("#key = :key", range, names, values);
        Stream<AuditRecord> newestFirst = dynamoDb.queryPaginator(request
                        .tableName(table)
                        .keyConditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .scanIndexForward(false)
                        .limit(limit)
                        .build())
                .items().stream()
                .map(AuditRecord::of)
                .filter(record -> range.contains(record.at()))
                .filter(keep)
                .limit(limit);
        return AuditRecord.newest(newestFirst, limit);
    }

    /** {@code condition} and the range's condition on the sort key, whose names and values join {@code names} and {@code values}. */
    private static String withRange(String condition, TimeRange range, Map<String, String> names, Map<String, AttributeValue> values) {
        return range.sortKeyCondition("#sk").map(sortKey -> {
            names.put("#sk", Ledger.SORT_KEY);
            range.sortKeyValues().forEach((name, value) -> values.put(name, Ledger.text(value)));
            return condition + " AND " + sortKey;
        }).orElse(condition);
    }
}
