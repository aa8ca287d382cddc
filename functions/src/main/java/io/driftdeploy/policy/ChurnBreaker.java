package io.driftdeploy.policy;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Safety rule 9, second half, the last line against churn: when drift-deploy's own replacement is
 * flagged again by the rule its predecessor was terminated for, replacing it once more would only
 * repeat the loop. The breaker opens for that group and rule, once, and stays open until a person
 * clears it: with {@code drift-deploy resume}, or with the group tag
 * {@code drift-deploy:churn-cleared} (an ISO-8601 UTC time; what happened before it no longer counts).
 */
public final class ChurnBreaker {

    /** The group tag a person sets to clear the breaker: the time it is cleared as of. */
    public static final String CLEARED_TAG = "drift-deploy:churn-cleared";

    private ChurnBreaker() {
    }

    /**
     * A termination drift-deploy made in a group for a rule.
     *
     * @param members the instances the group listed when it was decided: none of them is its replacement
     */
    public record Termination(String instanceId, Instant at, Set<String> members) {
        public Termination {
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(at, "at");
            members = Set.copyOf(members);
        }
    }

    /** An open breaker: when it opened, and the replacement that tripped it. */
    public record Breaker(Instant openedAt, String instanceId) {
        public Breaker {
            Objects.requireNonNull(openedAt, "openedAt");
            Objects.requireNonNull(instanceId, "instanceId");
        }
    }

    /** What the ledger holds for one group and rule. */
    public record ChurnRecord(Optional<Breaker> breaker, List<Termination> terminations) {
        public static final ChurnRecord EMPTY = new ChurnRecord(Optional.empty(), List.of());

        public ChurnRecord {
            Objects.requireNonNull(breaker, "breaker");
            terminations = List.copyOf(terminations);
        }
    }

    /** The time the group's clear tag names; a value that is not an ISO-8601 UTC time clears nothing. */
    public static Optional<Instant> clearedAt(Map<String, String> groupTags) {
        String value = groupTags.get(CLEARED_TAG);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value.trim()));
        } catch (DateTimeParseException notATime) {
            return Optional.empty();
        }
    }

    /** A breaker opened before the clear tag's time counts as cleared. */
    public static boolean open(Optional<Breaker> breaker, Optional<Instant> clearedAt) {
        return breaker.filter(open -> clearedAt.map(cleared -> !open.openedAt().isBefore(cleared)).orElse(true)).isPresent();
    }

    /**
     * The termination whose replacement the instance is: one made within the rate window, not
     * before the clear tag's time, while the instance was not in the group, and before it was
     * launched. EC2 reports launch times to the second, so a launch in the termination's own second
     * counts. An instance refresh started since a termination replaces the group's instances with
     * its own (a rollout, often the very fix): that termination no longer makes any instance a replacement.
     *
     * @param lastRefreshStarted when the group's newest instance refresh started, if it had one
     */
    public static Optional<Termination> replacing(InstanceFacts instance, List<Termination> terminations,
                                                  Optional<Instant> clearedAt, Optional<Instant> lastRefreshStarted,
                                                  Instant now, Duration window) {
        if (instance.launchTime().isEmpty()) {
            return Optional.empty();
        }
        Instant launched = instance.launchTime().get();
        return terminations.stream()
                .filter(termination -> termination.at().plus(window).isAfter(now))
                .filter(termination -> clearedAt.map(cleared -> !termination.at().isBefore(cleared)).orElse(true))
                .filter(termination -> lastRefreshStarted.map(refresh -> termination.at().isAfter(refresh)).orElse(true))
                .filter(termination -> !termination.members().contains(instance.instanceId()))
                .filter(termination -> !launched.isBefore(termination.at().truncatedTo(ChronoUnit.SECONDS)))
                .findFirst();
    }

    /**
     * @param breakerOpen whether the group's breaker for the rule is open (and not cleared)
     * @param replaced    the termination the instance replaced, if it is drift-deploy's replacement
     */
    public static Optional<DriftReason> replacementDidNotCure(boolean breakerOpen, Optional<Termination> replaced) {
        return breakerOpen || replaced.isPresent() ? Optional.of(DriftReason.REPLACEMENT_DID_NOT_CURE) : Optional.empty();
    }
}
