package io.driftdeploy.policy;

import io.driftdeploy.config.Mode;
import io.driftdeploy.config.Settings;
import io.driftdeploy.config.TagMatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The drift safety rules (docs/safety-rules.md, "Drift: when an instance is terminated"), one method per check,
 * each named after its rule. Every check is pure: it judges facts the caller gathered and returns the reason that
 * stops a termination, or empty when the rule holds. The caller applies them cheapest fact first
 * (not strictly in rule number: rule 9 comes before the reservations of rules 3, 6 and 7, and AWS
 * Config's current result is read last, right before them) and gathers each fact only when the
 * checks before held, so a decision costs as few AWS calls as possible; the checks that guard
 * against concurrent invocations (rules 2, 3's one termination, 6, 7) judge the outcome of
 * conditional ledger writes, never a value read earlier.
 */
public final class DriftPolicy {

    private DriftPolicy() {
    }

    // Rule 1: a NON_COMPLIANT evaluation of an EC2 instance by a drift rule.

    public static Optional<DriftReason> driftRule(Evaluation evaluation, Settings.Drift drift) {
        return drift.isDriftRule(evaluation.ruleName()) ? Optional.empty() : Optional.of(DriftReason.NOT_A_DRIFT_RULE);
    }

    public static Optional<DriftReason> nonCompliant(Evaluation evaluation) {
        return switch (evaluation.compliance()) {
            case NON_COMPLIANT -> Optional.empty();
            case COMPLIANT -> Optional.of(DriftReason.COMPLIANT);
            case NOT_APPLICABLE, INSUFFICIENT_DATA -> Optional.of(DriftReason.NO_VERDICT);
        };
    }

    // Rule 2: one event causes at most one action.

    /** @param firstClaim whether this invocation won the conditional claim of the event id */
    public static Optional<DriftReason> notDuplicate(boolean firstClaim) {
        return firstClaim ? Optional.empty() : Optional.of(DriftReason.DUPLICATE_EVENT);
    }

    // Rule 3: fresh and still true.

    /**
     * How far ahead of this function's clock an evaluation may be dated: AWS Config dates an
     * evaluation when it runs the rule, so only the difference of two clocks can put it ahead.
     */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    /**
     * How long the ledger remembers the newest evaluation of a rule and instance; an event dated
     * earlier cannot be ordered against the evaluations since, so it is refused.
     */
    public static final Duration EVALUATION_RETENTION = Duration.ofDays(30);

    /**
     * An evaluation dated after now plus {@link #CLOCK_SKEW} was not sent by AWS Config. Checked
     * before anything is recorded, so such a date cannot make genuine evaluations look stale.
     */
    public static Optional<DriftReason> notFromTheFuture(Evaluation evaluation, Instant now) {
        return evaluation.orderingTimestamp().isAfter(now.plus(CLOCK_SKEW))
                ? Optional.of(DriftReason.EVALUATION_FROM_THE_FUTURE) : Optional.empty();
    }

    /**
     * An event's evaluation older than {@link #EVALUATION_RETENTION}: the ledger no longer
     * remembers what came after it. Only for a time an event claims; the sweep's evaluations are
     * AWS Config's own current results, whose OrderingTimestamp stays as old as the configuration
     * that was evaluated.
     */
    public static Optional<DriftReason> notTooOld(Evaluation evaluation, Instant now) {
        return evaluation.orderingTimestamp().isBefore(now.minus(EVALUATION_RETENTION))
                ? Optional.of(DriftReason.EVALUATION_TOO_OLD) : Optional.empty();
    }

    public static Optional<DriftReason> instanceLive(Optional<InstanceFacts> instance) {
        if (instance.isEmpty() || instance.get().state().isGone()) {
            return Optional.of(DriftReason.INSTANCE_GONE);
        }
        return instance.get().state().isLive() ? Optional.empty() : Optional.of(DriftReason.INSTANCE_NOT_RUNNING);
    }

    /**
     * Whether a termination was applied, judged by reading the instance again after a call whose
     * outcome is unknown (an error, or a reply that never came): the instance is gone or no
     * longer running in EC2, has left its Auto Scaling group, or the group is terminating it
     * (lifecycle state Terminating, Terminating:Wait, Terminating:Proceed or Terminated: "Amazon
     * EC2 Auto Scaling instance lifecycle", Amazon EC2 Auto Scaling User Guide). With a
     * termination lifecycle hook EC2 still reports the instance running while the group holds it
     * in Terminating:Wait, so the group's state decides as much as EC2's.
     */
    public static boolean terminationApplied(Optional<InstanceFacts> instance) {
        return instance.isEmpty() || !instance.get().state().isLive()
                || instance.get().group().map(group -> group.memberLifecycleState().startsWith("Terminat")).orElse(true);
    }

    /** @param firstClaim whether this decision won the conditional claim to terminate the instance */
    public static Optional<DriftReason> notAlreadyTerminating(boolean firstClaim) {
        return firstClaim ? Optional.empty() : Optional.of(DriftReason.ALREADY_TERMINATING);
    }

    /**
     * Rule 3 against AWS Config's current result for the rule and instance (read right before
     * acting), not against what events claimed. No result on record refuses: nothing but the
     * event says the instance drifted. A current NON_COMPLIANT result vouches for an evaluation not
     * older than itself, even when an earlier event recorded a later time in the ledger; an older
     * one stands only while the ledger holds nothing newer either (a newer event decides instead).
     * A current result that is not NON_COMPLIANT refuses: as stale when it is newer than the
     * evaluation, else because Config does not hold what the event claims.
     *
     * @param newestRecorded whether the ledger held nothing newer for the rule and instance
     */
    public static Optional<DriftReason> currentInConfig(Evaluation evaluation, Optional<ConfigResult> current,
                                                        boolean newestRecorded) {
        if (current.isEmpty()) {
            return Optional.of(DriftReason.NO_EVALUATION_ON_RECORD);
        }
        ConfigResult result = current.get();
        boolean olderThanConfig = evaluation.orderingTimestamp().isBefore(result.orderingTimestamp());
        if (result.nonCompliant()) {
            return !olderThanConfig || newestRecorded ? Optional.empty() : Optional.of(DriftReason.STALE_EVALUATION);
        }
        return Optional.of(olderThanConfig ? DriftReason.STALE_EVALUATION : DriftReason.NO_LONGER_NON_COMPLIANT);
    }

    // Rule 4: it belongs to an Auto Scaling group that opted in.

    public static Optional<DriftReason> optedInGroup(InstanceFacts instance, TagMatcher optInTag) {
        if (instance.group().isEmpty()) {
            return Optional.of(DriftReason.STANDALONE_INSTANCE);
        }
        return optInTag.matches(instance.group().get().tags()) ? Optional.empty() : Optional.of(DriftReason.GROUP_NOT_OPTED_IN);
    }

    // Rule 5: not protected.

    public static Optional<DriftReason> notProtected(InstanceFacts instance, GroupFacts group, String protectTag) {
        if (instance.tags().containsKey(protectTag) || group.tags().containsKey(protectTag)) {
            return Optional.of(DriftReason.PROTECT_TAG);
        }
        if (group.memberScaleInProtected()) {
            return Optional.of(DriftReason.SCALE_IN_PROTECTION);
        }
        return GroupFacts.IN_SERVICE.equals(group.memberLifecycleState())
                ? Optional.empty() : Optional.of(DriftReason.NOT_IN_SERVICE);
    }

    // Rule 6: capacity guard.

    /** A refresh replaces the instance anyway, and a termination now would eat into its capacity. */
    public static Optional<DriftReason> noRefreshInProgress(boolean refreshInProgress) {
        return refreshInProgress ? Optional.of(DriftReason.REFRESH_IN_PROGRESS) : Optional.empty();
    }

    /**
     * The minimum healthy percentage of the group: its own tag ({@code DRIFT_DEPLOY_MIN_HEALTHY_TAG})
     * when it carries one, else {@code DRIFT_DEPLOY_MIN_HEALTHY_PERCENT}.
     */
    public static MinHealthy minHealthy(GroupFacts group, Settings.Drift drift) {
        return minHealthy(group.tags(), drift);
    }

    /** As {@link #minHealthy(GroupFacts, Settings.Drift)}, for a group described without an instance of it. */
    public static MinHealthy minHealthy(Map<String, String> groupTags, Settings.Drift drift) {
        return MinHealthy.of(groupTags, drift.minHealthyTag(), drift.minHealthyPercent());
    }

    /** A malformed minimum healthy tag fails closed: no floor can be computed, so nothing is terminated. */
    public static Optional<DriftReason> validGroupTag(MinHealthy minHealthy) {
        return minHealthy instanceof MinHealthy.Invalid ? Optional.of(DriftReason.INVALID_GROUP_TAG) : Optional.empty();
    }

    /**
     * How many instances may be out of service at once: healthy InService instances above the
     * floor of MinHealthyPercentage of the desired capacity (rounded up, so the floor is never
     * undercut). Zero or less: the group is at its floor.
     */
    public static int capacityAllowance(GroupFacts group, int minHealthyPercent) {
        return capacityAllowance(group.desiredCapacity(), group.healthyInService(), minHealthyPercent);
    }

    /** As {@link #capacityAllowance(GroupFacts, int)}, for a group described without an instance of it (the CLI's status). */
    public static int capacityAllowance(int desiredCapacity, int healthyInService, int minHealthyPercent) {
        int floor = (desiredCapacity * minHealthyPercent + 99) / 100;
        return healthyInService - floor;
    }

    /** The allowance under the group's minimum healthy percentage; none at all when its tag is malformed. */
    public static int capacityAllowance(GroupFacts group, MinHealthy minHealthy) {
        return capacityAllowance(group.desiredCapacity(), group.healthyInService(), minHealthy);
    }

    /** As {@link #capacityAllowance(GroupFacts, MinHealthy)}, for a group described without an instance of it. */
    public static int capacityAllowance(int desiredCapacity, int healthyInService, MinHealthy minHealthy) {
        return minHealthy instanceof MinHealthy.Percent percent
                ? capacityAllowance(desiredCapacity, healthyInService, percent.value()) : 0;
    }

    /**
     * The allowance the replacement the group chose has: a surge takes nothing out of service
     * before its replacement is healthy (the maintenance policy's 100 % minimum), so its bound is
     * the room under the group's maximum size; a termination's is the floor's.
     */
    public static int capacityAllowance(GroupFacts group, MinHealthy minHealthy, ReplacementChoice replacement) {
        return replacement instanceof ReplacementChoice.Surge surge ? surge.room() : capacityAllowance(group, minHealthy);
    }

    /** What remediation does to the group's drifted instance: its action tag (docs/quarantine.md, "Choosing it"). */
    public static RemediationAction action(Map<String, String> groupTags, Settings.Drift drift) {
        return RemediationAction.of(groupTags, drift.quarantine().actionTag());
    }

    /**
     * How the group's drifted instance is replaced: its replacement tag, else the setting
     * (docs/safety-rules.md, "Surge replacement"); never a surge for a group whose {@code action}
     * is quarantine ({@link ReplacementChoice#forAction}).
     */
    public static ReplacementChoice replacement(GroupFacts group, Settings.Drift drift, RemediationAction action) {
        return replacement(group.tags(), ReplacementChoice.Room.of(group), drift, action);
    }

    /** As {@link #replacement(GroupFacts, Settings.Drift, RemediationAction)}, for a group described without an instance of it. */
    public static ReplacementChoice replacement(Map<String, String> groupTags, ReplacementChoice.Room room, Settings.Drift drift,
                                                RemediationAction action) {
        return ReplacementChoice.forAction(ReplacementChoice.of(groupTags, room, drift.replacementTag(), drift.defaultReplacement()),
                action, drift.quarantine().actionTag());
    }

    /** A replacement tag that cannot be read, or a surge the group cannot make, fails closed: nothing is replaced. */
    public static Optional<DriftReason> replacementPossible(ReplacementChoice replacement) {
        return switch (replacement) {
            case ReplacementChoice.InvalidTag ignored -> Optional.of(DriftReason.INVALID_REPLACEMENT_TAG);
            case ReplacementChoice.CannotSurge ignored -> Optional.of(DriftReason.CANNOT_SURGE);
            case ReplacementChoice.Terminate ignored -> Optional.empty();
            case ReplacementChoice.Surge ignored -> Optional.empty();
        };
    }

    /**
     * Whether a surge was applied, judged by reading the instance again after a SetInstanceHealth
     * call whose outcome is unknown: its group lists it Unhealthy (and so replaces it), or it is
     * already being terminated.
     */
    public static boolean surgeApplied(Optional<InstanceFacts> instance) {
        return terminationApplied(instance) || instance.flatMap(InstanceFacts::group)
                .map(group -> group.markedUnhealthy().contains(instance.get().instanceId())).orElse(false);
    }

    /**
     * @param withinAllowance whether this termination fits the allowance, counting the
     *                        terminations concurrent decisions hold on the same group
     */
    public static Optional<DriftReason> capacityGuard(boolean withinAllowance) {
        return withinAllowance ? Optional.empty() : Optional.of(DriftReason.CAPACITY_GUARD);
    }

    // Rule 6: disruption budgets.

    /** The group's disruption budgets for drift at {@code now}: its own budget tags, else the settings' budgets. */
    public static BudgetVerdict budget(GroupFacts group, Settings.Drift drift, Instant now) {
        return budget(group.tags(), group.desiredCapacity(), group.healthyInService(), drift, now);
    }

    /** As {@link #budget(GroupFacts, Settings.Drift, Instant)}, for a group described without an instance of it. */
    public static BudgetVerdict budget(Map<String, String> groupTags, int desiredCapacity, int healthyInService,
                                       Settings.Drift drift, Instant now) {
        return BudgetVerdict.of(groupTags, drift, DisruptionBudget.Cause.DRIFT, desiredCapacity, healthyInService, now);
    }

    /** A budget that cannot be read, or that lets nothing more go now, refuses before anything is written to the ledger. */
    public static Optional<DriftReason> withinBudget(BudgetVerdict budget) {
        if (budget instanceof BudgetVerdict.Invalid) {
            return Optional.of(DriftReason.INVALID_BUDGET_TAG);
        }
        return budget.allowance() > 0 ? Optional.empty() : Optional.of(DriftReason.BUDGET_CLOSED);
    }

    /**
     * The capacity reservation's limit: the floor's allowance and the budget's, whichever is
     * smaller, so that neither is exceeded by concurrent decisions.
     */
    public static int reservationLimit(int capacityAllowance, BudgetVerdict budget) {
        return Math.min(capacityAllowance, budget.allowance());
    }

    // Rule 7: rate guard.

    /**
     * The name a group's guards (its rate window, capacity hold, churn record and breaker) are kept
     * under in the ledger: Auto Scaling group names are unique only within an account, so a member
     * account's group is named with its account ({@code 111122223333/web}). The function's own
     * account's groups keep their bare names, as before organizations, so that an upgrade keeps the
     * windows and holds in flight.
     */
    public static String ledgerGroup(String account, String ownAccount, String group) {
        return account.equals(ownAccount) ? group : account + "/" + group;
    }

    /**
     * The fixed window {@code now} falls in: windows are aligned to the epoch so every
     * invocation, whatever its start, counts in the same one.
     */
    public static Instant rateWindowStart(Instant now, Duration window) {
        long size = window.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), size) * size);
    }


    // Rule 8: mode — GroupModes.effective, shared with rollouts.

    /** Every other rule holds: what the mode makes of it. */
    public static DriftReason allRulesHold(Mode mode) {
        return mode == Mode.ENFORCE ? DriftReason.DRIFT_CONFIRMED : DriftReason.DRY_RUN;
    }
}
