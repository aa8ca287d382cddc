package io.driftdeploy.policy;

import java.util.stream.Stream;

/**
 * Why a golden image was or was not rolled out onto a group: each reason belongs to one
 * {@link RolloutRule} (docs/safety-rules.md, "Rollout: when a golden image is rolled out"), the rule that decided.
 * The label is what reports, audit records, notifications and metrics carry.
 */
public enum RolloutReason implements Reason {
    // Rule 1, the image itself.
    /** No AMI with that id (or no AMI in this region for an Image Builder image). */
    IMAGE_NOT_FOUND(Severity.WARNING),
    /** The AMI (or the event announcing it) is not in state available. */
    IMAGE_NOT_AVAILABLE(Severity.WARNING),
    /** The AMI's owner is not a trusted account. */
    UNTRUSTED_OWNER(Severity.HIGH),
    /** The AMI carries no application tag, so it cannot be matched to any group. */
    MISSING_APP_TAG(Severity.WARNING),
    /** The publisher named another application than the AMI's own tag: the tag wins, nothing moves. */
    APP_MISMATCH(Severity.HIGH),
    /**
     * The AMI lacks the golden-image tag that the drift rule (AWS Config APPROVED_AMIS_BY_TAG)
     * requires: every instance launched from it would drift and be replaced from it again, forever.
     */
    NOT_GOLDEN_IMAGE(Severity.WARNING),
    /** A refresh with this image failed or rolled back before; it is never rolled out again automatically. */
    IMAGE_MARKED_BAD(Severity.WARNING),
    /** No Auto Scaling group carries the image's application tag (rule 3). */
    NO_TARGET_GROUPS(Severity.WARNING),

    // One target group.
    /** The group runs an image at least as new (rule 2: replays never roll a fleet back). */
    OLDER_THAN_RUNNING(Severity.LOW),
    /** The refresh in progress on the group rolls out an image at least as new (rule 2). */
    OLDER_THAN_REFRESHING(Severity.LOW),
    /** The group already has an image at least as new waiting (rule 2). */
    OLDER_THAN_PENDING(Severity.LOW),
    /** The group's rollout strategy tag names a strategy drift-deploy does not implement. */
    UNSUPPORTED_STRATEGY(Severity.WARNING),
    /** The group's strategy is manual: the team is told, nothing is changed (rule 3). */
    MANUAL_STRATEGY(Severity.INFO),
    /** The group launches from a launch configuration: there is no launch template to version. */
    NO_LAUNCH_TEMPLATE(Severity.WARNING),
    /** The group uses a mixed instances policy, whose template overrides drift-deploy does not rewrite. */
    MIXED_INSTANCES_POLICY(Severity.WARNING),
    /**
     * The group uses {@code $Latest} or {@code $Default}: AWS refuses AutoRollback then, and with
     * {@code $Latest} a new template version would reach the group before any refresh guards it.
     */
    UNPINNED_LAUNCH_TEMPLATE(Severity.WARNING),
    /** The group's template takes its AMI from an SSM parameter: AWS refuses AutoRollback then. */
    SSM_IMAGE_ALIAS(Severity.WARNING),
    /**
     * The group's launch template does not carry the image's application tag: drift-deploy may only
     * version the templates of that application (its IAM policy says so), so it says what to tag.
     */
    TEMPLATE_NOT_APP_TAGGED(Severity.WARNING),
    /**
     * The group's minimum healthy percentage tag is not a whole number from 0 to 100: no refresh is
     * started with a guessed percentage (fail closed); the message names the tag and its value.
     */
    INVALID_GROUP_TAG(Severity.WARNING),
    /**
     * A disruption budget of the group cannot be read: no refresh starts (fail closed); the
     * message names the tag, its value and the problem.
     */
    INVALID_BUDGET_TAG(Severity.WARNING),
    /** A refresh is running on the group: the image waits as pending (rule 7). */
    REFRESH_IN_PROGRESS(Severity.INFO),
    /**
     * The group's disruption budgets for rollouts let nothing more go now: outside every scheduled
     * window, or as many instances out of service as the budget allows (rule 8).
     */
    BUDGET_CLOSED(Severity.INFO),
    /** Every rule holds: a new template version and an instance refresh (rule 9). */
    NEWER_IMAGE(Severity.INFO),
    /** The same (image, group) rollout was already started by an earlier event. */
    ALREADY_STARTED(Severity.LOW),
    /**
     * Every rule held and the launch template version was created, but AWS refused
     * StartInstanceRefresh (e.g. AccessDenied for iam:PassRole) or never answered and no refresh
     * to that version exists: the group still runs its old version. The report names the template
     * and the version left unused; publishing the image again reuses that version.
     */
    REFRESH_NOT_STARTED(Severity.HIGH),

    /** The event was already handled (EventBridge delivers at least once): audited and logged, never told. */
    DUPLICATE_EVENT(Severity.LOW);

    private final Severity severity;

    RolloutReason(Severity severity) {
        this.severity = severity;
    }

    /**
     * How urgently the team hears of it: an untrusted or mislabelled image is someone trying to
     * roll an AMI they should not; a group drift-deploy cannot roll out needs a fix; ordering
     * skips are routine (replays, late events).
     */
    public Severity severity() {
        return severity;
    }

    public RolloutRule rule() {
        return Stream.of(RolloutRule.values()).filter(rule -> rule.reasons().contains(this)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no rollout rule gives the reason " + label()));
    }

    @Override
    public String toString() {
        return label();
    }
}
