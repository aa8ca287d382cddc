package io.driftdeploy.aws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The DynamoDB ledger: one table (partition key {@code pk}, sort key {@code sk}, TTL attribute
 * {@code expiresAt}) holding idempotency claims, the audit trail, rate counters and the small
 * amount of state decisions depend on. Every write that guards an action is conditional, so
 * concurrent invocations cannot together step over a limit (no read-then-act).
 */
public final class Ledger {

    public static final String PARTITION_KEY = "pk";
    public static final String SORT_KEY = "sk";
    public static final String EXPIRES_AT = "expiresAt";

    /**
     * DynamoDB allows a partition key value of 1 to 2,048 bytes and a sort key value of 1 to 1,024
     * bytes (Constraints in Amazon DynamoDB, "Partition keys and sort keys",
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html).
     */
    public static final int MAX_PARTITION_KEY_BYTES = 2_048;
    public static final int MAX_SORT_KEY_BYTES = 1_024;
    private static final String HASH_MARKER = "#sha256=";
    /**
     * How often a transaction that DynamoDB cancelled only for a conflict with another transaction
     * on the same items (no condition failed) is tried again before the failure is thrown.
     */
    private static final int TRANSACTION_CONFLICT_TRIES = 5;
    /** Cancellation reason codes of TransactWriteItems. */
    private static final String CONDITION_FAILED = "ConditionalCheckFailed";
    private static final String TRANSACTION_CONFLICT = "TransactionConflict";
    private static final int HASH_HEX_LENGTH = 64;

    private final DynamoDbClient dynamoDb;
    private final String table;

    public Ledger(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /**
     * Claims a key once: true for the first caller, false for every later or concurrent one.
     * EventBridge delivers at least once; this is what makes one event cause one action.
     */
    @RequiresIam("dynamodb:PutItem")
    public boolean claim(String pk, String sk, Map<String, AttributeValue> attributes, Instant expiresAt) {
        Map<String, AttributeValue> item = item(pk, sk, attributes, expiresAt);
        try {
            dynamoDb.putItem(request -> request
                    .tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PARTITION_KEY)));
            return true;
        } catch (ConditionalCheckFailedException alreadyClaimed) {
            return false;
        }
    }

    /**
     * Claims a key that never expires, unless a claim already holds it whose {@code attribute} is
     * at or above {@code bound}: true for the one caller that wrote it. With a bound of zero it is
     * {@link #claim} without expiry; a higher bound lets a claim a person cleared as of that time
     * be claimed afresh.
     */
    @RequiresIam("dynamodb:PutItem")
    public boolean claimUnlessAtLeast(String pk, String sk, Map<String, AttributeValue> attributes, String attribute,
                                      long bound) {
        return putIf(item(pk, sk, attributes, Optional.empty()), "attribute_not_exists(#pk) OR #attribute < :bound",
                Map.of("#pk", PARTITION_KEY, "#attribute", attribute), Map.of(":bound", number(bound)));
    }

    /** Every item under the partition key (Query, consistent, all pages), in sort key order. */
    @RequiresIam("dynamodb:Query")
    public List<Map<String, AttributeValue>> query(String pk) {
        return dynamoDb.queryPaginator(request -> request
                        .tableName(table)
                        .keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", PARTITION_KEY))
                        .expressionAttributeValues(Map.of(":pk", text(partitionKey(pk))))
                        .consistentRead(true))
                .items().stream()
                .toList();
    }

    /** Removes a claim, so that an event whose handling failed before acting can be retried. */
    @RequiresIam("dynamodb:DeleteItem")
    public void release(String pk, String sk) {
        dynamoDb.deleteItem(request -> request.tableName(table).key(key(pk, sk)));
    }

    /** Writes an item unconditionally (audit records, notes that need no guard). */
    @RequiresIam("dynamodb:PutItem")
    public void put(String pk, String sk, Map<String, AttributeValue> attributes, Instant expiresAt) {
        Map<String, AttributeValue> item = item(pk, sk, attributes, expiresAt);
        dynamoDb.putItem(request -> request.tableName(table).item(item));
    }

    /**
     * Writes the item only if none exists yet or the stored {@code orderAttribute} is older than
     * {@code order}; returns whether it was written. Used to keep the newest of out-of-order facts.
     */
    @RequiresIam("dynamodb:PutItem")
    public boolean putIfNewer(String pk, String sk, String orderAttribute, Instant order,
                              Map<String, AttributeValue> attributes, Instant expiresAt) {
        Map<String, AttributeValue> values = new HashMap<>(attributes);
        values.put(orderAttribute, number(order.toEpochMilli()));
        return putIf(item(pk, sk, values, expiresAt), "attribute_not_exists(#pk) OR #order < :order",
                Map.of("#pk", PARTITION_KEY, "#order", orderAttribute), Map.of(":order", number(order.toEpochMilli())));
    }

    /** PutItem under the condition; false when DynamoDB found it false. */
    private boolean putIf(Map<String, AttributeValue> item, String condition, Map<String, String> names,
                          Map<String, AttributeValue> values) {
        try {
            dynamoDb.putItem(request -> request
                    .tableName(table)
                    .item(item)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException conditionFailed) {
            return false;
        }
    }

    /** A counter of {@link #incrementAllIfBelow}: its key, its limit and when its item expires. */
    public record Counter(String pk, String sk, long limit, Instant expiresAt) {
    }

    /**
     * Adds one to every counter unless one of them already reached its limit: all are taken or
     * none (one TransactWriteItems of conditional UpdateItems, which IAM authorises as UpdateItem
     * each: "Using IAM with DynamoDB transactions", Amazon DynamoDB Developer Guide). Returns the
     * indexes of the counters whose limit refused, from the cancellation reasons; empty when all
     * were taken. A limit of zero or less refuses without a write. N concurrent callers get at
     * most each counter's limit of successes, and a refused caller holds nothing.
     */
    @RequiresIam("dynamodb:UpdateItem")
    public SortedSet<Integer> incrementAllIfBelow(List<Counter> counters) {
        SortedSet<Integer> closed = new TreeSet<>();
        for (int i = 0; i < counters.size(); i++) {
            if (counters.get(i).limit() <= 0) {
                closed.add(i);
            }
        }
        if (!closed.isEmpty()) {
            return closed;
        }
        List<TransactWriteItem> updates = counters.stream().map(counter -> TransactWriteItem.builder()
                .update(update -> update
                        .tableName(table)
                        .key(key(counter.pk(), counter.sk()))
                        .updateExpression("ADD #count :one SET #expires = :expires")
                        .conditionExpression("attribute_not_exists(#count) OR #count < :limit")
                        .expressionAttributeNames(Map.of("#count", "count", "#expires", EXPIRES_AT))
                        .expressionAttributeValues(Map.of(
                                ":one", number(1),
                                ":limit", number(counter.limit()),
                                ":expires", number(counter.expiresAt().getEpochSecond()))))
                .build()).toList();
        for (int attempt = 1; ; attempt++) {
            try {
                dynamoDb.transactWriteItems(request -> request.transactItems(updates));
                return closed;
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.cancellationReasons();
                for (int i = 0; i < reasons.size(); i++) {
                    if (CONDITION_FAILED.equals(reasons.get(i).code())) {
                        closed.add(i);
                    }
                }
                boolean conflict = reasons.stream().anyMatch(reason -> TRANSACTION_CONFLICT.equals(reason.code()));
                if (!closed.isEmpty()) {
                    return closed;
                }
                if (!conflict || attempt >= TRANSACTION_CONFLICT_TRIES) {
                    throw cancelled;
                }
                pause(attempt);
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(20L * attempt + ThreadLocalRandom.current().nextLong(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a ledger transaction", e);
        }
    }

    /**
     * Adds one to a counter that empties itself: units are held until {@code holdFor} after the
     * last one was taken, then the next caller starts afresh. Returns whether a unit was taken;
     * N concurrent callers get at most {@code limit} trues while the hold lasts. Unlike
     * {@link #incrementAllIfBelow} this needs no time bucket in the key, so no boundary between
     * buckets can let a burst through twice.
     */
    @RequiresIam("dynamodb:UpdateItem")
    public boolean holdIfBelow(String pk, String sk, long limit, Instant now, Duration holdFor) {
        if (limit <= 0) {
            return false;
        }
        Instant until = now.plus(holdFor);
        Map<String, String> names = Map.of("#count", "count", "#until", "heldUntil", "#expires", EXPIRES_AT);
        Map<String, AttributeValue> values = Map.of(
                ":one", number(1),
                ":now", number(now.toEpochMilli()),
                ":until", number(until.toEpochMilli()),
                ":expires", number(until.getEpochSecond()));
        Map<String, AttributeValue> joinValues = new HashMap<>(values);
        joinValues.put(":limit", number(limit));
        // Two rounds: a caller that loses the race to start a fresh hold joins it on the second.
        for (int round = 0; round < 2; round++) {
            if (updateIf(pk, sk, "ADD #count :one SET #until = :until, #expires = :expires",
                    "#count < :limit AND #until > :now", names, joinValues)) {
                return true;
            }
            // Full, lapsed or absent: start afresh unless a live hold exists (then it is full, or just started).
            if (updateIf(pk, sk, "SET #count = :one, #until = :until, #expires = :expires",
                    "attribute_not_exists(#count) OR #until <= :now", names, values)) {
                return true;
            }
        }
        return false;
    }

    /** Gives back one unit taken by {@link #incrementAllIfBelow} or {@link #holdIfBelow} when the guarded action did not happen. */
    @RequiresIam("dynamodb:UpdateItem")
    public void decrement(String pk, String sk) {
        dynamoDb.updateItem(request -> request
                .tableName(table)
                .key(key(pk, sk))
                .updateExpression("ADD #count :minusOne")
                .conditionExpression("#count > :zero")
                .expressionAttributeNames(Map.of("#count", "count"))
                .expressionAttributeValues(Map.of(":minusOne", number(-1), ":zero", number(0))));
    }

    /**
     * Deletes the item only while {@code attribute} still holds {@code expected}; returns whether
     * it did. Clears a note without losing a newer one written meanwhile by a concurrent caller.
     */
    @RequiresIam("dynamodb:DeleteItem")
    public boolean deleteIf(String pk, String sk, String attribute, AttributeValue expected) {
        try {
            dynamoDb.deleteItem(request -> request
                    .tableName(table)
                    .key(key(pk, sk))
                    .conditionExpression("#attribute = :expected")
                    .expressionAttributeNames(Map.of("#attribute", attribute))
                    .expressionAttributeValues(Map.of(":expected", expected)));
            return true;
        } catch (ConditionalCheckFailedException changedOrGone) {
            return false;
        }
    }

    /**
     * Creates a ledger table with the key schema and TTL above, for the demo and the tests; a
     * deployed ledger comes from the CDK stack, which declares the same schema.
     */
    @RequiresIam({"dynamodb:CreateTable", "dynamodb:UpdateTimeToLive"})
    public static void createTable(DynamoDbClient dynamoDb, String table) {
        dynamoDb.createTable(request -> request
                .tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(PARTITION_KEY).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(SORT_KEY).attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName(PARTITION_KEY).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(SORT_KEY).keyType(KeyType.RANGE).build()));
        dynamoDb.updateTimeToLive(request -> request.tableName(table)
                .timeToLiveSpecification(ttl -> ttl.enabled(true).attributeName(EXPIRES_AT)));
    }

    @RequiresIam("dynamodb:GetItem")
    public Optional<Map<String, AttributeValue>> get(String pk, String sk) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request
                .tableName(table)
                .key(key(pk, sk))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private boolean updateIf(String pk, String sk, String update, String condition, Map<String, String> names,
                             Map<String, AttributeValue> values) {
        try {
            dynamoDb.updateItem(request -> request
                    .tableName(table)
                    .key(key(pk, sk))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException conditionFailed) {
            return false;
        }
    }

    public static AttributeValue text(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** The partition key as stored: {@code pk} itself, unless it is too long for DynamoDB (see {@link #boundedKey}). */
    public static String partitionKey(String pk) {
        return boundedKey(pk, MAX_PARTITION_KEY_BYTES);
    }

    /** The sort key as stored: {@code sk} itself, unless it is too long for DynamoDB (see {@link #boundedKey}). */
    public static String sortKey(String sk) {
        return boundedKey(sk, MAX_SORT_KEY_BYTES);
    }

    /**
     * {@code key} when it fits in {@code maxBytes} of UTF-8, which every key built from a parsed
     * event does (the names in it are bounded when the event is parsed). Otherwise, defensively:
     * its longest prefix that leaves room for {@code #sha256=} and the SHA-256 of the whole key in
     * hex. A hash rather than a cut, because two long names that share a prefix must stay two
     * keys (two groups must not share a rate counter); stable, because the same name must give the
     * same key in every invocation for claims, counters and the audit trail to meet; and the
     * prefix keeps the key readable in the console.
     */
    static String boundedKey(String key, int maxBytes) {
        if (BoundedJson.utf8Length(key) <= maxBytes) {
            return key;
        }
        int prefixBytes = maxBytes - HASH_MARKER.length() - HASH_HEX_LENGTH;
        StringBuilder prefix = new StringBuilder();
        int used = 0;
        for (int offset = 0; offset < key.length(); ) {
            int codePoint = key.codePointAt(offset);
            int size = BoundedJson.utf8Length(Character.toString(codePoint));
            if (used + size > prefixBytes) {
                break;
            }
            prefix.appendCodePoint(codePoint);
            used += size;
            offset += Character.charCount(codePoint);
        }
        return prefix + HASH_MARKER + sha256Hex(key);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PARTITION_KEY, text(partitionKey(pk)), SORT_KEY, text(sortKey(sk)));
    }

    private static Map<String, AttributeValue> item(String pk, String sk, Map<String, AttributeValue> attributes,
                                                    Instant expiresAt) {
        return item(pk, sk, attributes, Optional.of(expiresAt));
    }

    private static Map<String, AttributeValue> item(String pk, String sk, Map<String, AttributeValue> attributes,
                                                    Optional<Instant> expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>(attributes);
        item.putAll(key(pk, sk));
        expiresAt.ifPresent(at -> item.put(EXPIRES_AT, number(at.getEpochSecond())));
        return item;
    }
}
