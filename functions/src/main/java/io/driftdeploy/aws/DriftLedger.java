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
import java.util.Set;
import java.util.SortedSet;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The drift function's keys in the ledger and the guards built on them. Every guard is one
 * conditional write, so concurrent invocations cannot together pass a limit:
 *
 * <ul>
 *   <li>{@code EVENT#drift#<event id>}: the event's claim (one event, one action);</li>
 *   <li>{@code EVALUATION#<instance>} / {@code <rule>}: the newest evaluation seen, by orderingTimestamp;</li>
 *   <li>{@code TERMINATION#<instance>}: the one decision that terminates the instance;</li>
 *   <li>{@code RATE#<scope>#<name>} / {@code <window start>}: terminations in the window;</li>
 *   <li>{@code STORM#<scope>#<name>} / {@code <window start>}: the window's one storm alert;</li>
 *   <li>{@code CAPACITY#<group>}: terminations in flight, held briefly (see {@link #CAPACITY_HOLD});</li>
 *   <li>{@code CHURN#<group>#<rule>} / {@code TERMINATION#<instance>}: a termination for the rule in
 *       the group, with the group's members then, kept for the rate window;</li>
 *   <li>{@code CHURN#<group>#<rule>} / {@code BREAKER}: the open churn breaker, which never expires:
 *       a person clears it.</li>
 * </ul>
 */
public final class DriftLedger {

    /** EventBridge retries for up to 24 hours and Lambda's async retries for 6: a week covers both. */
    private static final Duration EVENT_CLAIM_TTL = Duration.ofDays(7);
    /**
     * Config delivers evaluations within hours; a month outlives any late delivery. An event
     * dated before that is refused (DriftPolicy.notTooOld), since what came after it is forgotten.
     */
    private static final Duration EVALUATION_TTL = DriftPolicy.EVALUATION_RETENTION;
    /** A terminated instance is gone long before this; a failed termination releases its claim. */
    private static final Duration TERMINATION_CLAIM_TTL = Duration.ofDays(1);
    /**
     * How long a termination counts as in flight for the capacity guard. It only has to cover the
     * moment between a decision's DescribeAutoScalingGroups and its instance leaving InService
     * (seconds); while it lasts, the instance also counts as missing from InService, so the guard
     * errs on the safe side.
     */
    private static final Duration CAPACITY_HOLD = Duration.ofMinutes(2);

    /**
     * An open circuit pins the window's counter far above any limit, so units given back after
     * the storm cannot reopen remediation before the window ends.
     */
    private static final long CIRCUIT_OPEN = 1_000_000_000L;

    private static final String CLAIM = "claim";
    private static final String ORDERING_TIMESTAMP = "orderingTimestamp";
    private static final String COMPLIANCE = "compliance";
    private static final String BREAKER = "BREAKER";
    private static final String TERMINATION_PREFIX = "TERMINATION#";
    private static final String OPENED_AT = "openedAt";
    private static final String AT = "at";
    private static final String INSTANCE = "instance";
    private static final String MEMBERS = "members";

    private final Ledger ledger;

    public DriftLedger(Ledger ledger) {
        this.ledger = ledger;
    }

    public boolean claimEvent(Evaluation evaluation, Instant now) {
        return ledger.claim(eventKey(evaluation.eventId()), CLAIM,
                Map.of("instance", text(evaluation.instanceId()), "claimedAt", text(now.toString())),
                now.plus(EVENT_CLAIM_TTL));
    }

    /** Frees the event for a retry after handling failed before anything was done. */
    public void releaseEvent(Evaluation evaluation) {
        ledger.release(eventKey(evaluation.eventId()), CLAIM);
    }

    /**
     * Records the evaluation if it is the newest for its rule and instance; returns whether it is.
     * The very evaluation recorded before (same orderingTimestamp and compliance) is still the
     * newest: a retry of an event whose first attempt recorded it and then failed, or the alarms
     * function's sweep re-reading from Config an evaluation whose event was held back by a guard.
     */
    public boolean recordEvaluation(Evaluation evaluation, Instant now) {
        String pk = "EVALUATION#" + evaluation.instanceId();
        boolean newest = ledger.putIfNewer(pk, evaluation.ruleName(), ORDERING_TIMESTAMP, evaluation.orderingTimestamp(),
                Map.of(COMPLIANCE, text(evaluation.compliance().name()),
                        "eventId", text(evaluation.eventId()),
                        "recordedAt", text(now.toString())),
                now.plus(EVALUATION_TTL));
        return newest || ledger.get(pk, evaluation.ruleName())
                .filter(recorded -> Long.parseLong(recorded.get(ORDERING_TIMESTAMP).n()) == evaluation.orderingTimestamp().toEpochMilli()
                        && recorded.get(COMPLIANCE).s().equals(evaluation.compliance().name()))
                .isPresent();
    }

    public boolean claimTermination(String instanceId, String eventId, Instant now) {
        return ledger.claim(terminationKey(instanceId), CLAIM, Map.of("eventId", text(eventId)), now.plus(TERMINATION_CLAIM_TTL));
    }

    public boolean terminationClaimed(String instanceId) {
        return ledger.get(terminationKey(instanceId), CLAIM).isPresent();
    }

    public void releaseTermination(String instanceId) {
        ledger.release(terminationKey(instanceId), CLAIM);
    }

    /** One scope's rate limit for a decision: the group's or the account's counter and its limit. */
    public record RateUnit(RateScope scope, String name, int limit) {
    }

    /**
     * Takes one unit of each scope's counter for the window, all or none (one transaction), so a
     * decision that one limit refuses holds no unit of another: concurrent decisions never see a
     * group at its limit because of units the account's limit is about to refuse. Returns the
     * first scope, in the order given, whose limit refused; empty when every unit was taken.
     */
    public Optional<RateScope> takeRateUnits(List<RateUnit> units, Instant windowStart, Duration window) {
        Instant expires = windowExpiry(windowStart, window);
        SortedSet<Integer> refused = ledger.incrementAllIfBelow(units.stream()
                .map(unit -> new Ledger.Counter(rateKey(unit.scope(), unit.name()), windowStart.toString(), unit.limit(), expires))
                .toList());
        return refused.isEmpty() ? Optional.empty() : Optional.of(units.get(refused.first()).scope());
    }

    /** Read only, for dry-run: whether a unit could be taken now. */
    public boolean rateBelowLimit(RateScope scope, String name, int limit, Instant windowStart) {
        return count(rateKey(scope, name), windowStart.toString()) < limit;
    }

    public void giveBackRateUnit(RateScope scope, String name, Instant windowStart) {
        giveBack(rateKey(scope, name), windowStart.toString());
    }

    /** Pauses remediation in the scope until the window ends. */
    public void openCircuit(RateScope scope, String name, Instant windowStart, Duration window) {
        ledger.put(rateKey(scope, name), windowStart.toString(),
                Map.of("count", Ledger.number(CIRCUIT_OPEN), "circuit", text("open")), windowExpiry(windowStart, window));
    }

    /** True for exactly one caller per scope and window: the one that sends the storm alert. */
    public boolean claimStormAlert(RateScope scope, String name, Instant windowStart, Duration window, String eventId) {
        return ledger.claim("STORM#" + scope.label() + "#" + name, windowStart.toString(),
                Map.of("eventId", text(eventId)), windowExpiry(windowStart, window));
    }

    public boolean holdCapacity(String group, int allowance, Instant now) {
        return ledger.holdIfBelow(capacityKey(group), CLAIM, allowance, now, CAPACITY_HOLD);
    }

    /** Read only, for dry-run: whether a termination would fit the allowance now. */
    public boolean capacityAvailable(String group, int allowance, Instant now) {
        return ledger.get(capacityKey(group), CLAIM)
                .filter(hold -> Long.parseLong(hold.get("heldUntil").n()) > now.toEpochMilli())
                .map(hold -> Long.parseLong(hold.get("count").n()))
                .orElse(0L) < allowance;
    }

    public void releaseCapacity(String group) {
        giveBack(capacityKey(group), CLAIM);
    }

    /**
     * Remembers a termination for the churn breaker, until the rate window after it ends. A
     * repeat finds it written and leaves it as it is.
     */
    public void recordTermination(String group, String rule, Termination termination, Duration window) {
        Map<String, AttributeValue> attributes = new HashMap<>();
        attributes.put(AT, Ledger.number(termination.at().toEpochMilli()));
        attributes.put(INSTANCE, text(termination.instanceId()));
        if (!termination.members().isEmpty()) {
            attributes.put(MEMBERS, AttributeValue.fromSs(List.copyOf(termination.members())));
        }
        ledger.claim(churnKey(group, rule), TERMINATION_PREFIX + termination.instanceId(), attributes,
                termination.at().plus(window));
    }

    /** The open breaker and the remembered terminations of the group for the rule: one Query. */
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
    public boolean openBreaker(String group, String rule, String instanceId, String eventId, Instant now,
                               Optional<Instant> clearedAt) {
        return ledger.claimUnlessAtLeast(churnKey(group, rule), BREAKER,
                Map.of(OPENED_AT, Ledger.number(now.toEpochMilli()), INSTANCE, text(instanceId), "eventId", text(eventId),
                        "openedAtText", text(now.toString())),
                OPENED_AT, clearedAt.map(Instant::toEpochMilli).orElse(0L));
    }

    /**
     * A person clears the breaker: it is deleted only while it is still the one read (a breaker
     * opened again meanwhile stays), then the terminations it was opened for, so their
     * replacements are judged afresh. Returns the breaker cleared; empty when none was open. Safe
     * to repeat: every delete is conditional on what was read.
     */
    public Optional<Breaker> clearBreaker(String group, String rule) {
        String pk = churnKey(group, rule);
        ChurnRecord record = churn(group, rule);
        Optional<Breaker> cleared = record.breaker()
                .filter(open -> ledger.deleteIf(pk, BREAKER, OPENED_AT, Ledger.number(open.openedAt().toEpochMilli())));
        cleared.ifPresent(open -> record.terminations().stream()
                .filter(termination -> !termination.at().isAfter(open.openedAt()))
                .forEach(termination -> ledger.deleteIf(pk, TERMINATION_PREFIX + termination.instanceId(), AT,
                        Ledger.number(termination.at().toEpochMilli()))));
        return cleared;
    }

    private void giveBack(String pk, String sk) {
        try {
            ledger.decrement(pk, sk);
        } catch (ConditionalCheckFailedException nothingHeld) {
            // The hold lapsed and restarted at zero meanwhile: there is nothing left to give back.
        }
    }

    private long count(String pk, String sk) {
        return ledger.get(pk, sk).map(item -> Long.parseLong(item.get("count").n())).orElse(0L);
    }

    private static Instant windowExpiry(Instant windowStart, Duration window) {
        // Kept one window past its end, so an incident review can still see what tripped.
        return windowStart.plus(window).plus(window);
    }

    private static String eventKey(String eventId) {
        return "EVENT#drift#" + eventId;
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

    private static String capacityKey(String group) {
        return "CAPACITY#" + group;
    }
}
