package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.Mode;
import io.driftdeploy.config.Settings;
import io.driftdeploy.policy.GroupDecision.Outcome;
import io.driftdeploy.policy.GroupState.ActiveRefresh;
import io.driftdeploy.policy.GroupState.Capacity;
import io.driftdeploy.policy.GroupState.LaunchSource;
import io.driftdeploy.policy.GroupState.TemplateVersion;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RolloutRulesTest {

    private static final Instant NEW_CREATED = Instant.parse("2025-06-12T07:40:00Z");
    /** A Tuesday, 10:30 UTC. */
    private static final Instant NOW = Instant.parse("2025-06-17T10:30:00Z");
    private static final String BUDGET_TAG = "drift-deploy:budget";
    private static final ImageVerdict.Approved NEW_IMAGE = new ImageVerdict.Approved(
            new DescribedImage("ami-0000000000000000b", "available", "123456789012", NEW_CREATED,
                    Map.of("drift-deploy:app", "shop")), "shop");
    private static final ImageRef OLDER = new ImageRef("ami-0000000000000000a", NEW_CREATED.minusSeconds(86_400));
    private static final ImageRef NEWER = new ImageRef("ami-0000000000000000c", NEW_CREATED.plusSeconds(60));
    private static final ImageRef SAME_TIME = new ImageRef("ami-0000000000000000d", NEW_CREATED);
    private static final ImageRef ITSELF = new ImageRef("ami-0000000000000000b", NEW_CREATED);
    private static final Map<String, String> APP_TAGGED = Map.of("drift-deploy:app", "shop");
    private static final String MIN_HEALTHY_TAG = "drift-deploy:min-healthy-percent";
    private static final Settings ENFORCE = Settings.from(Map.of(
            "DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:t",
            "DRIFT_DEPLOY_TABLE", "ledger", "DRIFT_DEPLOY_ACCOUNT_ID", "123456789012",
            "DRIFT_DEPLOY_MODE", "enforce"));

    /** A healthy target: pinned launch template version 3 running an older image, nothing in flight. */
    private static GroupState group(Map<String, String> tags) {
        return new GroupState("shop-blue", tags, LaunchSource.LAUNCH_TEMPLATE,
                Optional.of(new TemplateVersion("lt-0123", "3", Optional.of(OLDER.imageId()), APP_TAGGED)),
                Optional.of(OLDER), Optional.empty(), Optional.empty(), new Capacity(4, 4));
    }

    private static GroupState healthy() {
        return group(Map.of("drift-deploy:app", "shop"));
    }

    private static GroupState tagged(String key, String value) {
        Map<String, String> tags = new HashMap<>(healthy().tags());
        tags.put(key, value);
        return group(tags);
    }

    private static GroupState withTag(GroupState g, String key, String value) {
        Map<String, String> tags = new HashMap<>(g.tags());
        tags.put(key, value);
        return new GroupState(g.name(), tags, g.launchSource(), g.template(), g.running(), g.activeRefresh(), g.pending(), g.capacity());
    }

    private static GroupState running(Optional<ImageRef> image) {
        GroupState g = healthy();
        return new GroupState(g.name(), g.tags(), g.launchSource(), g.template(), image, g.activeRefresh(), g.pending(), g.capacity());
    }

    private static GroupState refreshing(Optional<ImageRef> target) {
        GroupState g = healthy();
        return new GroupState(g.name(), g.tags(), g.launchSource(), g.template(), g.running(),
                Optional.of(new ActiveRefresh("r-1", "InProgress", target)), g.pending(), g.capacity());
    }

    private static GroupState pending(ImageRef waiting) {
        GroupState g = healthy();
        return new GroupState(g.name(), g.tags(), g.launchSource(), g.template(), g.running(), g.activeRefresh(),
                Optional.of(waiting), g.capacity());
    }

    private static GroupState serving(GroupState g, int healthyInService) {
        return new GroupState(g.name(), g.tags(), g.launchSource(), g.template(), g.running(), g.activeRefresh(), g.pending(),
                new Capacity(g.capacity().desired(), healthyInService));
    }

    private static GroupState launchingFrom(LaunchSource source, Optional<TemplateVersion> template) {
        GroupState g = healthy();
        return new GroupState(g.name(), g.tags(), source, template, g.running(), g.activeRefresh(), g.pending(), g.capacity());
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("newer image, nothing in flight", healthy(), Outcome.REFRESH, RolloutReason.NEWER_IMAGE),
                Arguments.of("strategy tag refresh", tagged("drift-deploy:rollout", "Refresh"), Outcome.REFRESH, RolloutReason.NEWER_IMAGE),
                Arguments.of("running image no longer described", running(Optional.empty()), Outcome.REFRESH, RolloutReason.NEWER_IMAGE),
                Arguments.of("unknown strategy", tagged("drift-deploy:rollout", "blue-green"), Outcome.SKIP, RolloutReason.UNSUPPORTED_STRATEGY),
                Arguments.of("runs a newer image", running(Optional.of(NEWER)), Outcome.SKIP, RolloutReason.OLDER_THAN_RUNNING),
                Arguments.of("runs one created at the same time", running(Optional.of(SAME_TIME)), Outcome.SKIP, RolloutReason.OLDER_THAN_RUNNING),
                Arguments.of("already runs it (replay)", running(Optional.of(ITSELF)), Outcome.SKIP, RolloutReason.OLDER_THAN_RUNNING),
                Arguments.of("refreshing to a newer image", refreshing(Optional.of(NEWER)), Outcome.SKIP, RolloutReason.OLDER_THAN_REFRESHING),
                Arguments.of("refreshing to it already", refreshing(Optional.of(ITSELF)), Outcome.SKIP, RolloutReason.OLDER_THAN_REFRESHING),
                Arguments.of("newer image pending", pending(NEWER), Outcome.SKIP, RolloutReason.OLDER_THAN_PENDING),
                Arguments.of("it is the pending image itself", pending(ITSELF), Outcome.REFRESH, RolloutReason.NEWER_IMAGE),
                Arguments.of("older image pending", pending(OLDER), Outcome.REFRESH, RolloutReason.NEWER_IMAGE),
                Arguments.of("manual strategy", tagged("drift-deploy:rollout", "manual"), Outcome.NOTIFY, RolloutReason.MANUAL_STRATEGY),
                Arguments.of("launch configuration", launchingFrom(LaunchSource.LAUNCH_CONFIGURATION, Optional.empty()),
                        Outcome.SKIP, RolloutReason.NO_LAUNCH_TEMPLATE),
                Arguments.of("mixed instances policy", launchingFrom(LaunchSource.MIXED_INSTANCES_POLICY, Optional.empty()),
                        Outcome.SKIP, RolloutReason.MIXED_INSTANCES_POLICY),
                Arguments.of("$Latest", launchingFrom(LaunchSource.LAUNCH_TEMPLATE,
                        Optional.of(new TemplateVersion("lt-0123", "$Latest", Optional.of(OLDER.imageId()), APP_TAGGED))),
                        Outcome.SKIP, RolloutReason.UNPINNED_LAUNCH_TEMPLATE),
                Arguments.of("$Default", launchingFrom(LaunchSource.LAUNCH_TEMPLATE,
                        Optional.of(new TemplateVersion("lt-0123", "$Default", Optional.of(OLDER.imageId()), APP_TAGGED))),
                        Outcome.SKIP, RolloutReason.UNPINNED_LAUNCH_TEMPLATE),
                Arguments.of("SSM parameter image", launchingFrom(LaunchSource.LAUNCH_TEMPLATE,
                        Optional.of(new TemplateVersion("lt-0123", "3", Optional.of("resolve:ssm:/golden/shop"), APP_TAGGED))),
                        Outcome.SKIP, RolloutReason.SSM_IMAGE_ALIAS),
                Arguments.of("launch template without the app tag", launchingFrom(LaunchSource.LAUNCH_TEMPLATE,
                        Optional.of(new TemplateVersion("lt-0123", "3", Optional.of(OLDER.imageId()), Map.of()))),
                        Outcome.SKIP, RolloutReason.TEMPLATE_NOT_APP_TAGGED),
                Arguments.of("launch template of another app", launchingFrom(LaunchSource.LAUNCH_TEMPLATE,
                        Optional.of(new TemplateVersion("lt-0123", "3", Optional.of(OLDER.imageId()), Map.of("drift-deploy:app", "billing")))),
                        Outcome.SKIP, RolloutReason.TEMPLATE_NOT_APP_TAGGED),
                Arguments.of("min-healthy tag 50", tagged(MIN_HEALTHY_TAG, "50"), Outcome.REFRESH, RolloutReason.NEWER_IMAGE),
                Arguments.of("min-healthy tag malformed", tagged(MIN_HEALTHY_TAG, "fifty"), Outcome.SKIP, RolloutReason.INVALID_GROUP_TAG),
                Arguments.of("min-healthy tag above 100", tagged(MIN_HEALTHY_TAG, "150"), Outcome.SKIP, RolloutReason.INVALID_GROUP_TAG),
                Arguments.of("min-healthy tag malformed, refresh in progress: no image waits for a group that cannot refresh",
                        withTag(refreshing(Optional.of(OLDER)), MIN_HEALTHY_TAG, "x"), Outcome.SKIP, RolloutReason.INVALID_GROUP_TAG),
                Arguments.of("min-healthy tag malformed on a manual group: nothing would be refreshed anyway",
                        withTag(tagged("drift-deploy:rollout", "manual"), MIN_HEALTHY_TAG, "x"), Outcome.NOTIFY, RolloutReason.MANUAL_STRATEGY),
                Arguments.of("min-healthy tag malformed, runs a newer image: ordering first",
                        withTag(running(Optional.of(NEWER)), MIN_HEALTHY_TAG, "x"), Outcome.SKIP, RolloutReason.OLDER_THAN_RUNNING),
                Arguments.of("refresh in progress to an older image", refreshing(Optional.of(OLDER)), Outcome.PENDING, RolloutReason.REFRESH_IN_PROGRESS),
                Arguments.of("refresh in progress, target unknown", refreshing(Optional.empty()), Outcome.PENDING, RolloutReason.REFRESH_IN_PROGRESS),
                Arguments.of("budget of 1, all serving", tagged(BUDGET_TAG, "1"), Outcome.REFRESH, RolloutReason.NEWER_IMAGE),
                Arguments.of("budget of 1, one already out of service", serving(tagged(BUDGET_TAG, "1"), 3),
                        Outcome.SKIP, RolloutReason.BUDGET_CLOSED),
                Arguments.of("budget of 25pct of 4, one out of service", serving(tagged(BUDGET_TAG, "25pct"), 3),
                        Outcome.SKIP, RolloutReason.BUDGET_CLOSED),
                Arguments.of("budget of 0 for rollouts", tagged(BUDGET_TAG, "0 reasons rollout"), Outcome.SKIP, RolloutReason.BUDGET_CLOSED),
                Arguments.of("budget of 0 for drift only does not bound rollouts", tagged(BUDGET_TAG, "0 reasons drift"),
                        Outcome.REFRESH, RolloutReason.NEWER_IMAGE),
                Arguments.of("inside its window (weekdays 10:00 for 1h)", tagged(BUDGET_TAG, "1 at 0 10 @ @ 1-5 for 1h"),
                        Outcome.REFRESH, RolloutReason.NEWER_IMAGE),
                Arguments.of("outside its only window: default-deny", tagged(BUDGET_TAG, "1 at 0 22 @ @ @ for 8h"),
                        Outcome.SKIP, RolloutReason.BUDGET_CLOSED),
                Arguments.of("outside the window but an unscheduled budget beside it",
                        withTag(tagged(BUDGET_TAG, "2"), BUDGET_TAG + "/nights", "50pct at 0 22 @ @ @ for 8h"),
                        Outcome.REFRESH, RolloutReason.NEWER_IMAGE),
                Arguments.of("the most restrictive active budget decides",
                        withTag(tagged(BUDGET_TAG, "2"), BUDGET_TAG + "/freeze", "0 at 0 0 @ @ @ for 23h"),
                        Outcome.SKIP, RolloutReason.BUDGET_CLOSED),
                Arguments.of("malformed budget fails closed", tagged(BUDGET_TAG, "1*"), Outcome.SKIP, RolloutReason.INVALID_BUDGET_TAG),
                Arguments.of("malformed drift-only budget fails closed too", tagged(BUDGET_TAG, "1 reasons drfit"),
                        Outcome.SKIP, RolloutReason.INVALID_BUDGET_TAG),
                Arguments.of("malformed budget, refresh in progress: no image waits for a group that cannot refresh",
                        withTag(refreshing(Optional.of(OLDER)), BUDGET_TAG, "x"), Outcome.SKIP, RolloutReason.INVALID_BUDGET_TAG),
                Arguments.of("closed budget, refresh in progress: the image waits as pending",
                        withTag(refreshing(Optional.of(OLDER)), BUDGET_TAG, "0"), Outcome.PENDING, RolloutReason.REFRESH_IN_PROGRESS),
                Arguments.of("closed budget on a manual group: told, as nothing would be refreshed",
                        withTag(tagged("drift-deploy:rollout", "manual"), BUDGET_TAG, "0"), Outcome.NOTIFY, RolloutReason.MANUAL_STRATEGY));
    }

    @ParameterizedTest(name = "{0} -> {2} ({3})")
    @MethodSource("cases")
    void decidesByTheFirstRuleThatApplies(String variant, GroupState group, Outcome outcome, RolloutReason reason) {
        GroupDecision decision = RolloutRules.decide(NEW_IMAGE, group, ENFORCE, NOW);

        assertThat(decision.outcome()).isEqualTo(outcome);
        assertThat(decision.reason()).isEqualTo(reason);
        assertThat(decision.mode()).isEqualTo(Mode.ENFORCE);
        assertThat(decision.detail()).isNotBlank();
    }

    @Test
    void orderingIsCheckedBeforeTheManualStrategySoReplaysStaySilentlyRoutine() {
        Map<String, String> tags = Map.of("drift-deploy:app", "shop", "drift-deploy:rollout", "manual");
        GroupState manualRunningNewer = new GroupState("shop-blue", tags, LaunchSource.LAUNCH_TEMPLATE,
                healthy().template(), Optional.of(NEWER), Optional.empty(), Optional.empty(), healthy().capacity());

        assertThat(RolloutRules.decide(NEW_IMAGE, manualRunningNewer, ENFORCE, NOW).reason()).isEqualTo(RolloutReason.OLDER_THAN_RUNNING);
    }

    @Test
    void theGroupModeTagOverridesTheGlobalMode() {
        assertThat(RolloutRules.decide(NEW_IMAGE, tagged("drift-deploy:mode", "dry-run"), ENFORCE, NOW).mode()).isEqualTo(Mode.DRY_RUN);
        assertThat(RolloutRules.decide(NEW_IMAGE, healthy(), ENFORCE.forceDryRun(), NOW).mode()).isEqualTo(Mode.DRY_RUN);
    }

    @Test
    void aForcedDryRunBeatsAGroupTaggedEnforce() {
        assertThat(RolloutRules.decide(NEW_IMAGE, tagged("drift-deploy:mode", "enforce"), ENFORCE.forceDryRun(), NOW).mode())
                .isEqualTo(Mode.DRY_RUN);
    }

    @Test
    void theRefreshUsesTheGroupsMinHealthyTagElseTheSetting() {
        assertThat(RolloutRules.minHealthy(ENFORCE.rollout(), tagged(MIN_HEALTHY_TAG, "50").tags()))
                .isEqualTo(new MinHealthy.Percent(50, MIN_HEALTHY_TAG));
        assertThat(RolloutRules.minHealthy(ENFORCE.rollout(), healthy().tags())).isEqualTo(new MinHealthy.Percent(90, null));
        assertThat(RolloutRules.decide(NEW_IMAGE, tagged(MIN_HEALTHY_TAG, "fifty"), ENFORCE, NOW).detail())
                .contains(MIN_HEALTHY_TAG + "='fifty'");
    }

    @Test
    void aLostRaceTurnsTheRefreshIntoPending() {
        GroupDecision lost = RolloutRules.decide(NEW_IMAGE, healthy(), ENFORCE, NOW).raceLostToRefresh();

        assertThat(lost.outcome()).isEqualTo(Outcome.PENDING);
        assertThat(lost.reason()).isEqualTo(RolloutReason.REFRESH_IN_PROGRESS);
    }

    @Test
    void aRefreshThatDidNotStartIsAHighNotificationNamingTheVersionLeftAndTheVersionTheGroupRuns() {
        GroupDecision failed = RolloutRules.decide(NEW_IMAGE, healthy(), ENFORCE, NOW)
                .refreshNotStarted("lt-0123", 4, "AWS refused StartInstanceRefresh (AccessDenied: no iam:PassRole)");

        assertThat(failed.outcome()).isEqualTo(Outcome.NOTIFY);
        assertThat(failed.reason()).isEqualTo(RolloutReason.REFRESH_NOT_STARTED);
        assertThat(failed.reason().severity()).isEqualTo(Severity.HIGH);
        assertThat(failed.detail()).contains("no instance refresh started on shop-blue: AWS refused StartInstanceRefresh",
                "Launch template lt-0123 version 4 (image ami-0000000000000000b) was created and is unused",
                "the group still runs version 3", "reuses version 4");
    }

    @Test
    void everyReasonHasASeverityAndAKebabLabel() {
        for (RolloutReason reason : RolloutReason.values()) {
            assertThat(reason.label()).matches("[a-z]+(-[a-z]+)*");
            assertThat(reason.severity()).isNotNull();
        }
    }

    @Test
    void aBudgetDecisionSaysWhichBudgetAndWhenTheNextWindowOpens() {
        GroupDecision decision = RolloutRules.decide(NEW_IMAGE, tagged(BUDGET_TAG, "1 at 0 22 @ @ @ for 8h"), ENFORCE, NOW);

        assertThat(decision.budget()).isInstanceOf(BudgetVerdict.OutsideWindows.class);
        assertThat(decision.detail()).contains("default-deny").contains("2025-06-17T22:00:00Z");
        assertThat(decision.budget().facts()).containsEntry("budgetNextWindowOpens", "2025-06-17T22:00:00Z");
    }

    @Test
    void aMalformedBudgetIsNamedWithItsProblem() {
        GroupDecision decision = RolloutRules.decide(NEW_IMAGE, tagged(BUDGET_TAG, "10%"), ENFORCE, NOW);

        assertThat(decision.detail()).contains(BUDGET_TAG + "='10%'").contains("pct");
    }

    static Stream<Arguments> refreshPaces() {
        BudgetVerdict none = new BudgetVerdict.Unbudgeted();
        return Stream.of(
                Arguments.of("no budget: the floor", 90, none, 4, 90),
                Arguments.of("1 of 4", 0, active(1), 4, 75),
                Arguments.of("1 of 4, floor higher", 90, active(1), 4, 90),
                Arguments.of("1 of 2", 0, active(1), 2, 50),
                Arguments.of("1 of 3", 0, active(1), 3, 66),
                Arguments.of("2 of 10", 0, active(2), 10, 80),
                Arguments.of("budget covers the whole group", 0, active(5), 4, 0),
                Arguments.of("1 of 300: no whole percentage keeps 299, so 100 (slower, not faster)", 0, active(1), 300, 100),
                Arguments.of("3 of 300", 0, active(3), 300, 99),
                Arguments.of("outside the windows never reaches a refresh, but would keep the floor", 90,
                        new BudgetVerdict.OutsideWindows(List.of(), Optional.empty()), 4, 90));
    }

    private static BudgetVerdict active(int allowed) {
        return new BudgetVerdict.Active(DisruptionBudget.parse(BUDGET_TAG, String.valueOf(allowed)), allowed, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refreshPaces")
    void theRefreshKeepsTheFloorAndThePaceOfTheBudget(String variant, int floor, BudgetVerdict budget, int desired, int expected) {
        assertThat(RolloutRules.refreshMinHealthyPercent(floor, budget, desired)).isEqualTo(expected);
    }

    @Test
    void noGroupSizeLetsTheRefreshReplaceMoreAtOnceThanTheBudget() {
        for (int desired = 1; desired <= 1_000; desired++) {
            for (int allowed = 1; allowed < desired; allowed++) {
                int percent = RolloutRules.refreshMinHealthyPercent(0, active(allowed), desired);
                long kept = (desired * (long) percent + 99) / 100;
                assertThat(kept).as("%d desired, budget %d: %d%%", desired, allowed, percent).isGreaterThanOrEqualTo(desired - allowed);
                boolean exactExists = false;
                for (int p = 0; p <= 100 && !exactExists; p++) {
                    exactExists = (desired * (long) p + 99) / 100 == desired - allowed;
                }
                if (exactExists) {
                    assertThat(kept).as("%d desired, budget %d: as fast as the budget allows", desired, allowed)
                            .isEqualTo(desired - allowed);
                }
            }
        }
    }
}
