package io.driftdeploy.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The checks on a drifted instance of an opted-in group, in the order a decision makes them: the
 * cheap ones on what is read already first, then those that read more (the group's refreshes, the
 * churn record, the launch template, AWS Config's current result), and the reservation last, right
 * before acting. The first that stops the decision gives its {@link DriftReason}, which names
 * the {@link DriftRule} it belongs to. The facts are asked for only when a check needs them, so a
 * decision stopped early never reads what the later checks would.
 */
public enum GroupCheck {
    NOT_PROTECTED(facts -> DriftPolicy.notProtected(facts.instance(), facts.group(), facts.protectTag())),
    NO_REFRESH_IN_PROGRESS(facts -> DriftPolicy.noRefreshInProgress(facts.refreshInProgress())),
    VALID_GROUP_TAG(facts -> DriftPolicy.validGroupTag(facts.minHealthy())),
    /** Rule 4: the group's action tag names terminate or quarantine (fail closed otherwise). */
    VALID_ACTION_TAG(facts -> QuarantinePolicy.validActionTag(facts.action())),
    /** The replacement the group chose (terminate or surge) is one it can make: a malformed tag or a group that cannot surge refuses. */
    REPLACEMENT_POSSIBLE(facts -> DriftPolicy.replacementPossible(facts.replacement())),
    /** Rule 6, the disruption budgets: a closed budget needs no ledger to refuse. */
    WITHIN_BUDGET(facts -> DriftPolicy.withinBudget(facts.budget())),
    /** A group at its floor already (for a surge: at its maximum size) is refused before anything is written to the ledger. */
    CAPACITY_LEFT(facts -> DriftPolicy.capacityGuard(facts.capacityAllowance() > 0)),
    /** Before anything is reserved: one ledger Query. */
    CHURN_BREAKER_CLOSED(Facts::churnBreaker),
    /** The launch template (and its image) only for a rule whose kind says what they must hold. */
    REPLACEMENT_WOULD_CURE(Facts::replacementWouldCure),
    /** A scope this function instance found paused for the rest of its window: refused without a call. */
    SCOPE_NOT_KNOWN_PAUSED(Facts::knownPaused),
    /** Quarantine only: every VPC of the instance has a quarantine security group (one EC2 read). */
    QUARANTINE_READY(Facts::quarantineReady),
    STILL_TRUE_IN_CONFIG(facts -> DriftPolicy.currentInConfig(facts.evaluation(), facts.configResult(), facts.newestRecorded())),
    /**
     * Rules 3, 6 and 7 at once, right before acting: the instance's one termination, the capacity
     * in flight and the rate limits, reserved all or none (read only, in dry run).
     */
    RESERVED(Facts::reserve);

    /**
     * What the checks ask, answered by the drift path as they are asked. The answers that only the
     * ledger or the fleet can give (the churn breaker, whether the replacement would cure, the
     * paused scopes, the reservation) come as the reason they refuse, if any.
     */
    public interface Facts {
        Evaluation evaluation();

        InstanceFacts instance();

        GroupFacts group();

        String protectTag();

        boolean refreshInProgress();

        MinHealthy minHealthy();

        ReplacementChoice replacement();

        int capacityAllowance();

        BudgetVerdict budget();

        RemediationAction action();

        Optional<DriftReason> quarantineReady();

        Optional<DriftReason> churnBreaker();

        Optional<DriftReason> replacementWouldCure();

        Optional<DriftReason> knownPaused();

        Optional<ConfigResult> configResult();

        boolean newestRecorded();

        Optional<DriftReason> reserve();
    }

    private final Function<Facts, Optional<DriftReason>> check;

    GroupCheck(Function<Facts, Optional<DriftReason>> check) {
        this.check = check;
    }

    /** The reason the first check that stops the decision gives; empty when every check holds. */
    public static Optional<DriftReason> firstStop(Facts facts) {
        return firstStop(facts, List.of(values()));
    }

    /**
     * The checks that can only refuse, every one before AWS Config's current result is read
     * ({@link #STILL_TRUE_IN_CONFIG}) and the reservation made: those a sweep makes on facts read
     * ahead for its batch. A scope this function instance knows paused comes first there: it costs
     * no call, and in a sweep most instances are refused by it once a limit is reached, before
     * their group's refreshes and churn record would be read. Empty when none refuses; the decision
     * must then be made with {@link #firstStop} on facts read for it alone, in the usual order,
     * before anything is reserved or done.
     */
    public static Optional<DriftReason> firstRefusal(Facts facts) {
        return firstStop(facts, ON_FACTS_READ_AHEAD);
    }

    private static final List<GroupCheck> ON_FACTS_READ_AHEAD = Stream.concat(Stream.of(SCOPE_NOT_KNOWN_PAUSED),
            Arrays.stream(values()).filter(check -> check != SCOPE_NOT_KNOWN_PAUSED
                    && check.ordinal() < STILL_TRUE_IN_CONFIG.ordinal())).toList();

    private static Optional<DriftReason> firstStop(Facts facts, List<GroupCheck> checks) {
        for (GroupCheck check : checks) {
            Optional<DriftReason> stopped = check.check.apply(facts);
            if (stopped.isPresent()) {
                return stopped;
            }
        }
        return Optional.empty();
    }
}
