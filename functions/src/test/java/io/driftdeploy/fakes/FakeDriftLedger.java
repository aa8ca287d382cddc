package io.driftdeploy.fakes;

import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.ClaimLapsedException;
import io.driftdeploy.aws.DriftLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.Notifier;
import io.driftdeploy.policy.ChurnBreaker.Breaker;
import io.driftdeploy.policy.ChurnBreaker.ChurnRecord;
import io.driftdeploy.policy.ChurnBreaker.Termination;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.RateScope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The drift ledger in memory, with the conditions {@link io.driftdeploy.aws.DynamoDriftLedger}
 * writes under: a claim is won when free, held by the caller, or lapsed (keeping the dead
 * attempt's decision token); a reservation is all or none, idempotent per decision token, and
 * refused by a full item or an open circuit; give-backs remove the token's units. One caller at a
 * time (the fast tests are single-threaded; concurrency stays with the integration tests).
 * {@code DriftLedgerContract} runs the same scenarios against both.
 */
public final class FakeDriftLedger implements DriftLedger {

    /** A claim: who holds it, its decision token, until when it is in progress (empty once done). */
    private static final class Claim {
        String holder;
        String decision;
        Optional<Instant> heldUntil;
        Optional<String> terminating = Optional.empty();
        Optional<Notifier.Rendered> owed = Optional.empty();

        Claim(String holder, String decision, Instant heldUntil) {
            this.holder = holder;
            this.decision = decision;
            this.heldUntil = Optional.of(heldUntil);
        }

        Ledger.Claim as(boolean won) {
            Map<String, AttributeValue> attributes = new HashMap<>();
            terminating.ifPresent(instance -> attributes.put(TERMINATING, AttributeValue.fromS(instance)));
            owed.ifPresent(message -> attributes.put(OWED, AttributeValue.fromM(message.toAttribute())));
            return Ledger.Claim.of(won, holder, decision, heldUntil, attributes);
        }
    }

    /** An item counting units: each holder's token with the end of its hold, and whether its circuit is open. */
    private static final class Units {
        final Map<String, Instant> holders = new LinkedHashMap<>();
        boolean circuitOpen;
        boolean stormAlerted;

        long heldAt(Instant now) {
            return holders.values().stream().filter(until -> !until.isBefore(now)).count();
        }
    }

    private record Reservation(String key, long limit, Instant heldUntil) {
    }

    private record Recorded(Instant orderingTimestamp, String compliance) {
    }

    private final Map<String, Claim> claims = new HashMap<>();
    private final Map<String, Recorded> evaluations = new HashMap<>();
    private final Map<String, Units> units = new HashMap<>();
    private final Map<String, Breaker> breakers = new HashMap<>();
    /** The decision token that wrote each open breaker: a retry of its own write stands. */
    private final Map<String, String> breakerWriters = new HashMap<>();
    private final Map<String, Map<String, Termination>> churn = new HashMap<>();
    private final Map<String, Instant> pausedUntil = new HashMap<>();
    /** The audit records written with the event's completion. */
    private final List<Ledger.Put> audits = new ArrayList<>();
    /** Every method called, in order, for tests of which ledger work a decision did. */
    private final List<String> calls = new ArrayList<>();

    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** The units held now of the group's capacity, and of the account's and the group's rate windows. */
    public long capacityHeld(String group, Instant now) {
        return held("CAPACITY#" + group, now);
    }

    public long rateHeld(RateScope scope, String name, Instant windowStart, Instant now) {
        return held(rateKey(scope, name, windowStart), now);
    }

    public boolean circuitOpen(RateScope scope, String name, Instant windowStart) {
        return Optional.ofNullable(units.get(rateKey(scope, name, windowStart))).filter(item -> item.circuitOpen).isPresent();
    }

    /** Whether the event's claim is done (a later delivery is a duplicate), held, or free. */
    public Optional<Ledger.Claim> eventClaim(String eventId) {
        return Optional.ofNullable(claims.get(eventKey(eventId))).map(claim -> claim.as(false));
    }

    private long held(String key, Instant now) {
        return Optional.ofNullable(units.get(key)).map(item -> item.heldAt(now)).orElse(0L);
    }

    @Override
    public EventClaim claimEvent(Evaluation evaluation, Attempt attempt, Instant now) {
        calls.add("claimEvent");
        Claim found = claims.get(eventKey(evaluation.eventId()));
        boolean fresh = found == null || found.holder.equals(attempt.id());
        if (!fresh && !Claims.lapsed(found.heldUntil, now)) {
            return new EventClaim(found.as(false), Optional.empty());
        }
        Claim claim = claim(eventKey(evaluation.eventId()), attempt, now);
        // The evaluation is recorded in the claim's own write only when the claim is taken fresh.
        return new EventClaim(claim.as(true), fresh ? Optional.of(record(evaluation)) : Optional.empty());
    }

    private Claim claim(String key, Attempt attempt, Instant now) {
        Claim claim = claims.get(key);
        if (claim == null) {
            claim = new Claim(attempt.id(), attempt.decision(), attempt.deadline());
            claims.put(key, claim);
        } else {
            claim.holder = attempt.id();
            claim.heldUntil = Optional.of(attempt.deadline());
        }
        return claim;
    }

    @Override
    public boolean claimDecided(Evaluation evaluation, Attempt attempt, Ledger.Put audit, Instant now) {
        calls.add("claimDecided");
        Claim found = claims.get(eventKey(evaluation.eventId()));
        if (found != null && !found.holder.equals(attempt.id()) || !newest(evaluation)) {
            return false;
        }
        Claim claim = claim(eventKey(evaluation.eventId()), attempt, now);
        claim.heldUntil = Optional.empty();
        record(evaluation);
        audits.add(audit);
        return true;
    }

    @Override
    public void completeEvent(Evaluation evaluation, Attempt attempt, Optional<Notifier.Rendered> undelivered) {
        calls.add("completeEvent");
        heldBy(eventKey(evaluation.eventId()), attempt).ifPresent(claim -> {
            claim.heldUntil = Optional.empty();
            claim.owed = undelivered;
        });
    }

    @Override
    public boolean completeEvent(Evaluation evaluation, Attempt attempt, Ledger.Put audit) {
        calls.add("completeEvent");
        Optional<Claim> held = heldBy(eventKey(evaluation.eventId()), attempt);
        held.ifPresent(claim -> {
            claim.heldUntil = Optional.empty();
            claim.owed = Optional.empty();
            audits.add(audit);
        });
        return held.isPresent();
    }

    public List<Ledger.Put> audits() {
        return List.copyOf(audits);
    }

    private Optional<Claim> heldBy(String key, Attempt attempt) {
        return Optional.ofNullable(claims.get(key)).filter(claim -> claim.holder.equals(attempt.id()));
    }

    @Override
    public void clearOwed(Evaluation evaluation, Ledger.Claim read) {
        calls.add("clearOwed");
        Optional.ofNullable(claims.get(eventKey(evaluation.eventId())))
                .filter(claim -> claim.holder.equals(read.item().get(Ledger.HOLDER).s()))
                .ifPresent(claim -> claim.owed = Optional.empty());
    }

    @Override
    public void releaseEvent(Evaluation evaluation, Attempt attempt) {
        calls.add("releaseEvent");
        heldBy(eventKey(evaluation.eventId()), attempt).ifPresent(claim -> claims.remove(eventKey(evaluation.eventId())));
    }

    @Override
    public boolean recordEvaluation(Evaluation evaluation, Instant now) {
        calls.add("recordEvaluation");
        return record(evaluation);
    }

    private boolean record(Evaluation evaluation) {
        boolean newest = newest(evaluation);
        if (newest) {
            evaluations.put(evaluation.instanceId() + "/" + evaluation.ruleName(),
                    new Recorded(evaluation.orderingTimestamp(), evaluation.compliance().name()));
        }
        return newest;
    }

    /** Whether the evaluation is newer than the one recorded for its instance and rule, or the very one. */
    private boolean newest(Evaluation evaluation) {
        Recorded recorded = evaluations.get(evaluation.instanceId() + "/" + evaluation.ruleName());
        Recorded candidate = new Recorded(evaluation.orderingTimestamp(), evaluation.compliance().name());
        return recorded == null || recorded.orderingTimestamp().isBefore(candidate.orderingTimestamp())
                || recorded.equals(candidate);
    }

    @Override
    public Optional<Refusal> knownPaused(TerminationUnits needed) {
        calls.add("knownPaused");
        return needed.rates().stream()
                .filter(unit -> pausedUntil.containsKey(rateKey(unit.scope(), unit.name(), needed.windowStart())))
                .findFirst()
                .map(unit -> new Refusal.RateLimit(unit.scope(), true, true));
    }

    @Override
    public Optional<Refusal> reserve(Evaluation evaluation, TerminationUnits needed, Termination termination, Attempt attempt,
                                     Instant now) {
        calls.add("reserve");
        List<Reservation> reservations = reservations(needed, now);
        Map<Integer, Units> refused = refusals(reservations, attempt.decision(), now);
        Optional<Claim> claim = heldBy(eventKey(evaluation.eventId()), attempt);
        if (claim.isEmpty()) {
            throw new ClaimLapsedException("the event's claim is no longer " + attempt.id() + "'s; nothing was reserved");
        }
        if (!refused.isEmpty()) {
            rememberPaused(needed, refused, now);
            int first = refused.keySet().stream().min(Integer::compare).orElseThrow();
            return Optional.of(refusal(needed, first, refused.get(first).circuitOpen, refused.get(first).stormAlerted));
        }
        reservations.forEach(reservation ->
                units.computeIfAbsent(reservation.key(), key -> new Units()).holders.put(attempt.decision(), reservation.heldUntil()));
        claim.get().terminating = Optional.of(needed.instanceId());
        churn.computeIfAbsent(churnKey(needed.group(), evaluation.ruleName()), key -> new LinkedHashMap<>())
                .put(termination.instanceId(), termination);
        return Optional.empty();
    }

    private void rememberPaused(TerminationUnits needed, Map<Integer, Units> refused, Instant now) {
        pausedUntil.values().removeIf(windowEnd -> !windowEnd.isAfter(now));
        refused.forEach((index, found) -> {
            boolean rateUnit = index >= 2 && index < 2 + needed.rates().size();
            if (rateUnit && found.circuitOpen && found.stormAlerted) {
                RateUnit unit = needed.rates().get(index - 2);
                pausedUntil.put(rateKey(unit.scope(), unit.name(), needed.windowStart()),
                        needed.windowStart().plus(needed.window()));
            }
        });
    }

    /** Each reservation refused for {@code token}, by index, with its item as found. */
    private Map<Integer, Units> refusals(List<Reservation> reservations, String token, Instant now) {
        Map<Integer, Units> refused = new LinkedHashMap<>();
        for (int i = 0; i < reservations.size(); i++) {
            Reservation reservation = reservations.get(i);
            Units item = units.getOrDefault(reservation.key(), new Units());
            boolean taken = reservation.limit() > 0 && (item.holders.containsKey(token)
                    || (!item.circuitOpen && item.heldAt(now) < reservation.limit()));
            if (!taken) {
                refused.put(i, item);
            }
        }
        return refused;
    }

    @Override
    public Optional<Refusal> wouldRefuse(TerminationUnits needed, Instant now) {
        calls.add("wouldRefuse");
        List<Reservation> reservations = reservations(needed, now);
        for (int i = 0; i < reservations.size(); i++) {
            Units item = units.getOrDefault(reservations.get(i).key(), new Units());
            if (item.circuitOpen || item.heldAt(now) >= reservations.get(i).limit()) {
                return Optional.of(refusal(needed, i, false, false));
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean giveBackAndComplete(Evaluation evaluation, TerminationUnits needed, Attempt attempt, Ledger.Put audit) {
        calls.add("giveBackAndComplete");
        if (heldBy(eventKey(evaluation.eventId()), attempt).isEmpty()) {
            return false;
        }
        giveBack(evaluation, needed, attempt);
        return completeEvent(evaluation, attempt, audit);
    }

    @Override
    public void giveBackAndRelease(Evaluation evaluation, TerminationUnits needed, Attempt attempt) {
        calls.add("giveBackAndRelease");
        giveBack(evaluation, needed, attempt);
        releaseEvent(evaluation, attempt);
    }

    private void giveBack(Evaluation evaluation, TerminationUnits needed, Attempt attempt) {
        reservations(needed, Instant.EPOCH).forEach(reservation ->
                Optional.ofNullable(units.get(reservation.key())).ifPresent(item -> item.holders.remove(attempt.decision())));
        Optional.ofNullable(churn.get(churnKey(needed.group(), evaluation.ruleName())))
                .ifPresent(terminations -> terminations.remove(needed.instanceId()));
    }

    @Override
    public void openCircuit(RateScope scope, String name, Instant windowStart, Duration window) {
        calls.add("openCircuit");
        units.computeIfAbsent(rateKey(scope, name, windowStart), key -> new Units()).circuitOpen = true;
    }

    @Override
    public boolean claimStormAlert(RateScope scope, String name, Instant windowStart, Duration window, Attempt attempt,
                                   String eventId, Instant now) {
        calls.add("claimStormAlert");
        String key = "STORM#" + rateKey(scope, name, windowStart);
        Claim found = claims.get(key);
        if (found != null && !Claims.takeable(found.holder, found.heldUntil, attempt.id(), now)) {
            return false;
        }
        claim(key, attempt, now);
        return true;
    }

    @Override
    public void stormAlerted(RateScope scope, String name, Instant windowStart, Attempt attempt, boolean sent) {
        calls.add("stormAlerted");
        String key = "STORM#" + rateKey(scope, name, windowStart);
        Optional<Claim> held = heldBy(key, attempt);
        if (sent) {
            held.ifPresent(claim -> claim.heldUntil = Optional.empty());
            units.computeIfAbsent(rateKey(scope, name, windowStart), item -> new Units()).stormAlerted = true;
        } else {
            held.ifPresent(claim -> claims.remove(key));
        }
    }

    @Override
    public ChurnRecord churn(String group, String rule) {
        calls.add("churn");
        String key = churnKey(group, rule);
        return new ChurnRecord(Optional.ofNullable(breakers.get(key)),
                List.copyOf(churn.getOrDefault(key, Map.of()).values()));
    }

    @Override
    public boolean openBreaker(String group, String rule, String instanceId, String eventId, Instant now,
                               Optional<Instant> clearedAt, Attempt attempt) {
        calls.add("openBreaker");
        String key = churnKey(group, rule);
        Breaker open = breakers.get(key);
        Instant bound = clearedAt.orElse(Instant.EPOCH);
        if (open != null && !open.openedAt().isBefore(bound) && !Objects.equals(breakerWriters.get(key), attempt.decision())) {
            return false;
        }
        breakers.put(key, new Breaker(now, instanceId));
        breakerWriters.put(key, attempt.decision());
        return true;
    }

    @Override
    public Optional<Breaker> clearBreaker(String group, String rule, Function<Breaker, Ledger.Put> audit) {
        calls.add("clearBreaker");
        String key = churnKey(group, rule);
        Optional<Breaker> cleared = Optional.ofNullable(breakers.remove(key));
        cleared.map(audit).ifPresent(audits::add);
        cleared.ifPresent(open -> Optional.ofNullable(churn.get(key)).ifPresent(terminations ->
                terminations.values().removeIf(termination -> !termination.at().isAfter(open.openedAt()))));
        return cleared;
    }

    /**
     * The real ledger's reservations, in the order its rules refuse: the instance's one
     * termination (held a day), the group's capacity allowance (held two minutes), the rate units
     * (held to the end of their window).
     */
    private static List<Reservation> reservations(TerminationUnits needed, Instant now) {
        List<Reservation> reservations = new ArrayList<>();
        reservations.add(new Reservation("TERMINATION#" + needed.instanceId(), 1, now.plus(Duration.ofDays(1))));
        reservations.add(new Reservation("CAPACITY#" + needed.group(), needed.allowance(), now.plus(Duration.ofMinutes(2))));
        Instant windowEnd = needed.windowStart().plus(needed.window());
        needed.rates().forEach(unit -> reservations.add(
                new Reservation(rateKey(unit.scope(), unit.name(), needed.windowStart()), unit.limit(), windowEnd)));
        return reservations;
    }

    private static Refusal refusal(TerminationUnits needed, int index, boolean circuitOpen, boolean stormAlerted) {
        return switch (index) {
            case 0 -> new Refusal.AlreadyTerminating();
            case 1 -> new Refusal.NoCapacity();
            default -> new Refusal.RateLimit(needed.rates().get(index - 2).scope(), circuitOpen, stormAlerted);
        };
    }

    private static String eventKey(String eventId) {
        return "EVENT#drift#" + eventId;
    }

    private static String rateKey(RateScope scope, String name, Instant windowStart) {
        return "RATE#" + scope.label() + "#" + name + "/" + windowStart;
    }

    private static String churnKey(String group, String rule) {
        return "CHURN#" + group + "#" + rule;
    }
}
