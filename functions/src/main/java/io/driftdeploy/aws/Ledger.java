package io.driftdeploy.aws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The DynamoDB ledger: one table (partition key {@code pk}, sort key {@code sk}, TTL attribute
 * {@code expiresAt}) holding idempotency claims, the audit trail, reservations of limited units
 * (rate limits, capacity in flight) and the small amount of state decisions depend on. Every write
 * that guards an action is conditional, so concurrent invocations cannot together step over a
 * limit (no read-then-act), and every write is safe to repeat: the SDK retries a call whose reply
 * was lost, and Lambda redelivers events, so a write that meets its own earlier copy must read as
 * success, and a give-back must happen at most once. Claims and reservations carry their holder
 * and an expiry, so what a dead attempt held is freed by time.
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

    /** The attributes of a claim ({@link #claim}). */
    public static final String HOLDER = "holder";
    private static final String DECISION = "decision";
    private static final String STATUS = "status";
    private static final String HELD_UNTIL = "heldUntil";
    private static final String IN_PROGRESS = "in-progress";
    private static final String DONE = "done";
    /** The attributes of a reserved item ({@link #reserveAll}): its holders, and its open circuit. */
    private static final String HOLDERS = "holders";
    private static final String CIRCUIT = "circuit";
    /** Who wrote a write-once fact ({@link #putUnlessAtLeast}). */
    private static final String WRITER = "writer";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public Ledger(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /**
     * What {@link #claim} found: whether the caller holds the claim now, and the item as it stands
     * (as written when won; as found when another holds it or it is done).
     */
    public record Claim(boolean won, Map<String, AttributeValue> item) {

        /** The decision the claim carries: the caller's own, or the one of the attempt it took over. */
        public String decision() {
            return item.get(DECISION).s();
        }

        /** The holder finished with it: a later claimant is a duplicate. */
        public boolean done() {
            return Optional.ofNullable(item.get(STATUS)).map(AttributeValue::s).filter(DONE::equals).isPresent();
        }

        /**
         * Until when the holder's attempt may still be working on it: present exactly while the
         * claim is in progress, since completing it removes the attribute.
         */
        public Optional<Instant> heldUntil() {
            return Optional.ofNullable(item.get(HELD_UNTIL)).map(until -> Instant.ofEpochMilli(Long.parseLong(until.n())));
        }

        public Optional<AttributeValue> attribute(String name) {
            return Optional.ofNullable(item.get(name));
        }

        /**
         * A claim as {@link #claim} returns it, for a ledger kept elsewhere (in memory, in the fast
         * tests): in progress until {@code heldUntil}, done when that is empty.
         */
        public static Claim of(boolean won, String holder, String decision, Optional<Instant> heldUntil,
                               Map<String, AttributeValue> attributes) {
            Map<String, AttributeValue> item = new HashMap<>(attributes);
            item.put(HOLDER, text(holder));
            item.put(DECISION, text(decision));
            item.put(STATUS, text(heldUntil.isPresent() ? IN_PROGRESS : DONE));
            heldUntil.ifPresent(until -> item.put(HELD_UNTIL, number(until.toEpochMilli())));
            return new Claim(won, item);
        }
    }

    /**
     * Claims a key for one attempt, the same way for every claim in the ledger (events, rollouts,
     * alarm state changes, storm alerts), after the idempotency records of Powertools for AWS
     * Lambda: the claim is in progress until {@code heldUntil} (the attempt's deadline), then done
     * ({@link #complete}) or released ({@link #release}). It is won when the key is free, when
     * {@code holder} already holds it (the SDK retried a call whose reply was lost: the retry meets
     * its own write), or when the attempt holding it was still in progress at its deadline (it
     * died: a crash or a Lambda timeout runs no cleanup). A takeover keeps the claim's decision
     * token, so the reservations the dead attempt made under it are the new attempt's own and are
     * neither taken twice nor leaked. One conditional UpdateItem; a refusal returns the item as
     * found, without a second read (ReturnValuesOnConditionCheckFailure, Amazon DynamoDB API
     * Reference, UpdateItem).
     */
    @RequiresIam("dynamodb:UpdateItem")
    public Claim claim(String pk, String sk, String holder, String decision, Instant now, Instant heldUntil,
                       Instant expiresAt, Map<String, AttributeValue> attributes) {
        Expression set = new Expression();
        attributes.forEach(set::assign);
        set.assign(HOLDER, text(holder));
        set.assign(STATUS, text(IN_PROGRESS));
        set.assign(HELD_UNTIL, number(heldUntil.toEpochMilli()));
        set.assign(EXPIRES_AT, number(expiresAt.getEpochSecond()));
        String decisionName = set.name(DECISION);
        String update = "SET " + set.assignments() + ", " + decisionName + " = if_not_exists(" + decisionName + ", "
                + set.value(text(decision)) + ")";
        String condition = "attribute_not_exists(" + set.name(PARTITION_KEY) + ") OR " + set.name(HOLDER) + " = "
                + set.value(text(holder)) + " OR (" + set.name(STATUS) + " = " + set.value(text(IN_PROGRESS)) + " AND "
                + set.name(HELD_UNTIL) + " < " + set.value(number(now.toEpochMilli())) + ")";
        try {
            return new Claim(true, dynamoDb.updateItem(request -> request
                    .tableName(table)
                    .key(key(pk, sk))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(set.names())
                    .expressionAttributeValues(set.values())
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes());
        } catch (ConditionalCheckFailedException held) {
            return new Claim(false, held.hasItem() ? held.item() : Map.of());
        }
    }

    /** How a write given to {@link #claimWith} fared. */
    public enum Alongside {
        /** Written in the claim's own transaction. */
        WRITTEN,
        /** Its condition refused it, so the claim was taken alone. */
        REFUSED,
        /** Not tried: the claim was refused, or taken over from a dead attempt (see {@link #claimWith}). */
        NOT_TRIED
    }

    /** What {@link #claimWith} found: the claim as {@link #claim} returns it, and how the write alongside fared. */
    public record ClaimWith(Claim claim, Alongside alongside) {
    }

    /**
     * {@link #claim}, and {@code alongside} in the same transaction, in one call where a claim is
     * taken fresh (or met again by the holder's own retry), which is the common case. A claim
     * another attempt holds or finished is refused as {@link #claim} refuses it, with the item as
     * found and nothing written. Otherwise {@link #claim} decides alone (one more call): when
     * {@code alongside}'s condition refused it, and for a takeover, whose claim keeps the dead
     * attempt's decision token, which only {@link #claim}'s answer carries.
     */
    @RequiresIam("dynamodb:UpdateItem")
    public ClaimWith claimWith(String pk, String sk, String holder, String decision, Instant now, Instant heldUntil,
                               Instant expiresAt, Map<String, AttributeValue> attributes, Update alongside) {
        Map<String, AttributeValue> written = new LinkedHashMap<>(attributes);
        written.put(HOLDER, text(holder));
        written.put(STATUS, text(IN_PROGRESS));
        written.put(HELD_UNTIL, number(heldUntil.toEpochMilli()));
        written.put(EXPIRES_AT, number(expiresAt.getEpochSecond()));
        written.put(DECISION, text(decision));
        Expression set = new Expression();
        written.forEach(set::assign);
        String condition = "attribute_not_exists(" + set.name(PARTITION_KEY) + ") OR " + set.name(HOLDER) + " = "
                + set.value(text(holder));
        Update fresh = new Update(pk, sk, "SET " + set.assignments(), Optional.of(condition), set.names(), set.values());
        Map<Integer, Map<String, AttributeValue>> refused = writeAll(List.of(fresh, alongside));
        if (refused.isEmpty()) {
            return new ClaimWith(new Claim(true, written), Alongside.WRITTEN);
        }
        Map<String, AttributeValue> found = refused.get(0);
        if (found != null && !lapsed(found, now)) {
            return new ClaimWith(new Claim(false, found), Alongside.NOT_TRIED);
        }
        Claim claim = claim(pk, sk, holder, decision, now, heldUntil, expiresAt, attributes);
        return new ClaimWith(claim, found == null ? Alongside.REFUSED : Alongside.NOT_TRIED);
    }

    /** A claim still in progress past its holder's deadline: the holder died, and the claim may be taken over. */
    private static boolean lapsed(Map<String, AttributeValue> claim, Instant now) {
        AttributeValue status = claim.get(STATUS);
        AttributeValue until = claim.get(HELD_UNTIL);
        return status != null && IN_PROGRESS.equals(status.s()) && until != null
                && Long.parseLong(until.n()) < now.toEpochMilli();
    }

    /**
     * A claim taken and completed in one write, as one write of a transaction ({@link #writeAll}):
     * for an attempt whose decision is made before it claims, so that its claim and its
     * completion are one call. Its condition lets it through only where no claim exists, or where
     * {@code holder} wrote it (the SDK retried a call whose reply was lost); a claim another
     * attempt holds, finished or left behind refuses it, and then {@link #claim} decides as usual.
     */
    public Update claimDone(String pk, String sk, String holder, String decision, Instant expiresAt,
                            Map<String, AttributeValue> attributes) {
        Expression set = new Expression();
        attributes.forEach(set::assign);
        set.assign(HOLDER, text(holder));
        set.assign(STATUS, text(DONE));
        set.assign(DECISION, text(decision));
        set.assign(EXPIRES_AT, number(expiresAt.getEpochSecond()));
        String condition = "attribute_not_exists(" + set.name(PARTITION_KEY) + ") OR " + set.name(HOLDER) + " = "
                + set.value(text(holder));
        return new Update(pk, sk, "SET " + set.assignments(), Optional.of(condition), set.names(), set.values());
    }

    /**
     * Marks the claim done while {@code holder} still holds it, setting and removing the
     * attributes given (an owed notification, for one); false when another attempt took it over
     * meanwhile. Safe to repeat.
     */
    @RequiresIam("dynamodb:UpdateItem")
    public boolean complete(String pk, String sk, String holder, Map<String, AttributeValue> set, List<String> remove) {
        return update(completion(pk, sk, holder, set, remove));
    }

    /** {@link #complete} as one write of a transaction ({@link #writeAll}). */
    public Update completion(String pk, String sk, String holder, Map<String, AttributeValue> set, List<String> remove) {
        Expression expression = new Expression();
        expression.assign(STATUS, text(DONE));
        set.forEach(expression::assign);
        String removed = Stream.concat(Stream.of(HELD_UNTIL), remove.stream())
                .map(expression::name).collect(Collectors.joining(", "));
        return new Update(pk, sk, "SET " + expression.assignments() + " REMOVE " + removed,
                Optional.of(expression.name(HOLDER) + " = " + expression.value(text(holder))),
                expression.names(), expression.values());
    }

    /**
     * Gives the claim up while {@code holder} still holds it, so that a retry decides afresh;
     * false when it is no longer held by {@code holder} (given up already, or taken over). Safe
     * to repeat, and never frees a claim another attempt holds.
     */
    @RequiresIam("dynamodb:DeleteItem")
    public boolean release(String pk, String sk, String holder) {
        return deleteIf(pk, sk, HOLDER, text(holder));
    }

    /** Deletes the item whoever holds it: for a person's decision (a cleared mark), never an attempt's. */
    @RequiresIam("dynamodb:DeleteItem")
    public void forget(String pk, String sk) {
        dynamoDb.deleteItem(request -> request.tableName(table).key(key(pk, sk)));
    }

    /**
     * Writes the item only if none exists yet or {@code attribute} of the one stored is below
     * {@code bound}, or the stored one was written by {@code writer} (a retry meeting its own
     * write); true when this caller's write stands. With a bound of zero: a fact written once.
     */
    @RequiresIam("dynamodb:PutItem")
    public boolean putUnlessAtLeast(String pk, String sk, Map<String, AttributeValue> attributes, String attribute,
                                    long bound, String writer) {
        Map<String, AttributeValue> values = new HashMap<>(attributes);
        values.put(WRITER, text(writer));
        return putIf(item(pk, sk, values, Optional.empty()),
                "attribute_not_exists(#pk) OR #attribute < :bound OR #writer = :writer",
                Map.of("#pk", PARTITION_KEY, "#attribute", attribute, "#writer", WRITER),
                Map.of(":bound", number(bound), ":writer", text(writer)));
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

    /** Writes an item unconditionally (audit records, notes that need no guard). */
    @RequiresIam("dynamodb:PutItem")
    public void put(Put put) {
        Map<String, AttributeValue> item = item(put.pk(), put.sk(), put.attributes(), put.expiresAt());
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

    /**
     * One unit of a limited resource to reserve with {@link #reserveAll}: the item counting it,
     * the limit, until when the unit is held unless extended, and when the item may expire.
     */
    public record Reservation(String pk, String sk, long limit, Instant heldUntil, Instant expiresAt) {
    }

    /**
     * Reserves a unit of every reservation for {@code token}, all or none: one TransactWriteItems
     * of conditional UpdateItems (IAM authorises each as UpdateItem: "Using IAM with DynamoDB
     * transactions", Amazon DynamoDB Developer Guide). An item counts its holders in a string set,
     * each with its own expiry, so that:
     * <ul>
     *   <li>taking is idempotent: a token already holding a unit holds it still (the SDK retried a
     *       transaction whose reply was lost, or an attempt took over a dead one's decision);</li>
     *   <li>giving back ({@link #giveBack}) removes the token from the set: at most once, however
     *       often it is repeated;</li>
     *   <li>a unit whose holder died is freed by time: a refused caller removes holders past their
     *       expiry (each removal conditional on the expiry it read) and tries once more.</li>
     * </ul>
     * Returns the reservations whose limit (or open circuit) refused, by index, each with its item
     * as found (empty for none, or when the limit was zero or less, which refuses without a write);
     * empty when all were taken. N concurrent callers get at
     * most each limit's worth of units, and a refused caller holds nothing.
     */
    @RequiresIam("dynamodb:UpdateItem")
    public SortedMap<Integer, Map<String, AttributeValue>> reserveAll(List<Reservation> reservations, String token,
                                                                     Instant now) {
        return reserveAll(reservations, token, now, List.of());
    }

    /**
     * As {@link #reserveAll(List, String, Instant)}, with {@code alongside} written in the same
     * transaction after the reservations: what the reserved units are for, all or none with them.
     * A refusal of one of those is returned at its index after the reservations'.
     */
    @RequiresIam({"dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:DeleteItem"})
    public SortedMap<Integer, Map<String, AttributeValue>> reserveAll(List<Reservation> reservations, String token,
                                                                     Instant now, List<? extends Write> alongside) {
        SortedMap<Integer, Map<String, AttributeValue>> closed = new TreeMap<>();
        for (int i = 0; i < reservations.size(); i++) {
            if (reservations.get(i).limit() <= 0) {
                closed.put(i, Map.of());
            }
        }
        if (!closed.isEmpty()) {
            return closed;
        }
        List<Write> writes = new ArrayList<>();
        reservations.forEach(reservation -> writes.add(reservation(reservation, token)));
        writes.addAll(alongside);
        for (boolean swept = false; ; swept = true) {
            Map<Integer, Map<String, AttributeValue>> refused = writeAll(writes);
            if (refused.isEmpty()) {
                return closed;
            }
            boolean freed = false;
            for (Map.Entry<Integer, Map<String, AttributeValue>> entry : refused.entrySet()) {
                if (entry.getKey() >= reservations.size()) {
                    continue;
                }
                Reservation reservation = reservations.get(entry.getKey());
                freed |= !swept && freeExpired(reservation.pk(), reservation.sk(), entry.getValue(), now);
            }
            if (!freed) {
                return new TreeMap<>(refused);
            }
        }
    }

    private static Update reservation(Reservation reservation, String token) {
        Expression expression = new Expression();
        String holders = expression.name(HOLDERS);
        String heldUntil = expression.name(heldUntilOf(token));
        String update = "ADD " + holders + " " + expression.value(AttributeValue.fromSs(List.of(token)))
                + " SET " + heldUntil + " = " + expression.value(number(reservation.heldUntil().toEpochMilli()))
                + ", " + expression.name(EXPIRES_AT) + " = " + expression.value(number(reservation.expiresAt().getEpochSecond()));
        String condition = "contains(" + holders + ", " + expression.value(text(token)) + ") OR (attribute_not_exists("
                + expression.name(CIRCUIT) + ") AND (attribute_not_exists(" + holders + ") OR size(" + holders + ") < "
                + expression.value(number(reservation.limit())) + "))";
        return new Update(reservation.pk(), reservation.sk(), update, Optional.of(condition), expression.names(),
                expression.values());
    }

    /**
     * Removes the holders of the item that expired before {@code now}, each only while it still
     * has the expiry read; returns whether there were any.
     */
    private boolean freeExpired(String pk, String sk, Map<String, AttributeValue> item, Instant now) {
        if (!item.containsKey(HOLDERS)) {
            return false;
        }
        Expression expression = new Expression();
        List<String> expired = new ArrayList<>();
        List<String> removals = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        for (String holder : item.get(HOLDERS).ss()) {
            AttributeValue until = item.get(heldUntilOf(holder));
            if (until != null && Long.parseLong(until.n()) >= now.toEpochMilli()) {
                continue;
            }
            String name = expression.name(heldUntilOf(holder));
            expired.add(holder);
            removals.add(name);
            conditions.add(until == null ? "attribute_not_exists(" + name + ")" : name + " = " + expression.value(until));
        }
        if (expired.isEmpty()) {
            return false;
        }
        return update(new Update(pk, sk, "DELETE " + expression.name(HOLDERS) + " " + expression.value(AttributeValue.fromSs(expired))
                + " REMOVE " + String.join(", ", removals), Optional.of(String.join(" AND ", conditions)),
                expression.names(), expression.values()));
    }

    /** Gives back {@code token}'s unit of the item, if it holds one; as one write of a transaction ({@link #writeAll}). */
    public static Update giveBack(String pk, String sk, String token) {
        Expression expression = new Expression();
        return new Update(pk, sk, "DELETE " + expression.name(HOLDERS) + " " + expression.value(AttributeValue.fromSs(List.of(token)))
                + " REMOVE " + expression.name(heldUntilOf(token)), Optional.empty(), expression.names(), expression.values());
    }

    /** Whether a reserved item, as read, has its circuit open ({@link #openCircuit}). */
    public static boolean circuitOpen(Map<String, AttributeValue> item) {
        return item.containsKey(CIRCUIT);
    }

    /**
     * The units of each reservation's item held at {@code now}, in the order given;
     * {@link Long#MAX_VALUE} while an item's circuit is open. Read only (dry run), with one
     * consistent BatchGetItem: its answer may leave keys unprocessed (throttling, size), which are
     * asked again ("BatchGetItem", Amazon DynamoDB API Reference). It refuses the same key twice,
     * so each is asked once.
     */
    @RequiresIam("dynamodb:BatchGetItem")
    public List<Long> heldUnits(List<Reservation> reservations, Instant now) {
        Map<Map<String, AttributeValue>, Map<String, AttributeValue>> found = new HashMap<>();
        List<Map<String, AttributeValue>> asked = reservations.stream().map(r -> key(r.pk(), r.sk())).distinct().toList();
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(asked).consistentRead(true).build());
        for (int attempt = 1; !request.isEmpty(); attempt++) {
            if (attempt > 1) {
                pause(attempt);
            }
            Map<String, KeysAndAttributes> unprocessed = request;
            BatchGetItemResponse response = dynamoDb.batchGetItem(batch -> batch.requestItems(unprocessed));
            response.responses().getOrDefault(table, List.of())
                    .forEach(item -> found.put(Map.of(PARTITION_KEY, item.get(PARTITION_KEY), SORT_KEY, item.get(SORT_KEY)), item));
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return reservations.stream()
                .map(reservation -> Optional.ofNullable(found.get(key(reservation.pk(), reservation.sk())))
                        .map(item -> heldUnits(item, now)).orElse(0L))
                .toList();
    }

    private static long heldUnits(Map<String, AttributeValue> item, Instant now) {
        return item.containsKey(CIRCUIT) ? Long.MAX_VALUE : liveHolders(item, now);
    }

    /** How many holders of a reserved item, as read, hold their unit still at {@code now}, whatever its circuit. */
    public static long liveHolders(Map<String, AttributeValue> item, Instant now) {
        return item.containsKey(HOLDERS) ? item.get(HOLDERS).ss().stream()
                .map(holder -> item.get(heldUntilOf(holder)))
                .filter(until -> until != null && Long.parseLong(until.n()) >= now.toEpochMilli())
                .count() : 0L;
    }

    /** Refuses every later reservation of the item, however many units are given back, until it expires. */
    @RequiresIam("dynamodb:UpdateItem")
    public void openCircuit(String pk, String sk, Instant expiresAt) {
        Expression expression = new Expression();
        update(new Update(pk, sk, "SET " + expression.name(CIRCUIT) + " = " + expression.value(text("open")) + ", "
                + expression.name(EXPIRES_AT) + " = " + expression.value(number(expiresAt.getEpochSecond())),
                Optional.empty(), expression.names(), expression.values()));
    }

    private static String heldUntilOf(String token) {
        return HELD_UNTIL + "#" + token;
    }

    /** One write of a transaction ({@link #writeAll}). */
    public sealed interface Write permits Update, Put, Delete {
    }

    /** One UpdateItem, alone ({@link #update}) or in a transaction ({@link #writeAll}). */
    public record Update(String pk, String sk, String expression, Optional<String> condition, Map<String, String> names,
                         Map<String, AttributeValue> values) implements Write {
    }

    /** One unconditional PutItem ({@link #put}) as a write of a transaction. */
    public record Put(String pk, String sk, Map<String, AttributeValue> attributes, Instant expiresAt) implements Write {
    }

    /**
     * One DeleteItem as a write of a transaction: unconditional, deleting what is gone already is a
     * no-op, so safe to repeat; or only while {@code attribute} still holds {@code expected}.
     */
    public record Delete(String pk, String sk, Optional<Map.Entry<String, AttributeValue>> onlyIf) implements Write {
        public Delete(String pk, String sk) {
            this(pk, sk, Optional.empty());
        }

        /** Deleted only while the item's {@code attribute} is {@code expected}: a refusal names it in {@link #writeAll}'s answer. */
        public static Delete ifStill(String pk, String sk, String attribute, AttributeValue expected) {
            return new Delete(pk, sk, Optional.of(Map.entry(attribute, expected)));
        }
    }

    /** Runs one update; false when its condition was false. */
    @RequiresIam("dynamodb:UpdateItem")
    public boolean update(Update update) {
        return writeOne(update).isEmpty();
    }

    /**
     * Runs the writes all or none, in one TransactWriteItems; returns the items whose condition
     * refused, by index, as they were (empty map for an absent item); empty when all were written.
     * A cancellation only for a conflict with another transaction on the same items is tried
     * again a few times before it is thrown. Every update given here is safe to repeat, so an SDK
     * retry after a lost reply does no harm (and the SDK sends the same ClientRequestToken, which
     * DynamoDB honours for ten minutes: Amazon DynamoDB API Reference, TransactWriteItems).
     */
    @RequiresIam({"dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:DeleteItem"})
    public Map<Integer, Map<String, AttributeValue>> writeAll(List<? extends Write> writes) {
        if (writes.size() == 1 && writes.get(0) instanceof Update update) {
            return writeOne(update);
        }
        List<TransactWriteItem> items = writes.stream().map(this::transactItem).toList();
        for (int attempt = 1; ; attempt++) {
            try {
                dynamoDb.transactWriteItems(request -> request.transactItems(items));
                return Map.of();
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.cancellationReasons();
                Map<Integer, Map<String, AttributeValue>> refused = new TreeMap<>();
                for (int i = 0; i < reasons.size(); i++) {
                    if (CONDITION_FAILED.equals(reasons.get(i).code())) {
                        refused.put(i, reasons.get(i).hasItem() ? reasons.get(i).item() : Map.of());
                    }
                }
                if (!refused.isEmpty()) {
                    return refused;
                }
                boolean conflict = reasons.stream().anyMatch(reason -> TRANSACTION_CONFLICT.equals(reason.code()));
                if (!conflict || attempt >= TRANSACTION_CONFLICT_TRIES) {
                    throw cancelled;
                }
                pause(attempt);
            }
        }
    }

    private TransactWriteItem transactItem(Write write) {
        return switch (write) {
            case Update update -> TransactWriteItem.builder().update(item -> {
                item.tableName(table).key(key(update.pk(), update.sk())).updateExpression(update.expression())
                        .expressionAttributeNames(update.names())
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                if (!update.values().isEmpty()) {
                    item.expressionAttributeValues(update.values());
                }
                update.condition().ifPresent(item::conditionExpression);
            }).build();
            case Put put -> TransactWriteItem.builder()
                    .put(item -> item.tableName(table).item(item(put.pk(), put.sk(), put.attributes(), put.expiresAt())))
                    .build();
            case Delete delete -> TransactWriteItem.builder().delete(item -> {
                item.tableName(table).key(key(delete.pk(), delete.sk()))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                delete.onlyIf().ifPresent(expected -> item.conditionExpression("#attribute = :expected")
                        .expressionAttributeNames(Map.of("#attribute", expected.getKey()))
                        .expressionAttributeValues(Map.of(":expected", expected.getValue())));
            }).build();
        };
    }

    /** A transaction of one is a plain UpdateItem: half the write capacity, same outcome. */
    private Map<Integer, Map<String, AttributeValue>> writeOne(Update update) {
        try {
            dynamoDb.updateItem(request -> {
                request.tableName(table).key(key(update.pk(), update.sk())).updateExpression(update.expression())
                        .expressionAttributeNames(update.names())
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                if (!update.values().isEmpty()) {
                    request.expressionAttributeValues(update.values());
                }
                update.condition().ifPresent(request::conditionExpression);
            });
            return Map.of();
        } catch (ConditionalCheckFailedException refused) {
            return Map.of(0, refused.hasItem() ? refused.item() : Map.of());
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

    /** Placeholders for an expression's attribute names and values, numbered as they are added. */
    private static final class Expression {
        private final Map<String, String> names = new LinkedHashMap<>();
        private final Map<String, AttributeValue> values = new LinkedHashMap<>();
        private final List<String> assignments = new ArrayList<>();

        String name(String attribute) {
            for (Map.Entry<String, String> entry : names.entrySet()) {
                if (entry.getValue().equals(attribute)) {
                    return entry.getKey();
                }
            }
            String placeholder = "#n" + names.size();
            names.put(placeholder, attribute);
            return placeholder;
        }

        String value(AttributeValue value) {
            String placeholder = ":v" + values.size();
            values.put(placeholder, value);
            return placeholder;
        }

        void assign(String attribute, AttributeValue value) {
            assignments.add(name(attribute) + " = " + value(value));
        }

        String assignments() {
            return String.join(", ", assignments);
        }

        Map<String, String> names() {
            return names;
        }

        Map<String, AttributeValue> values() {
            return values;
        }
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
     * Creates a ledger table with the key schema and TTL above and the audit trail's history index
     * ({@link AuditTrail#HISTORY_INDEX}), for the demo and the tests; a deployed ledger comes from
     * the CDK stack, which declares the same schema.
     */
    @RequiresIam({"dynamodb:CreateTable", "dynamodb:UpdateTimeToLive"})
    public static void createTable(DynamoDbClient dynamoDb, String table) {
        dynamoDb.createTable(request -> request
                .tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(PARTITION_KEY).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(SORT_KEY).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(AuditTrail.HISTORY_KEY).attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName(PARTITION_KEY).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(SORT_KEY).keyType(KeyType.RANGE).build())
                .globalSecondaryIndexes(index -> index
                        .indexName(AuditTrail.HISTORY_INDEX)
                        .keySchema(
                                KeySchemaElement.builder().attributeName(AuditTrail.HISTORY_KEY).keyType(KeyType.HASH).build(),
                                KeySchemaElement.builder().attributeName(SORT_KEY).keyType(KeyType.RANGE).build())
                        .projection(projection -> projection.projectionType(ProjectionType.ALL))));
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
