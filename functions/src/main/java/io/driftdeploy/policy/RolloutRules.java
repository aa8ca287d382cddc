package io.driftdeploy.policy;

import io.driftdeploy.config.Mode;
import io.driftdeploy.config.Settings;
import io.driftdeploy.policy.GroupDecision.Outcome;
import io.driftdeploy.policy.GroupState.TemplateVersion;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Rollout rules 3 to 8 ({@link RolloutRule}) for one target group of an approved image, checked
 * in number order: 3, a strategy drift-deploy implements; 4, never roll back (the image must be
 * newer than what the group runs, is refreshing to, or has pending); 5, a manual group is told
 * only; 6, a group AWS can roll the refresh back on (a pinned, AMI-based, app-tagged launch
 * template, a well-formed minimum healthy percentage tag and readable disruption budgets); 7, a
 * running refresh makes the image wait; 8, the group's disruption budgets for rollouts let an
 * instance go now. Otherwise refresh, which rule 9 ({@code Rollouts}) starts once.
 */
public final class RolloutRules {

    /** The group tag values of {@link Settings.Rollout#strategyTag()}; an absent tag means refresh. */
    public enum Strategy {
        REFRESH, MANUAL;

        /** The strategy a group's tag names; empty when it names none drift-deploy implements. */
        public static Optional<Strategy> of(Optional<String> tagValue) {
            if (tagValue.isEmpty()) {
                return Optional.of(REFRESH);
            }
            return switch (tagValue.get().strip().toLowerCase(Locale.ROOT)) {
                case "refresh" -> Optional.of(REFRESH);
                case "manual" -> Optional.of(MANUAL);
                default -> Optional.empty();
            };
        }
    }

    private RolloutRules() {
    }

    public static GroupDecision decide(ImageVerdict.Approved approved, GroupState group, Settings settings, Instant now) {
        Mode mode = GroupModes.effective(settings, group.tags());
        Decider decide = new Decider(approved, group, mode, new BudgetVerdict.Unbudgeted());
        ImageRef image = approved.image().ref();
        String strategyTag = settings.rollout().strategyTag();

        // Rule 3: a strategy drift-deploy implements.
        Optional<String> strategyValue = Optional.ofNullable(group.tags().get(strategyTag));
        Optional<Strategy> strategy = Strategy.of(strategyValue);
        if (strategy.isEmpty()) {
            return decide.skip(RolloutReason.UNSUPPORTED_STRATEGY, "group tag " + strategyTag + "="
                    + strategyValue.orElseThrow() + " names no strategy drift-deploy implements (refresh, manual)");
        }
        // Rule 4: never roll back.
        Optional<ImageRef> running = group.running();
        if (running.isPresent() && !image.newerThan(running.get())) {
            return decide.skip(RolloutReason.OLDER_THAN_RUNNING, notNewer(image, "runs", running.get()));
        }
        Optional<ImageRef> refreshing = group.activeRefresh().flatMap(GroupState.ActiveRefresh::target);
        if (refreshing.isPresent() && !image.newerThan(refreshing.get())) {
            return decide.skip(RolloutReason.OLDER_THAN_REFRESHING, notNewer(image, "is refreshing to", refreshing.get()));
        }
        // The pending image itself, started again when the blocking refresh ends, is not behind itself.
        Optional<ImageRef> pending = group.pending().filter(waiting -> !waiting.imageId().equals(image.imageId()));
        if (pending.isPresent() && !image.newerThan(pending.get())) {
            return decide.skip(RolloutReason.OLDER_THAN_PENDING, notNewer(image, "has pending", pending.get()));
        }
        // Rule 5: a manual group is told.
        if (strategy.get() == Strategy.MANUAL) {
            return decide.of(Outcome.NOTIFY, RolloutReason.MANUAL_STRATEGY, "group " + group.name()
                    + " rolls out manually (" + strategyTag + "=manual): image " + image.imageId() + " is ready for it");
        }
        // Rule 6: a group AWS can roll the refresh back on.
        Optional<GroupDecision> unsupported = unsupportedLaunchSource(decide, group, settings.rollout().appTag(), approved.app());
        if (unsupported.isPresent()) {
            return unsupported.get();
        }
        // Rule 6 too, before rule 7 lets the image wait as pending: a group that cannot be refreshed should not hold one.
        if (minHealthy(settings.rollout(), group.tags()) instanceof MinHealthy.Invalid invalid) {
            return decide.skip(RolloutReason.INVALID_GROUP_TAG, invalid.detail(group.name()));
        }
        BudgetVerdict budget = budget(settings, group, now);
        decide = decide.withBudget(budget);
        if (budget instanceof BudgetVerdict.Invalid) {
            return decide.skip(RolloutReason.INVALID_BUDGET_TAG, "no refresh starts on " + group.name() + ": "
                    + budget.detail());
        }
        // Rule 7: one refresh at a time.
        if (group.activeRefresh().isPresent()) {
            GroupState.ActiveRefresh active = group.activeRefresh().get();
            return decide.of(Outcome.PENDING, RolloutReason.REFRESH_IN_PROGRESS, "instance refresh "
                    + active.refreshId() + " is " + active.status() + " on " + group.name() + "; image "
                    + image.imageId() + " waits until it ends");
        }
        // Rule 8: within the group's disruption budgets for rollouts.
        if (budget.allowance() == 0) {
            return decide.skip(RolloutReason.BUDGET_CLOSED, "image " + image.imageId() + " is not rolled out to "
                    + group.name() + " now: " + budget.detail());
        }
        return decide.of(Outcome.REFRESH, RolloutReason.NEWER_IMAGE, "image " + image.imageId()
                + " is newer than what " + group.name() + " runs" + running.map(r -> " (" + r.imageId() + ")").orElse(""));
    }

    /** Rule 6 needs AutoRollback, which AWS grants only from a pinned, AMI-based launch template version. */
    private static Optional<GroupDecision> unsupportedLaunchSource(Decider decide, GroupState group, String appTag, String app) {
        return switch (group.launchSource()) {
            case LAUNCH_CONFIGURATION -> Optional.of(decide.skip(RolloutReason.NO_LAUNCH_TEMPLATE, "group "
                    + group.name() + " launches from a launch configuration; move it to a launch template"));
            case MIXED_INSTANCES_POLICY -> Optional.of(decide.skip(RolloutReason.MIXED_INSTANCES_POLICY, "group "
                    + group.name() + " uses a mixed instances policy, which drift-deploy does not roll out"));
            case LAUNCH_TEMPLATE -> {
                TemplateVersion template = group.template().orElseThrow(() -> new IllegalArgumentException(
                        "group " + group.name() + " launches from a launch template but none is given"));
                if (!template.pinned()) {
                    yield Optional.of(decide.skip(RolloutReason.UNPINNED_LAUNCH_TEMPLATE, "group " + group.name()
                            + " uses launch template version " + template.version()
                            + "; pin it to a version number (AWS refuses AutoRollback otherwise)"));
                }
                if (template.usesSsmAlias()) {
                    yield Optional.of(decide.skip(RolloutReason.SSM_IMAGE_ALIAS, "group " + group.name()
                            + " takes its AMI from " + template.imageId().orElseThrow()
                            + " (AWS refuses AutoRollback to a template with an SSM parameter image)"));
                }
                if (!app.equals(template.templateTags().get(appTag))) {
                    yield Optional.of(decide.skip(RolloutReason.TEMPLATE_NOT_APP_TAGGED, "launch template "
                            + template.launchTemplateId() + " of group " + group.name() + " does not carry " + appTag + "="
                            + app + "; drift-deploy only versions the launch templates of the application: tag it"));
                }
                yield Optional.empty();
            }
        };
    }

    /**
     * The refresh's MinHealthyPercentage: the group's own tag ({@code DRIFT_DEPLOY_MIN_HEALTHY_TAG})
     * when it carries one, else {@code DRIFT_DEPLOY_MIN_HEALTHY_PERCENT}.
     */
    public static MinHealthy minHealthy(Settings.Rollout rollout, Map<String, String> groupTags) {
        return MinHealthy.of(groupTags, rollout.minHealthyTag(), rollout.minHealthyPercent());
    }

    /**
     * The group's disruption budgets for rollouts at {@code now}: its own budget tags, else the
     * settings' budgets, read as the drift path reads them (docs/safety-rules.md, "Rule 6:
     * disruption budgets").
     */
    public static BudgetVerdict budget(Settings settings, GroupState group, Instant now) {
        return BudgetVerdict.of(group.tags(), settings.drift(), DisruptionBudget.Cause.ROLLOUT, group.capacity().desired(),
                group.capacity().healthyInService(), now);
    }

    /**
     * The refresh's MinHealthyPercentage: the group's floor ({@link #minHealthy}), raised so that
     * the refresh takes no more instances out of service at once than the deciding budget allows.
     * Auto Scaling keeps that percentage of the desired capacity, rounded up, healthy and
     * InService (RefreshPreferences, https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html).
     * With {@code d} desired and a budget of {@code b}, the largest percentage that keeps exactly
     * {@code d - b} is {@code floor(100 (d - b) / d)}; in a group so large that no whole percentage
     * does (300 instances, a budget of 1), the smallest one that keeps at least {@code d - b}, up to
     * 100: slower than the budget allows, never faster.
     */
    public static int refreshMinHealthyPercent(int floorPercent, BudgetVerdict budget, int desiredCapacity) {
        if (!(budget instanceof BudgetVerdict.Active active) || desiredCapacity <= 0
                || active.allowed() >= desiredCapacity) {
            return floorPercent;
        }
        long desired = desiredCapacity;
        long kept = desired - active.allowed();
        long exact = 100 * kept / desired;
        long percent = keeps(desired, exact) >= kept ? exact : Math.min(100, 100 * (kept - 1) / desired + 1);
        return Math.max(floorPercent, (int) percent);
    }

    /** How many of {@code desired} instances a refresh at {@code percent} keeps: rounded up, as Auto Scaling does. */
    private static long keeps(long desired, long percent) {
        return (desired * percent + 99) / 100;
    }

    /**
     * The CloudWatch alarms that guard the group's refresh: the group's own list (a comma list in
     * the guard alarms tag) replaces the global one, so a group can name alarms that fit it.
     */
    public static List<String> guardAlarms(Settings.Rollout rollout, Map<String, String> groupTags) {
        String tagged = groupTags.get(rollout.guardAlarmsTag());
        if (tagged == null || tagged.isBlank()) {
            return rollout.guardAlarms();
        }
        return Arrays.stream(tagged.split(",")).map(String::strip).filter(name -> !name.isEmpty()).toList();
    }

    private static String notNewer(ImageRef image, String relation, ImageRef other) {
        return "image " + image.imageId() + " (created " + image.created() + ") is not newer than " + other.imageId()
                + " (created " + other.created() + ") that the group " + relation;
    }

    private record Decider(ImageVerdict.Approved image, GroupState group, Mode mode, BudgetVerdict budget) {
        GroupDecision of(Outcome outcome, RolloutReason reason, String detail) {
            return new GroupDecision(image, group, outcome, reason, mode, detail, budget);
        }

        Decider withBudget(BudgetVerdict read) {
            return new Decider(image, group, mode, read);
        }

        GroupDecision skip(RolloutReason reason, String detail) {
            return of(Outcome.SKIP, reason, detail);
        }
    }
}
