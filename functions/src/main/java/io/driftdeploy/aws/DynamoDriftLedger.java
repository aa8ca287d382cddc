package io.driftdeploy.aws;

import static io.driftdeploy.aws.Ledger.text;

import io.driftdeploy.policy.ChurnBreaker.Breaker;
import io.driftdeploy.policy.ChurnBreaker.ChurnRecord;
import io.driftdeploy.policy.ChurnBreaker.Termination;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.RateScope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The drift function's keys in the ledger and the guards built on them. Every guard is a
 * conditional write, so concurrent invocations cannot together pass a limit, and every write is
 * safe to repeat (see {@link Ledger}):
 *
 * <ul>
 *   <li>{@code EVENT#drift#<event id>} / {@code claim}: the event's claim (one event, one decision;
 *       the key every function's event claims have, {@link EventClaims}), which also says when the
 *       attempt holding it went on to terminate and what announcement is owed;</li>
 *   <li>{@code EVALUATION#<instance>} / {@code <rule>}: the newest evaluation seen, by orderingTimestamp;</li>
 *   <li>{@code TERMINATION#<instance>}: the one decision that terminates the instance (a
 *       reservation with a limit of one);</li>
 *   <li>{@code RATE#<scope>#<name>} / {@code <window start>}: terminations reserved in the window;</li>
 *   <li>{@code STORM#<scope>#<name>} / {@code <window start>}: the window's one storm alert;</li>
 *   <li>{@code CAPACITY#<group>}: terminations in flight, held briefly (see {@link #CAPACITY_HOLD});</li>
 *   <li>{@code CHURN#<group>#<rule>} / {@code TERMINATION#<instance>}: a termination for the rule in
 *       the group, with the group's members then, kept for the rate window;</li>
 *   <li>{@code CHURN#<group>#<rule>} / {@code BREAKER}: the open churn breaker, which never expires:
 *       a person clears it.</li>
 * </ul>
 *
 * <p>A termination's units are reserved right before the instance is terminated, in the same
 * transaction that marks the event's claim terminating ({@link #reserve}), each for as long as the
 * termination counts against it; a decision that does not go on to terminate gives them back.
 */
public final class DynamoDriftLedger implements DriftLedger {

    /** The drift function, as its events are keyed: one claim per event whatever the mode. */
    private static final String FUNCTION = "drift";
    /**
     * Config delivers evaluations within hours; a month outlives any late delivery. An event
     * dated before that is refused (DriftPolicy.notTooOld), since what came after it is forgotten.
     */
    private static final Duration EVALUATION_TTL = DriftPolicy.EVALUATION_RETENTION;
    /** A terminated instance is gone long before this. */
    private static final Duration TERMINATION_HOLD = Duration.ofDays(1);
    /**
     * How long a termination counts as in flight for the capacity guard: from the reservation right
     * before the call. It only has to cover the moment between
     * the group's DescribeAutoScalingGroups and the instance leaving InService (seconds); while it
     * lasts, the instance also counts as missing from InService, so the guard errs on the safe side.
     */
    private static final Duration CAPACITY_HOLD = Duration.ofMinutes(2);
    /** Where the rate units start among a termination's reservations: after its own and the capacity's. */
    private static final int FIRST_RATE_UNIT = 2;

    private static final String CLAIM = "claim";
    private static final String ORDERING_TIMESTAMP = "orderingTimestamp";
    private static final String COMPLIANCE = "compliance";
    private static final String BREAKER = "BREAKER";
    private static final String TERMINATION_PREFIX = "TERMINATION#";
    private static final String OPENED_AT = "openedAt";
    private static final String AT = "at";
    private static final String INSTANCE = "instance";
    private static final String MEMBERS = "members";
    /** On a scope's rate item: the window's storm alert for the scope is out. */
    private static final String STORM_ALERTED = "stormAlerted";

    private final Ledger ledger;
    /**
     * The rate scopes, by rate item and window, that this instance found paused (circuit open and
     * the window's storm alert out), with the end of their window. Nothing closes a circuit
     * before its window ends, so a later decision in such a scope is refused as the reservation's
     * transaction would refuse it, without the transaction. A scope is remembered only once its
     * alert is out, so an alert whose sender failed is still sent by a later decision.
     */
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();

    public DynamoDriftLedger(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * Claims the event for the attempt and records its evaluation if it is the newest, in one
     * transaction when the claim is fresh (see {@link Ledger#claimWith}).
     */
    @Override
    public EventClaim claimEvent(Evaluation evaluation, Attempt attempt, Instant now) {
        Ledger.ClaimWith claimed = ledger.claimWith(eventKey(evaluation), EventClaims.ONCE, attempt.id(), attempt.decision(), now,
                attempt.deadline(), now.plus(EventClaims.RETENTION),
                Map.of(INSTANCE, text(evaluation.instanceId()), "claimedAt", text(now.toString())), evaluationRecord(evaluation, now));
        Optional<Boolean> newest = switch (claimed.alongside()) {
            case WRITTEN -> Optional.of(true);
            case REFUSED -> Optional.of(false);
            case NOT_TRIED -> Optional.empty();
        };
        return new EventClaim(claimed.claim(), newest);
    }

    /**
     * One TransactWriteItems: the claim done ({@link Ledger#claimDone}), the evaluation record
     * under its newest-only condition, and the audit record.
     */
    @Override
    public boolean claimDecided(Evaluation evaluation, Attempt attempt, Ledger.Put audit, Instant now) {
        Ledger.Update claim = ledger.claimDone(eventKey(evaluation), EventClaims.ONCE, attempt.id(), attempt.decision(),
                now.plus(EventClaims.RETENTION), Map.of(INSTANCE, text(evaluation.instanceId()), "claimedAt", text(now.toString())));
        return ledger.writeAll(List.of(claim, evaluationRecord(evaluation, now), audit)).isEmpty();
    }

    /** The event is decided, owing {@code undelivered}: later deliveries are duplicates that deliver it. */
    @Override
    public void completeEvent(Evaluation evaluation, Attempt attempt, Optional<Notifier.Rendered> undelivered) {
        ledger.writeAll(List.of(eventCompletion(evaluation, attempt, undelivered)));
    }

    /**
     * The event is decided: completes its claim and writes the decision's audit record, in one
     * transaction. False when the claim is no longer the attempt's (it outlived its deadline and
     * was taken over): then nothing is written.
     */
    @Override
    public boolean completeEvent(Evaluation evaluation, Attempt attempt, Ledger.Put audit) {
        return ledger.writeAll(List.of(eventCompletion(evaluation, attempt, Optional.empty()), audit)).isEmpty();
    }

    private Ledger.Update eventCompletion(Evaluation evaluation, Attempt attempt, Optional<Notifier.Rendered> undelivered) {
        return ledger.completion(eventKey(evaluation), EventClaims.ONCE, attempt.id(),
                undelivered.map(owed -> Map.of(OWED, AttributeValue.fromM(owed.toAttribute()))).orElse(Map.of()),
                undelivered.isPresent() ? List.of() : List.of(OWED));
    }

    /**
     * Clears the announcement owed on the event's claim once delivered, while the claim is still
     * the one read (no newer attempt's claim is touched).
     */
    @Override
    public void clearOwed(Evaluation evaluation, Ledger.Claim claim) {
        ledger.writeAll(List.of(new Ledger.Update(eventKey(evaluation), EventClaims.ONCE, "REMOVE #owed",
                Optional.of("#holder = :holder"), Map.of("#owed", OWED, "#holder", Ledger.HOLDER),
                Map.of(":holder", claim.item().get(Ledger.HOLDER)))));
    }

    /** Frees the event for a retry after handling failed before anything was done. */
    @Override
    public void releaseEvent(Evaluation evaluation, Attempt attempt) {
        ledger.release(eventKey(evaluation), EventClaims.ONCE, attempt.id());
    }

    /**
     * Records the evaluation if it is the newest for its rule and instance; returns whether it is.
     * The very evaluation recorded before (same orderingTimestamp and compliance) is still the
     * newest: a retry of an event whose first attempt recorded it and then failed, or the alarms
     * function's sweep re-reading from Config an evaluation whose event was held back by a guard.
     */
    @Override
    public boolean recordEvaluation(Evaluation evaluation, Instant now) {
        return ledger.update(evaluationRecord(evaluation, now));
    }

    private static Ledger.Update evaluationRecord(Evaluation evaluation, Instant now) {
        Map<String, String> names = Map.of("#pk", Ledger.PARTITION_KEY, "#order", ORDERING_TIMESTAMP, "#compliance", COMPLIANCE,
                "#eventId", "eventId", "#recordedAt", "recordedAt", "#expiresAt", Ledger.EXPIRES_AT);
        Map<String, AttributeValue> values = Map.of(
                ":order", Ledger.number(evaluation.orderingTimestamp().toEpochMilli()),
                ":compliance", text(evaluation.compliance().name()),
                ":eventId", text(evaluation.eventId()),
                ":recordedAt", text(now.toString()),
                ":expiresAt", Ledger.number(now.plus(EVALUATION_TTL).getEpochSecond()));
        return new Ledger.Update("EVALUATION#" + evaluation.instanceId(), evaluation.ruleName(),
                "SET #order = :order, #compliance = :compliance, #eventId = :eventId, #recordedAt = :recordedAt, "
                        + "#expiresAt = :expiresAt",
                Optional.of("attribute_not_exists(#pk) OR #order < :order OR (#order = :order AND #compliance = :compliance)"),
                names, values);
    }

    /**
     * Rule 7 as this function instance last found it: a scope it found paused (circuit open, the
     * window's storm alert out) stays paused until its window ends, so a decision there is refused
     * without a call. Empty when no such scope is in the way.
     */
    @Override
    public Optional<Refusal> knownPaused(TerminationUnits units) {
        return units.rates().stream()
                .filter(unit -> pausedUntil.containsKey(pausedKey(unit, units.windowStart())))
                .findFirst()
                .map(unit -> new Refusal.RateLimit(unit.scope(), true, true));
    }

    /**
     * Right before terminating, in one transaction (see {@link Ledger#reserveAll}): reserves
     * everything the termination needs, all or none, each for as long as a termination counts
     * against it (the instance's for a day, the capacity in flight for its hold, the rate units
     * for their window); marks the event's claim terminating while the attempt still holds it;
     * and remembers the termination for the churn breaker (see {@link #churn}). Empty when all
     * was taken. A refused decision holds nothing, so it cannot make a concurrent one see a limit
     * reached.
     *
     * <p>An attempt that dies after this transaction and before its termination keeps the units:
     * its event's retry takes the claim over at the deadline, finds it marked terminating, reads
     * the instance and, when it was not terminated, decides afresh under the same decision token,
     * which holds the units already.
     *
     * @throws ClaimLapsedException when the claim is no longer the attempt's (it outlived its
     *                              deadline and another attempt took it over): nothing was written
     */
    @Override
    public Optional<Refusal> reserve(Evaluation evaluation, TerminationUnits units, Termination termination, Attempt attempt,
                                     Instant now) {
        List<Ledger.Write> alongside = List.of(
                new Ledger.Update(eventKey(evaluation), EventClaims.ONCE, "SET #terminating = :instance",
                        Optional.of("#holder = :holder"), Map.of("#terminating", TERMINATING, "#holder", Ledger.HOLDER),
                        Map.of(":instance", text(units.instanceId()), ":holder", text(attempt.id()))),
                churnEntry(units.group(), evaluation.ruleName(), termination, units.window()));
        List<Ledger.Reservation> reservations = reservations(units, now);
        SortedMap<Integer, Map<String, AttributeValue>> refused =
                ledger.reserveAll(reservations, attempt.decision(), now, alongside);
        if (refused.isEmpty()) {
            return Optional.empty();
        }
        if (refused.containsKey(reservations.size())) {
            throw new ClaimLapsedException("the event's claim lapsed at " + attempt.deadline()
                    + " and was taken over by another attempt; nothing was reserved or terminated");
        }
        rememberPaused(units, refused, now);
        Map<String, AttributeValue> found = refused.get(refused.firstKey());
        return Optional.of(refusal(units, refused.firstKey(), Ledger.circuitOpen(found), found.containsKey(STORM_ALERTED)));
    }

    private void rememberPaused(TerminationUnits units, SortedMap<Integer, Map<String, AttributeValue>> refused, Instant now) {
        pausedUntil.values().removeIf(windowEnd -> !windowEnd.isAfter(now));
        Instant windowEnd = units.windowStart().plus(units.window());
        refused.forEach((index, found) -> {
            // Only the rate units' items can be paused; the writes alongside them come after them.
            boolean rateUnit = index >= FIRST_RATE_UNIT && index < FIRST_RATE_UNIT + units.rates().size();
            if (rateUnit && Ledger.circuitOpen(found) && found.containsKey(STORM_ALERTED)) {
                pausedUntil.put(pausedKey(units.rates().get(index - FIRST_RATE_UNIT), units.windowStart()), windowEnd);
            }
        });
    }

    private static String pausedKey(RateUnit unit, Instant windowStart) {
        return rateKey(unit.scope(), unit.name()) + "/" + windowStart;
    }

    /** Read only, for dry run: the first reservation that would be refused now. */
    @Override
    public Optional<Refusal> wouldRefuse(TerminationUnits units, Instant now) {
        List<Ledger.Reservation> reservations = reservations(units, now);
        List<Long> held = ledger.heldUnits(reservations, now);
        for (int i = 0; i < reservations.size(); i++) {
            if (held.get(i) >= reservations.get(i).limit()) {
                return Optional.of(refusal(units, i, false, false));
            }
        }
        return Optional.empty();
    }

    /**
     * Gives back every unit the decision may hold, completes the event's claim and writes the
     * decision's audit record, in one transaction: the termination is not going to happen. Safe to
     * repeat; false, with nothing written, as {@link #completeEvent(Evaluation, Attempt, Ledger.Put)}.
     */
    @Override
    public boolean giveBackAndComplete(Evaluation evaluation, TerminationUnits units, Attempt attempt, Ledger.Put audit) {
        List<Ledger.Write> writes = new ArrayList<>(giveBacks(evaluation, units, attempt));
        writes.add(eventCompletion(evaluation, attempt, Optional.empty()));
        writes.add(audit);
        return ledger.writeAll(writes).isEmpty();
    }

    /** As {@link #giveBackAndComplete}, but releasing the event for a retry: handling failed before acting. */
    @Override
    public void giveBackAndRelease(Evaluation evaluation, TerminationUnits units, Attempt attempt) {
        ledger.writeAll(giveBacks(evaluation, units, attempt));
        releaseEvent(evaluation, attempt);
    }

    /**
     * What a decision that reserved gives back: a unit of each reservation, and the churn record
     * of the termination that is not going to happen, which only the holder of the instance's one
     * termination writes (see {@link #reserve}).
     */
    private List<Ledger.Write> giveBacks(Evaluation evaluation, TerminationUnits units, Attempt attempt) {
        List<Ledger.Write> writes = new ArrayList<>();
        for (Ledger.Reservation reservation : reservations(units, Instant.EPOCH)) {
            writes.add(Ledger.giveBack(reservation.pk(), reservation.sk(), attempt.decision()));
        }
        writes.add(new Ledger.Delete(churnKey(units.group(), evaluation.ruleName()), TERMINATION_PREFIX + units.instanceId()));
        return writes;
    }

    private List<Ledger.Reservation> reservations(TerminationUnits units, Instant now) {
        List<Ledger.Reservation> reservations = new ArrayList<>();
        Instant terminationHeld = now.plus(TERMINATION_HOLD);
        reservations.add(new Ledger.Reservation(terminationKey(units.instanceId()), CLAIM, 1, terminationHeld,
                terminationHeld.plus(TERMINATION_HOLD)));
        reservations.add(new Ledger.Reservation(capacityKey(units.group()), CLAIM, units.allowance(), now.plus(CAPACITY_HOLD),
                now.plus(CAPACITY_HOLD).plus(TERMINATION_HOLD)));
        Instant windowEnd = units.windowStart().plus(units.window());
        Instant expires = windowExpiry(units.windowStart(), units.window());
        units.rates().forEach(unit -> reservations.add(new Ledger.Reservation(rateKey(unit.scope(), unit.name()),
                units.windowStart().toString(), unit.limit(), windowEnd, expires)));
        return reservations;
    }

    private static Refusal refusal(TerminationUnits units, int index, boolean circuitOpen, boolean stormAlerted) {
        return switch (index) {
            case 0 -> new Refusal.AlreadyTerminating();
            case 1 -> new Refusal.NoCapacity();
            default -> new Refusal.RateLimit(units.rates().get(index - FIRST_RATE_UNIT).scope(), circuitOpen, stormAlerted);
        };
    }

    /**
     * A scope's rate limit in one window, as read: the terminations that count against it, and
     * whether its storm circuit is open and the window's storm alert out.
     */
    public record WindowUse(long terminations, boolean circuitOpen, boolean stormAlerted) {
    }

    /**
     * Read only, for a person's look (the CLI's status): the scope's rate item for the window
     * starting at {@code windowStart}, one consistent GetItem. Nothing decides on it: a decision
     * reserves with a conditional write ({@link #reserve}).
     */
    public WindowUse windowUse(RateScope scope, String name, Instant windowStart, Instant now) {
        return ledger.get(rateKey(scope, name), windowStart.toString())
                .map(item -> new WindowUse(Ledger.liveHolders(item, now), Ledger.circuitOpen(item), item.containsKey(STORM_ALERTED)))
                .orElse(new WindowUse(0, false, false));
    }

    /** Pauses remediation in the scope until the window ends, however many units are given back. */
    @Override
    public void openCircuit(RateScope scope, String name, Instant windowStart, Duration window) {
        ledger.openCircuit(rateKey(scope, name), windowStart.toString(), windowExpiry(windowStart, window));
    }

    /**
     * Claims the window's one storm alert for the scope; won by exactly one attempt, which
     * completes it once the alert is out ({@link #stormAlerted}) or releases it when sending failed.
     */
    @Override
    public boolean claimStormAlert(RateScope scope, String name, Instant windowStart, Duration window, Attempt attempt,
                                   String eventId, Instant now) {
        Ledger.Claim claim = ledger.claim(stormKey(scope, name), windowStart.toString(), attempt.id(), attempt.decision(), now,
                attempt.deadline(), windowExpiry(windowStart, window), Map.of("eventId", text(eventId)));
        return claim.won();
    }

    /**
     * Completes the storm alert's claim once the alert is out, and says so on the scope's rate item
     * in the same transaction, so later refused decisions, which read that item anyway, need not
     * try the claim; releases it when sending failed.
     */
    @Override
    public void stormAlerted(RateScope scope, String name, Instant windowStart, Attempt attempt, boolean sent) {
        if (sent) {
            ledger.writeAll(List.of(
                    ledger.completion(stormKey(scope, name), windowStart.toString(), attempt.id(), Map.of(), List.of()),
                    new Ledger.Update(rateKey(scope, name), windowStart.toString(), "SET #alerted = :eventOf",
                            Optional.empty(), Map.of("#alerted", STORM_ALERTED), Map.of(":eventOf", text(attempt.decision())))));
        } else {
            ledger.release(stormKey(scope, name), windowStart.toString(), attempt.id());
        }
    }

    /**
     * A termination for the churn breaker, remembered until the rate window after it ends; written
     * with the termination's reservations, so exactly the decision that holds the instance's one
     * termination writes it.
     */
    private static Ledger.Put churnEntry(String group, String rule, Termination termination, Duration window) {
        Map<String, AttributeValue> attributes = new HashMap<>();
        attributes.put(AT, Ledger.number(termination.at().toEpochMilli()));
        attributes.put(INSTANCE, text(termination.instanceId()));
        if (!termination.members().isEmpty()) {
            attributes.put(MEMBERS, AttributeValue.fromSs(List.copyOf(termination.members())));
        }
        return new Ledger.Put(churnKey(group, rule), TERMINATION_PREFIX + termination.instanceId(), attributes,
                termination.at().plus(window));
    }

    /** The open breaker and the remembered terminations of the group for the rule: one Query. */
    @Override
    public ChurnRecord churn(String group, String rule) {
        Optional<Breaker> breaker = Optional.empty();
        List<Termination> terminations = new ArrayList<>();
        for (Map<String, AttributeValue> item : ledger.query(churnKey(group, rule))) {
            String sk = item.get(Ledger.SORT_KEY).s();
            if (BREAKER.equals(sk)) {
                breaker = Optional.of(new Breaker(instant(item.get(OPENED_AT)), item.get(INSTANCE).s()));
            } else if (sk.startsWith(TERMINATION_PREFIX)) {
                AttributeValue members = item.get(MEMBERS);
                terminations.add(new Termination(item.get(INSTANCE).s(), instant(item.get(AT)),
                        members == null ? Set.of() : Set.copyOf(members.ss())));
            }
        }
        return new ChurnRecord(breaker, terminations);
    }

    /**
     * Opens the group's breaker for the rule; true for exactly one caller, the one that sends the
     * alert. A breaker opened before {@code clearedAt} (the group's clear tag) counts as cleared
     * and is opened afresh.
     */
    @Override
    public boolean openBreaker(String group, String rule, String instanceId, String eventId, Instant now,
                               Optional<Instant> clearedAt, Attempt attempt) {
        return ledger.putUnlessAtLeast(churnKey(group, rule), BREAKER,
                Map.of(OPENED_AT, Ledger.number(now.toEpochMilli()), INSTANCE, text(instanceId), "eventId", text(eventId),
                        "openedAtText", text(now.toString())),
                OPENED_AT, clearedAt.map(Instant::toEpochMilli).orElse(0L), attempt.decision());
    }

    /**
     * A person clears the breaker: it is deleted only while it is still the one read (a breaker
     * opened again meanwhile stays), in one transaction with its audit record, then the
     * terminations it was opened for, so their replacements are judged afresh. Returns the breaker
     * cleared; empty when none was open. Safe to repeat: the SDK retries a transaction whose reply
     * was lost with the same ClientRequestToken, which DynamoDB answers as the first (Amazon
     * DynamoDB API Reference, TransactWriteItems), and every other delete is conditional on what
     * was read.
     */
    @Override
    public Optional<Breaker> clearBreaker(String group, String rule, Function<Breaker, Ledger.Put> audit) {
        String pk = churnKey(group, rule);
        ChurnRecord record = churn(group, rule);
        Optional<Breaker> cleared = record.breaker().filter(open -> ledger.writeAll(List.of(
                Ledger.Delete.ifStill(pk, BREAKER, OPENED_AT, Ledger.number(open.openedAt().toEpochMilli())),
                audit.apply(open))).isEmpty());
        cleared.ifPresent(open -> record.terminations().stream()
                .filter(termination -> !termination.at().isAfter(open.openedAt()))
                .forEach(termination -> ledger.deleteIf(pk, TERMINATION_PREFIX + termination.instanceId(), AT,
                        Ledger.number(termination.at().toEpochMilli()))));
        return cleared;
    }

    private static Instant windowExpiry(Instant windowStart, Duration window) {
        // Kept one window past its end, so an incident review can still see what tripped.
        return windowStart.plus(window).plus(window);
    }

    private static String eventKey(Evaluation evaluation) {
        return EventClaims.EventKey.once(FUNCTION, evaluation.eventId()).partitionKey();
    }

    private static String terminationKey(String instanceId) {
        return "TERMINATION#" + instanceId;
    }

    private static String rateKey(RateScope scope, String name) {
        return "RATE#" + scope.label() + "#" + name;
    }

    private static String churnKey(String group, String rule) {
        return "CHURN#" + group + "#" + rule;
    }

    private static Instant instant(AttributeValue epochMillis) {
        return Instant.ofEpochMilli(Long.parseLong(epochMillis.n()));
    }

    private static String stormKey(RateScope scope, String name) {
        return "STORM#" + scope.label() + "#" + name;
    }

    private static String capacityKey(String group) {
        return "CAPACITY#" + group;
    }
}
