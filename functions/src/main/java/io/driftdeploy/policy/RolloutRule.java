package io.driftdeploy.policy;

import java.util.Set;
import java.util.stream.Stream;

/**
 * The safety rules of a golden image's rollout, numbered in the order they are checked: the first
 * rule that does not hold decides, and nothing a later rule would do happens (an image rule 1
 * refuses reads no group; a group rules 3 to 8 refuse gets no claim, template version or refresh).
 * A refresh starts only when rules 1 to 9 hold; rule 10 is the refreshes function's, after a
 * refresh drift-deploy started ends. docs/safety-rules.md's rollout table and docs/design.md number them the same.
 */
public enum RolloutRule {
    /**
     * The image is what EC2 says it is, not what an event says: it exists and is available, a
     * trusted account owns it, it carries the app tag (and the event named no other app) and the
     * golden-image tag the drift rule checks, and no refresh with it failed ({@link ImageRules}).
     */
    TRUSTED_GOLDEN_IMAGE(1, "trusted-golden-image", RolloutReason.IMAGE_NOT_AVAILABLE, RolloutReason.IMAGE_NOT_FOUND,
            RolloutReason.UNTRUSTED_OWNER, RolloutReason.MISSING_APP_TAG, RolloutReason.APP_MISMATCH,
            RolloutReason.NOT_GOLDEN_IMAGE, RolloutReason.IMAGE_MARKED_BAD),
    /** Only the Auto Scaling groups tagged with the image's application are targets. */
    APP_GROUPS(2, "app-groups", RolloutReason.NO_TARGET_GROUPS),
    /** The group's strategy tag names a strategy drift-deploy implements; it does not guess. */
    KNOWN_STRATEGY(3, "known-strategy", RolloutReason.UNSUPPORTED_STRATEGY),
    /**
     * The image is strictly newer than what the group runs, is refreshing to and has pending, so
     * replays and late events never roll a fleet back.
     */
    NEVER_ROLL_BACK(4, "never-roll-back", RolloutReason.OLDER_THAN_RUNNING, RolloutReason.OLDER_THAN_REFRESHING,
            RolloutReason.OLDER_THAN_PENDING),
    /** A group whose strategy is manual is told that the image is ready, and not changed. */
    MANUAL_IS_TOLD(5, "manual-is-told", RolloutReason.MANUAL_STRATEGY),
    /**
     * The refresh is one AWS can roll back: from a launch template pinned to a version, with an
     * AMI rather than an SSM alias, tagged with the app (IAM versions only those), and a minimum
     * healthy percentage that is a number; and the group's disruption budgets can be read.
     */
    ROLLBACK_CAPABLE_GROUP(6, "rollback-capable-group", RolloutReason.NO_LAUNCH_TEMPLATE,
            RolloutReason.MIXED_INSTANCES_POLICY, RolloutReason.UNPINNED_LAUNCH_TEMPLATE, RolloutReason.SSM_IMAGE_ALIAS,
            RolloutReason.TEMPLATE_NOT_APP_TAGGED, RolloutReason.INVALID_GROUP_TAG, RolloutReason.INVALID_BUDGET_TAG),
    /** While a refresh runs on the group the image waits as pending (newest wins) until it ends. */
    ONE_REFRESH_AT_A_TIME(7, "one-refresh-at-a-time", RolloutReason.REFRESH_IN_PROGRESS),
    /**
     * The group's disruption budgets covering rollouts let an instance go now; the refresh then
     * replaces no more at a time than the most restrictive active one allows (its minimum healthy
     * percentage is raised to match). Outside every scheduled window nothing starts.
     */
    WITHIN_BUDGET(8, "within-budget", RolloutReason.BUDGET_CLOSED),
    /**
     * Every rule before held: the (image, group) rollout is claimed and its refresh started once.
     * Another event's claim refuses it; a start AWS refused or never answered gives the claim back
     * for a retry. An event is decided once too: delivered again, it is a duplicate.
     */
    STARTED_ONCE(9, "started-once", RolloutReason.NEWER_IMAGE, RolloutReason.ALREADY_STARTED,
            RolloutReason.REFRESH_NOT_STARTED, RolloutReason.DUPLICATE_EVENT),
    /**
     * What a refresh drift-deploy started came to, as Auto Scaling reports it, never as the event
     * claims: a failure or rollback marks its image bad (rule 1 then refuses it until a person
     * clears the mark), an end lets the pending image start. Its reasons are {@link RefreshReason}s,
     * one per refresh status and two for an event AWS contradicts, and a person's
     * {@link ClearedReason#BAD_MARK_CLEARED}.
     */
    REFRESH_OUTCOME(10, "refresh-outcome", Stream.concat(Stream.of(RefreshReason.values()),
            Stream.of(ClearedReason.BAD_MARK_CLEARED)).toArray(Reason[]::new));

    private final int number;
    private final String label;
    private final Set<Reason> reasons;

    RolloutRule(int number, String label, Reason... reasons) {
        this.number = number;
        this.label = label;
        this.reasons = Set.of(reasons);
    }

    public int number() {
        return number;
    }

    public String label() {
        return label;
    }

    /** The reasons a decision by this rule can give. */
    public Set<Reason> reasons() {
        return reasons;
    }
}
