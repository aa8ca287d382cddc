package io.driftdeploy.handler;

import io.driftdeploy.aws.DriftLedger;
import io.driftdeploy.policy.RateScope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The guards a termination must pass that concurrent decisions share (one decision per
 * instance, the rate limits, the capacity in flight). In enforce mode they reserve with
 * conditional ledger writes and give everything back if the termination does not happen; in
 * dry-run they only look, so a dry run reports what enforce would do without using up capacity.
 */
sealed interface TerminationGuards {

    boolean claimTermination();

    /**
     * Takes a unit of every rate limit, all or none; returns the first scope whose limit refused,
     * empty when the termination fits every limit.
     */
    Optional<RateScope> takeRateUnits(List<DriftLedger.RateUnit> units);

    boolean holdCapacity(String group, int allowance);

    /** Returns every reservation made, for a termination that is not going to happen. */
    void giveBack();

    static TerminationGuards reserving(DriftLedger ledger, String instanceId, String eventId, Instant now,
                                       Instant windowStart, Duration window) {
        return new Reserving(ledger, instanceId, eventId, now, windowStart, window);
    }

    static TerminationGuards peeking(DriftLedger ledger, String instanceId, Instant now, Instant windowStart) {
        return new Peeking(ledger, instanceId, now, windowStart);
    }

    final class Reserving implements TerminationGuards {
        private final DriftLedger ledger;
        private final String instanceId;
        private final String eventId;
        private final Instant now;
        private final Instant windowStart;
        private final Duration window;
        private final List<Runnable> taken = new ArrayList<>();

        private Reserving(DriftLedger ledger, String instanceId, String eventId, Instant now, Instant windowStart,
                          Duration window) {
            this.ledger = ledger;
            this.instanceId = instanceId;
            this.eventId = eventId;
            this.now = now;
            this.windowStart = windowStart;
            this.window = window;
        }

        @Override
        public boolean claimTermination() {
            return took(ledger.claimTermination(instanceId, eventId, now), () -> ledger.releaseTermination(instanceId));
        }

        @Override
        public Optional<RateScope> takeRateUnits(List<DriftLedger.RateUnit> units) {
            Optional<RateScope> refused = ledger.takeRateUnits(units, windowStart, window);
            if (refused.isEmpty()) {
                units.forEach(unit -> took(true, () -> ledger.giveBackRateUnit(unit.scope(), unit.name(), windowStart)));
            }
            return refused;
        }

        @Override
        public boolean holdCapacity(String group, int allowance) {
            return took(ledger.holdCapacity(group, allowance, now), () -> ledger.releaseCapacity(group));
        }

        @Override
        public void giveBack() {
            // Newest first, so the instance's claim is the last thing released.
            for (int i = taken.size() - 1; i >= 0; i--) {
                taken.get(i).run();
            }
            taken.clear();
        }

        private boolean took(boolean reserved, Runnable release) {
            if (reserved) {
                taken.add(release);
            }
            return reserved;
        }
    }

    final class Peeking implements TerminationGuards {
        private final DriftLedger ledger;
        private final String instanceId;
        private final Instant now;
        private final Instant windowStart;

        private Peeking(DriftLedger ledger, String instanceId, Instant now, Instant windowStart) {
            this.ledger = ledger;
            this.instanceId = instanceId;
            this.now = now;
            this.windowStart = windowStart;
        }

        @Override
        public boolean claimTermination() {
            return !ledger.terminationClaimed(instanceId);
        }

        @Override
        public Optional<RateScope> takeRateUnits(List<DriftLedger.RateUnit> units) {
            return units.stream().filter(unit -> !ledger.rateBelowLimit(unit.scope(), unit.name(), unit.limit(), windowStart))
                    .map(DriftLedger.RateUnit::scope).findFirst();
        }

        @Override
        public boolean holdCapacity(String group, int allowance) {
            return ledger.capacityAvailable(group, allowance, now);
        }

        @Override
        public void giveBack() {
            // Nothing was taken.
        }
    }
}
