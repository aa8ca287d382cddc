package io.driftdeploy.policy;

import io.driftdeploy.config.Mode;
import java.util.Objects;

/**
 * What to do with one target group for one approved image.
 *
 * @param mode enforce, or dry-run (report what enforce would do, change nothing)
 * @param detail why, for people
 * @param budget what the group's disruption budgets allow a rollout now, once rule 6 read them;
 *     {@link BudgetVerdict.Unbudgeted} for a decision made before
 */
public record GroupDecision(ImageVerdict.Approved image, GroupState group, Outcome outcome, RolloutReason reason,
                            Mode mode, String detail, BudgetVerdict budget) {

    public enum Outcome {
        /** New launch template version and instance refresh. */
        REFRESH(Decision.REFRESH),
        /** Wait for the running refresh to end; the refreshes function starts it then. */
        PENDING(Decision.PENDING),
        /** Tell the team, change nothing (manual strategy). */
        NOTIFY(Decision.NOTIFY),
        /** Nothing to do for this group. */
        SKIP(Decision.SKIP);

        private final Decision decision;

        Outcome(Decision decision) {
            this.decision = decision;
        }

        /** The decision as the images and refreshes functions report it. */
        public Decision decision() {
            return decision;
        }
    }

    public GroupDecision {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(budget, "budget");
    }

    /**
     * The refresh could not start because another one started in between (StartInstanceRefresh
     * answered InstanceRefreshInProgress): the image waits instead, as if that refresh had been seen.
     */
    public GroupDecision raceLostToRefresh() {
        return new GroupDecision(image, group, Outcome.PENDING, RolloutReason.REFRESH_IN_PROGRESS, mode,
                "an instance refresh started on " + group.name() + " meanwhile; image " + image.image().imageId()
                        + " waits until it ends", budget);
    }

    /**
     * The new launch template version exists but no refresh started: says exactly what was left
     * behind, that the group is unchanged, and that a retry reuses the version.
     *
     * @param why AWS's refusal, or the lost answer, as people read it
     */
    public GroupDecision refreshNotStarted(String launchTemplateId, long newVersion, String why) {
        String running = group.template().orElseThrow().version();
        return new GroupDecision(image, group, Outcome.NOTIFY, RolloutReason.REFRESH_NOT_STARTED, mode,
                "no instance refresh started on " + group.name() + ": " + why + ". Launch template " + launchTemplateId
                        + " version " + newVersion + " (image " + image.image().imageId() + ") was created and is unused;"
                        + " the group still runs version " + running + ". Fix the cause and publish the image again: the"
                        + " rollout reuses version " + newVersion + " (same client token), it does not create another", budget);
    }

    /** Another event already started this (image, group) rollout. */
    public GroupDecision alreadyStarted() {
        return new GroupDecision(image, group, Outcome.SKIP, RolloutReason.ALREADY_STARTED, mode,
                "the rollout of image " + image.image().imageId() + " on " + group.name() + " was already started", budget);
    }
}
