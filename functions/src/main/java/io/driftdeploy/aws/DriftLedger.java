package io.driftdeploy.aws;

import io.driftdeploy.policy.ChurnBreaker.Breaker;
import io.driftdeploy.policy.ChurnBreaker.ChurnRecord;
import io.driftdeploy.policy.ChurnBreaker.Termination;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.RateScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the drift path keeps between decisions: the event's claim, the newest evaluation, the
 * reservations that bound terminations (rules 3, 6 and 7), the storm circuit and its one alert,
 * and the churn breaker (rule 9). {@link DynamoDriftLedger} keeps them in the DynamoDB ledger,
 * where every guard is a conditional write that concurrent invocations cannot pass together.
 */
public interface DriftLedger {

    /** On the event's claim: the attempt holding it reserved everything and went on to terminate. */
    String TERMINATING = "terminating";
    /** On the event's claim: an announcement that failed after the action, for a later attempt to deliver. */
    String OWED = "owed";

    /**
     * The event's claim, and whether the evaluation is the newest recorded for its rule and
     * instance (see {@link #recordEvaluation}) when the claim's call could tell.
     */
    record EventClaim(Ledger.Claim claim, Optional<Boolean> newest) {
    }

    /** One scope's rate limit for a decision: the group's or the account's counter and its limit. */
    record RateUnit(RateScope scope, String name, int limit) {
    }

    /**
     * What one termination needs reserved, in the order the rules refuse: the instance's one
     * termination, a unit of the group's capacity allowance, and a unit of each rate limit.
     */
    record TerminationUnits(String instanceId, String group, int allowance, List<RateUnit> rates,
                            Instant windowStart, Duration window) {
    }

    /** The first reservation a termination was refused, in the order the rules check them. */
    sealed interface Refusal {
        record AlreadyTerminating() implements Refusal {
        }

        record NoCapacity() implements Refusal {
        }

        /**
         * @param circuitOpen  whether the scope's circuit was open already
         * @param stormAlerted whether the window's storm alert for the scope is out already
         */
        record RateLimit(RateScope scope, boolean circuitOpen, boolean stormAlerted) implements Refusal {
        }
    }

    /** Whether the attempt that held this claim went on to terminate (it reserved everything). */
    static boolean wasTerminating(Ledger.Claim claim) {
        return claim.attribute(TERMINATING).isPresent();
    }

    /** The announcement a claim's holder could not deliver after acting, if any. */
    static Optional<Notifier.Rendered> owed(Ledger.Claim claim) {
        return claim.attribute(OWED).map(owed -> Notifier.Rendered.fromAttribute(owed.m()));
    }

    /** Claims the event for the attempt and records its evaluation if it is the newest. */
    EventClaim claimEvent(Evaluation evaluation, Attempt attempt, Instant now);

    /**
     * For a refusal decided before the event was claimed: claims the event done, records its
     * evaluation and writes the decision's audit record, all or none, in one call. False, with
     * nothing written, when another attempt claimed the event before (finished or not) or a newer
     * evaluation is recorded: the decision must then be made the usual way, claim first. The same
     * attempt's repeat (an SDK retry whose first reply was lost) meets its own write and is true.
     */
    boolean claimDecided(Evaluation evaluation, Attempt attempt, Ledger.Put audit, Instant now);

    /** The event is decided, owing {@code undelivered}: later deliveries are duplicates that deliver it. */
    void completeEvent(Evaluation evaluation, Attempt attempt, Optional<Notifier.Rendered> undelivered);

    /** Completes the event's claim with the decision's audit record; false, with nothing written, when the claim was taken over. */
    boolean completeEvent(Evaluation evaluation, Attempt attempt, Ledger.Put audit);

    /** Clears the announcement owed on the event's claim once delivered, while the claim is still the one read. */
    void clearOwed(Evaluation evaluation, Ledger.Claim claim);

    /** Frees the event for a retry after handling failed before anything was done. */
    void releaseEvent(Evaluation evaluation, Attempt attempt);

    /** Records the evaluation if it is the newest for its rule and instance (or the very one recorded); returns whether it is. */
    boolean recordEvaluation(Evaluation evaluation, Instant now);

    /** Rule 7 as this function instance last found it: a paused scope in the way, known without a call. */
    Optional<Refusal> knownPaused(TerminationUnits units);

    /**
     * Right before terminating, all or none: reserves the units, marks the event's claim
     * terminating and remembers the termination for the churn breaker. Empty when all was taken.
     *
     * @throws ClaimLapsedException when the claim is no longer the attempt's: nothing was written
     */
    Optional<Refusal> reserve(Evaluation evaluation, TerminationUnits units, Termination termination, Attempt attempt,
                              Instant now);

    /** Read only, for dry run: the first reservation that would be refused now. */
    Optional<Refusal> wouldRefuse(TerminationUnits units, Instant now);

    /** Gives back what the decision may hold, completes the event's claim and writes the audit record, all or none. */
    boolean giveBackAndComplete(Evaluation evaluation, TerminationUnits units, Attempt attempt, Ledger.Put audit);

    /** As {@link #giveBackAndComplete}, but releasing the event for a retry: handling failed before acting. */
    void giveBackAndRelease(Evaluation evaluation, TerminationUnits units, Attempt attempt);

    /** Pauses remediation in the scope until the window ends, however many units are given back. */
    void openCircuit(RateScope scope, String name, Instant windowStart, Duration window);

    /** Claims the window's one storm alert for the scope; won by exactly one attempt. */
    boolean claimStormAlert(RateScope scope, String name, Instant windowStart, Duration window, Attempt attempt,
                            String eventId, Instant now);

    /** Completes the storm alert's claim once the alert is out, or releases it when sending failed. */
    void stormAlerted(RateScope scope, String name, Instant windowStart, Attempt attempt, boolean sent);

    /** The open breaker and the remembered terminations of the group for the rule. */
    ChurnRecord churn(String group, String rule);

    /** Opens the group's breaker for the rule; true for exactly one caller, the one that sends the alert. */
    boolean openBreaker(String group, String rule, String instanceId, String eventId, Instant now,
                        Optional<Instant> clearedAt, Attempt attempt);

    /**
     * A person clears the breaker, and its clearing is recorded with it: the breaker's deletion and
     * {@code audit}'s record of it are one write, so a breaker is never cleared unaudited. Returns
     * the breaker cleared; empty when none was open.
     */
    Optional<Breaker> clearBreaker(String group, String rule, Function<Breaker, Ledger.Put> audit);
}
