package io.driftdeploy.cli;

import io.driftdeploy.aws.AutoScalingFleet;
import io.driftdeploy.aws.AutoScalingRolloutFleet;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.ConfigCompliance;
import io.driftdeploy.aws.DynamoDriftLedger;
import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ec2ImageCatalog;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.RolloutFleet.TargetGroup;
import io.driftdeploy.cli.aws.AuditHistory;
import io.driftdeploy.cli.aws.AuditRecord;
import io.driftdeploy.cli.aws.AutoScalingGroups;
import io.driftdeploy.cli.aws.GoldenImages;
import io.driftdeploy.cli.aws.TimeRange;
import io.driftdeploy.config.Settings;
import io.driftdeploy.orchestration.Rollouts;
import io.driftdeploy.policy.ChurnBreaker;
import io.driftdeploy.policy.ChurnBreaker.Breaker;
import io.driftdeploy.policy.DescribedImage;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.policy.GroupModes;
import io.driftdeploy.policy.GroupState;
import io.driftdeploy.policy.GroupState.TemplateVersion;
import io.driftdeploy.policy.ImageRules;
import io.driftdeploy.policy.ImageVerdict;
import io.driftdeploy.policy.MinHealthy;
import io.driftdeploy.policy.RateScope;
import io.driftdeploy.policy.RemediationAction;
import io.driftdeploy.policy.ReplacementChoice;
import io.driftdeploy.policy.RolloutRules;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what status shows of each group, deciding nothing of its own: every verdict comes from the
 * rule the functions apply (mode, strategy, capacity floor, budgets, rate limits and storm circuit,
 * churn breaker, image rules and rollout rules), on the facts they read, with the functions'
 * settings. Read only: no write to AWS or the ledger.
 *
 * <p>As the functions do for a member account's event (docs/organization.md), the group, its
 * instances, refreshes, launch template, images and Config rules are read in the group's account;
 * the ledger and the golden images (whose tags only their owner sees) in the central account, the
 * group's records there under its ledger name and its account's rate window under its account's id.
 */
final class StatusReader {

    private final Settings settings;
    private final FleetAccount account;
    private final Instant now;
    private final Instant windowStart;
    private final DynamoDriftLedger driftLedger;
    private final DynamoRolloutLedger rolloutLedger;
    private final AutoScalingFleet fleet;
    private final AutoScalingRolloutFleet rolloutFleet;
    private final Ec2ImageCatalog images;
    private final GoldenImages goldenImages;
    private final AuditHistory history;
    private final List<String> rules;
    private final GroupStatus.Scope accountRate;
    private final Optional<GroupStatus.Scope> organizationRate;
    private final Map<String, List<TargetGroup>> targetsByApp = new HashMap<>();
    private final Map<String, List<DescribedImage>> goldenByApp = new HashMap<>();

    /** Reads with {@code central}'s clients in the central account, and {@code account}'s in the groups' account. */
    StatusReader(Settings settings, AwsClients central, FleetAccount account, Instant now) {
        this.settings = settings;
        this.account = account;
        this.now = now;
        Ledger ledger = new Ledger(central.dynamoDb(), settings.tableName());
        this.driftLedger = new DynamoDriftLedger(ledger);
        this.rolloutLedger = DynamoRolloutLedger.inAccount(ledger, account.id(), settings.accountId());
        AwsClients there = account.clients();
        this.fleet = new AutoScalingFleet(there.ec2(), there.autoScaling());
        this.rolloutFleet = new AutoScalingRolloutFleet(there.autoScaling(), there.ec2());
        this.images = new Ec2ImageCatalog(there.ec2(), there.imageBuilder());
        this.goldenImages = new GoldenImages(central.ec2());
        this.history = new AuditHistory(central.dynamoDb(), settings.tableName());
        Settings.Drift drift = settings.drift();
        this.windowStart = DriftPolicy.rateWindowStart(now, drift.rateWindow());
        this.rules = driftRules(settings, there);
        this.accountRate = scope(RateScope.ACCOUNT, account.id(), drift.maxTerminationsPerAccount());
        // The functions count this scope only when they serve members (DriftRemediation's rate units).
        this.organizationRate = settings.members().none() ? Optional.empty()
                : Optional.of(scope(RateScope.ORGANIZATION, settings.accountId(), drift.maxTerminationsPerOrganization()));
    }

    /**
     * The drift rules the functions check, as the sweep finds them: the named ones and, with a
     * prefix, those AWS Config has by it (config:DescribeConfigRules).
     */
    static List<String> driftRules(Settings settings, AwsClients aws) {
        return List.copyOf(new ConfigCompliance(aws.config()).driftRules(settings.drift()));
    }

    /** The group's status, with its {@code lastDecisions} newest audit records. */
    GroupStatus read(AutoScalingGroups.Group group, int lastDecisions) {
        Map<String, String> tags = group.tags();
        Settings.Drift drift = settings.drift();
        MinHealthy minHealthy = DriftPolicy.minHealthy(tags, drift);
        GroupStatus.Capacity capacity = new GroupStatus.Capacity(group.desiredCapacity(), group.healthyInService(), minHealthy,
                DriftPolicy.capacityAllowance(group.desiredCapacity(), group.healthyInService(), minHealthy));
        String ledgerGroup = account.ledgerGroup(group.name());
        GroupStatus.RateWindow rates = new GroupStatus.RateWindow(windowStart, windowStart.plus(drift.rateWindow()),
                scope(RateScope.GROUP, ledgerGroup, drift.maxTerminationsPerGroup()), accountRate, organizationRate);
        RemediationAction action = DriftPolicy.action(tags, drift);
        ReplacementChoice replacement = DriftPolicy.replacement(tags, group.room(), drift, action);
        Optional<String> strategyTag = Optional.ofNullable(tags.get(settings.rollout().strategyTag()));
        Optional<String> app = Optional.ofNullable(tags.get(settings.rollout().appTag())).filter(value -> !value.isBlank());
        Optional<TargetGroup> target = app.flatMap(name -> target(name, group.name()));
        Optional<GroupStatus.Refresh> refresh = target.isPresent()
                ? target.get().activeRefresh().map(active -> new GroupStatus.Refresh(Optional.of(active.refreshId()),
                        active.status(), active.targetImageId()))
                : fleet.refreshes(group.name()).inProgress()
                        ? Optional.of(new GroupStatus.Refresh(Optional.empty(), "in progress", Optional.empty())) : Optional.empty();
        return new GroupStatus(
                group.name(),
                GroupModes.effective(settings, tags),
                Optional.ofNullable(tags.get(settings.modeTag())),
                strategyTag,
                RolloutRules.Strategy.of(strategyTag),
                capacity,
                action,
                replacement,
                DriftPolicy.budget(tags, group.desiredCapacity(), group.healthyInService(), drift, now),
                rates,
                breakers(ledgerGroup, tags),
                refresh,
                app.flatMap(name -> target.map(found -> rollout(name, found))),
                history.groupIn(account.id(), account.member(), group.name(), ledgerGroup, TimeRange.ALWAYS, lastDecisions),
                account.chosen() ? Optional.of(new GroupStatus.Account(account.id(), account.roleArn(), ledgerGroup))
                        : Optional.empty());
    }

    /** Rule 9 for each drift rule: the group's breaker, when open and not cleared by the group's clear tag. */
    private Map<String, Optional<Breaker>> breakers(String group, Map<String, String> tags) {
        Optional<Instant> clearedAt = ChurnBreaker.clearedAt(tags);
        Map<String, Optional<Breaker>> breakers = new LinkedHashMap<>();
        for (String rule : rules) {
            Optional<Breaker> breaker = driftLedger.churn(group, rule).breaker();
            breakers.put(rule, ChurnBreaker.open(breaker, clearedAt) ? breaker : Optional.empty());
        }
        return breakers;
    }

    private GroupStatus.Scope scope(RateScope scope, String name, int limit) {
        return new GroupStatus.Scope(name, limit, driftLedger.windowUse(scope, name, windowStart, now));
    }

    /** The group as the rollout reads it: among the app's groups (one DescribeAutoScalingGroups per app). */
    private Optional<TargetGroup> target(String app, String group) {
        return targetsByApp.computeIfAbsent(app, name -> rolloutFleet.targets(settings.rollout().appTag(), name)).stream()
                .filter(target -> target.name().equals(group))
                .findFirst();
    }

    /**
     * Rollout rules 1 to 8 as the images function applies them, were the app's newest golden image
     * announced now: the newest image EC2 lists that ImageRules accepts, and RolloutRules' decision
     * for the group as Rollouts reads it.
     */
    private GroupStatus.Rollout rollout(String app, TargetGroup target) {
        GroupState state = Rollouts.state(target, images, rolloutLedger);
        Settings.Rollout rollout = settings.rollout();
        Optional<ImageVerdict.Approved> newest = Optional.empty();
        Optional<GroupStatus.Refused> refused = Optional.empty();
        for (DescribedImage image : goldenByApp.computeIfAbsent(app, name ->
                goldenImages.of(name, rollout.appTag(), rollout.goldenImageTag(), rollout.trustedAccounts()))) {
            ImageVerdict verdict = ImageRules.check(new ImageRules.Candidate(true, Optional.empty(), Optional.of(image.imageId()),
                    Optional.of(image), rolloutLedger.isBad(image.imageId()), Optional.of(app), rollout.trustedAccounts(),
                    rollout.appTag(), rollout.goldenImageTag()));
            if (verdict instanceof ImageVerdict.Approved && account.member()) {
                // In a member, as the images function checks it there (Rollouts): shared with it, and available.
                verdict = ImageRules.sharedWith(account.id(), image.imageId(), images.describe(image.imageId()))
                        .<ImageVerdict>map(rejected -> rejected).orElse(verdict);
            }
            if (verdict instanceof ImageVerdict.Approved approved) {
                newest = Optional.of(approved);
                break;
            }
            if (refused.isEmpty()) {
                refused = Optional.of(new GroupStatus.Refused(image.imageId(), (ImageVerdict.Rejected) verdict));
            }
        }
        return new GroupStatus.Rollout(app, RolloutRules.budget(settings, state, now), target.template().flatMap(TemplateVersion::imageId), state.running(), state.pending(),
                newest, newest.isPresent() ? Optional.empty() : refused,
                newest.map(approved -> RolloutRules.decide(approved, state, settings, now)));
    }
}
