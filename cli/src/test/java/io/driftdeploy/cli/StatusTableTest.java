package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.DynamoDriftLedger.WindowUse;
import io.driftdeploy.cli.aws.AuditRecord;
import io.driftdeploy.config.Mode;
import io.driftdeploy.config.Settings;
import io.driftdeploy.policy.BudgetVerdict;
import io.driftdeploy.policy.ChurnBreaker.Breaker;
import io.driftdeploy.policy.DescribedImage;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.policy.GroupFacts.MaintenancePolicy;
import io.driftdeploy.policy.GroupState;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.ImageVerdict;
import io.driftdeploy.policy.MinHealthy;
import io.driftdeploy.policy.RemediationAction;
import io.driftdeploy.policy.ReplacementChoice;
import io.driftdeploy.policy.RolloutReason;
import io.driftdeploy.policy.RolloutRules;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What status says of a group, row by row, from the verdicts the functions' rules give. */
class StatusTableTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:20:00Z");
    private static final Instant WINDOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Settings SETTINGS = Settings.from(Map.of(
            "DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:drift-deploy",
            "DRIFT_DEPLOY_TABLE", "ledger",
            "DRIFT_DEPLOY_ACCOUNT_ID", "123456789012",
            "DRIFT_DEPLOY_DRIFT_RULES", "imdsv2,approved-amis"));
    private static final ImageRef RUNNING = new ImageRef("ami-00000000000000001", Instant.parse("2026-01-01T00:00:00Z"));
    private static final DescribedImage NEWER = new DescribedImage("ami-00000000000000002", "available", "123456789012",
            Instant.parse("2026-02-01T00:00:00Z"), Map.of("drift-deploy:app", "shop", "drift-deploy-golden", "true"));

    @Test
    void aGroupInTroubleSaysWhichBreakersAreOpenUntilWhenAndWhatTheImagesFunctionWouldDo() {
        Map<String, String> tags = Map.of("drift-deploy:mode", "enforce", "drift-deploy:budget", "1",
                "drift-deploy:min-healthy-percent", "50", "drift-deploy:app", "shop");
        Map<String, Optional<Breaker>> breakers = new LinkedHashMap<>();
        breakers.put("imdsv2", Optional.of(new Breaker(Instant.parse("2026-03-01T09:00:00Z"), "i-0abc")));
        breakers.put("approved-amis", Optional.empty());
        GroupState state = new GroupState("shop-blue", tags, GroupState.LaunchSource.LAUNCH_TEMPLATE,
                Optional.of(new GroupState.TemplateVersion("lt-0123", "3", Optional.of(RUNNING.imageId()), Map.of("drift-deploy:app", "shop"))),
                Optional.of(RUNNING), Optional.empty(), Optional.empty(), new GroupState.Capacity(6, 5));
        ImageVerdict.Approved approved = new ImageVerdict.Approved(NEWER, "shop");
        GroupStatus status = status("shop-blue", tags, 6, 5, new WindowUse(2, true, true), new WindowUse(3, false, false),
                breakers, Optional.of(new GroupStatus.Refresh(Optional.of("refresh-1"), "InProgress", Optional.of("ami-00000000000000002"))),
                Optional.of(new GroupStatus.Rollout("shop", RolloutRules.budget(SETTINGS, state, NOW), Optional.of(RUNNING.imageId()), Optional.of(RUNNING), Optional.empty(),
                        Optional.of(approved), Optional.empty(), Optional.of(RolloutRules.decide(approved, state, SETTINGS, NOW)))));

        assertThat(rows(status)).containsExactly(
                "mode|enforce (group tag drift-deploy:mode=enforce)",
                "strategy|refresh (no drift-deploy:rollout tag)",
                "capacity|6 desired, 5 healthy InService, min healthy 50 % (group tag drift-deploy:min-healthy-percent): 2 more may go out of service now",
                "remediation|terminate",
                "replacement|terminate, then the group launches the replacement (DRIFT_DEPLOY_DEFAULT_REPLACEMENT)",
                "drift budget|drift-deploy:budget='1' allows 1 instance(s) out of service at once, and 1 are out of service now:"
                        + " 0 more may go now",
                "rate window|2026-03-01T10:00:00Z to 2026-03-01T11:00:00Z",
                "group rate|2 of 2 terminations in the window, 0 left",
                "account rate|3 of 10 terminations in the window, 7 left (account 123456789012)",
                "storm breaker|open: the group's rate limit was reached; remediation is paused until 2026-03-01T11:00:00Z,"
                        + " when the window ends and it closes by itself",
                "churn breaker|open for rule imdsv2 since 2026-03-01T09:00:00Z (tripped by i-0abc); clear with drift-deploy resume"
                        + " --group shop-blue --rule imdsv2, or tag the group drift-deploy:churn-cleared=<UTC time now, e.g. 2026-01-01T12:00:00Z>",
                "refresh|refresh-1 InProgress to ami-00000000000000002",
                "app|shop",
                "rollout budget|drift-deploy:budget='1' allows 1 instance(s) out of service at once, and 1 are out of service"
                        + " now: 0 more may go now",
                "pending image|none",
                "image|ami-00000000000000001 (created 2026-01-01T00:00:00Z)",
                "newest golden|ami-00000000000000002 (created 2026-02-01T00:00:00Z): the images function would decide skip"
                        + " (budget-closed, enforce): image ami-00000000000000002 is not rolled out to shop-blue now:"
                        + " drift-deploy:budget='1' allows 1 instance(s) out of service at once, and 1 are out of service now");
    }

    @Test
    void aGroupOfNoAppWithMalformedTagsSaysWhatIsWrongAndThatNothingIsOpen() {
        Map<String, String> tags = Map.of("drift-deploy:rollout", "blue-green", "drift-deploy:min-healthy-percent", "lots",
                "drift-deploy:budget", "one");
        Map<String, Optional<Breaker>> breakers = new LinkedHashMap<>();
        breakers.put("imdsv2", Optional.empty());
        breakers.put("approved-amis", Optional.empty());
        GroupStatus status = status("batch", tags, 2, 2, new WindowUse(0, false, false), new WindowUse(0, false, false),
                breakers, Optional.empty(), Optional.empty());

        assertThat(rows(status)).containsExactly(
                "mode|dry-run (the global mode: no drift-deploy:mode tag)",
                "strategy|none: group tag drift-deploy:rollout=blue-green names no strategy drift-deploy implements (refresh,"
                        + " manual), so no image rolls out",
                "capacity|2 desired, 2 healthy InService; " + ((MinHealthy.Invalid) status.capacity().minHealthy()).detail("batch"),
                "remediation|terminate",
                "replacement|terminate, then the group launches the replacement (DRIFT_DEPLOY_DEFAULT_REPLACEMENT)",
                "drift budget|shut: drift-deploy:budget='one' is not a disruption budget: 'one' is not a count (e.g. 1) or a percentage"
                        + " (e.g. 10pct); fix or remove it (docs/safety-rules.md, \"Rule 6: disruption budgets\")",
                "rate window|2026-03-01T10:00:00Z to 2026-03-01T11:00:00Z",
                "group rate|0 of 2 terminations in the window, 2 left",
                "account rate|0 of 10 terminations in the window, 10 left (account 123456789012)",
                "storm breaker|closed",
                "churn breaker|closed (rules imdsv2, approved-amis)",
                "refresh|none",
                "rollout|none: the group carries no drift-deploy:app tag");
        assertThat(StatusTable.render(List.of(status), SETTINGS)).startsWith("GROUP batch\n  mode            dry-run")
                .endsWith("  last decisions\n    none recorded\n");
    }

    @Test
    void theLastDecisionsAreTheHistoryTableUnderTheRows() {
        AuditRecord decided = new AuditRecord(Instant.parse("2026-03-01T10:10:00Z"), "drift", "i-0abc", "terminate",
                "drift-confirmed", Optional.of("enforce"), List.of(), "event-1", Optional.empty(), Optional.empty(), "{}");
        RemediationAction terminate = DriftPolicy.action(Map.of(), SETTINGS.drift());
        GroupStatus status = new GroupStatus("web", Mode.ENFORCE, Optional.empty(), Optional.empty(),
                RolloutRules.Strategy.of(Optional.empty()), capacity(Map.of(), 2, 2), terminate,
                DriftPolicy.replacement(Map.of(), room(2, 4, Optional.empty()), SETTINGS.drift(), terminate), DriftPolicy.budget(Map.of(), 2, 2, SETTINGS.drift(), NOW),
                rates("web", new WindowUse(0, false, false), new WindowUse(0, false, false)), Map.of(), Optional.empty(),
                Optional.empty(), List.of(decided), Optional.empty());

        String text = StatusTable.render(List.of(status), SETTINGS);

        assertThat(text).contains("  churn breaker   no drift rules (DRIFT_DEPLOY_DRIFT_RULES, DRIFT_DEPLOY_DRIFT_RULE_PREFIX)\n");
        List<String> history = HistoryTable.render(List.of(decided)).lines().map(line -> "    " + line).toList();
        assertThat(text.lines().toList()).endsWith(history.toArray(String[]::new));
    }

    @Test
    void aRefusedNewestImageIsNamedWithTheRuleThatRefusesIt() {
        GroupStatus.Rollout rollout = new GroupStatus.Rollout("shop", new BudgetVerdict.Unbudgeted(), Optional.of("resolve:ssm:/golden/shop"), Optional.empty(),
                Optional.of(RUNNING), Optional.empty(), Optional.of(new GroupStatus.Refused("ami-00000000000000002",
                        new ImageVerdict.Rejected(RolloutReason.IMAGE_MARKED_BAD, "a refresh with it failed"))), Optional.empty());
        GroupStatus status = status("shop-green", Map.of("drift-deploy:app", "shop"), 2, 2, new WindowUse(0, false, false),
                new WindowUse(3, true, true), Map.of("imdsv2", Optional.empty()), Optional.empty(), Optional.of(rollout));

        assertThat(rows(status)).contains(
                "account rate|3 of 10 terminations in the window, 0 left (account 123456789012)",
                "storm breaker|open: the account's rate limit was reached; remediation is paused until 2026-03-01T11:00:00Z,"
                        + " when the window ends and it closes by itself",
                "pending image|ami-00000000000000001 (created 2026-01-01T00:00:00Z), starts when the refresh ends",
                "image|resolve:ssm:/golden/shop (no creation time: not an AMI EC2 describes)",
                "newest golden|none the rollout rules accept: the newest, ami-00000000000000002, is refused (image-marked-bad):"
                        + " a refresh with it failed");
    }

    @Test
    void theRemediationAndReplacementRowsSayWhatTheDriftPathWouldDoAndWhyNot() {
        Optional<MaintenancePolicy> launchFirst = Optional.of(new MaintenancePolicy(100, 110));
        Map<String, String> surge = Map.of("drift-deploy:replacement", "surge");
        Map<String, String> surgeAndQuarantine = Map.of("drift-deploy:replacement", "surge", "drift-deploy:action", "quarantine");
        Map<String, String> badTags = Map.of("drift-deploy:replacement", "later", "drift-deploy:action", "keep");

        assertThat(rows(status("cart", surge, 2, 2, room(2, 3, launchFirst), new WindowUse(0, false, false),
                new WindowUse(0, false, false), Map.of(), Optional.empty(), Optional.empty()))).contains(
                "remediation|terminate",
                "replacement|surge: the replacement InService before the instance goes (group tag drift-deploy:replacement);"
                        + " room for 1 more under MaxSize 3");
        assertThat(rows(status("cart", surge, 3, 3, room(3, 3, launchFirst), new WindowUse(0, false, false),
                new WindowUse(0, false, false), Map.of(), Optional.empty(), Optional.empty())))
                .anyMatch(row -> row.startsWith("replacement|none: surge chosen (group tag drift-deploy:replacement), but the group's"
                        + " desired capacity (3) is its maximum size (3)"));
        assertThat(rows(status("vault", surgeAndQuarantine, 2, 2, room(2, 3, launchFirst), new WindowUse(0, false, false),
                new WindowUse(0, false, false), Map.of(), Optional.empty(), Optional.empty())))
                .contains("remediation|quarantine: isolate, snapshot, detach with replacement")
                .anyMatch(row -> row.startsWith("replacement|none: surge chosen (group tag drift-deploy:replacement), but the group"
                        + " quarantines its drifted instances (drift-deploy:action=quarantine)"));
        assertThat(rows(status("odd", badTags, 2, 2, room(2, 3, launchFirst), new WindowUse(0, false, false),
                new WindowUse(0, false, false), Map.of(), Optional.empty(), Optional.empty()))).contains(
                "remediation|none: group tag drift-deploy:action=keep names neither terminate nor quarantine, so nothing is"
                        + " remediated (invalid-action-tag)",
                "replacement|none: group tag drift-deploy:replacement=later names neither terminate nor surge, so nothing is"
                        + " replaced (invalid-replacement-tag)");
    }

    @Test
    void aMemberGroupSaysWhereItWasReadItsAccountsAndTheOrganizationsLimitsAndItsLedgerName() {
        Map<String, Optional<Breaker>> breakers = Map.of("imdsv2", Optional.of(new Breaker(Instant.parse("2026-03-01T09:00:00Z"), "i-0abc")));
        GroupStatus read = status("web", Map.of(), 2, 2, new WindowUse(1, false, false), new WindowUse(1, false, false), breakers,
                Optional.empty(), Optional.empty());
        GroupStatus.RateWindow rates = new GroupStatus.RateWindow(WINDOW, WINDOW.plusSeconds(3600),
                new GroupStatus.Scope("111122223333/web", 2, new WindowUse(1, false, false)),
                new GroupStatus.Scope("111122223333", 10, new WindowUse(1, false, false)),
                Optional.of(new GroupStatus.Scope("123456789012", 20, new WindowUse(20, true, true))));

        assertThat(rows(in(read, rates, new GroupStatus.Account("111122223333",
                Optional.of("arn:aws:iam::111122223333:role/drift-deploy-member"), "111122223333/web")))).contains(
                "account|111122223333, read through arn:aws:iam::111122223333:role/drift-deploy-member (session drift-deploy-cli);"
                        + " the ledger keeps the group as 111122223333/web",
                "group rate|1 of 2 terminations in the window, 1 left",
                "account rate|1 of 10 terminations in the window, 9 left (account 111122223333)",
                "org rate|20 of 20 terminations in the window, 0 left (every account served, counted under account 123456789012)",
                "storm breaker|open: the organization's rate limit was reached; remediation is paused until 2026-03-01T11:00:00Z,"
                        + " when the window ends and it closes by itself",
                "churn breaker|open for rule imdsv2 since 2026-03-01T09:00:00Z (tripped by i-0abc); clear with drift-deploy resume"
                        + " --group 111122223333/web --rule imdsv2, or tag the group drift-deploy:churn-cleared=<UTC time now,"
                        + " e.g. 2026-01-01T12:00:00Z>");
        assertThat(rows(in(read, read.rates(), new GroupStatus.Account("123456789012", Optional.empty(), "web"))).get(0))
                .isEqualTo("account|123456789012, the central account, read with the caller's own credentials; the ledger keeps"
                        + " the group as web");
        assertThat(rows(read)).as("without --account, no account row").noneMatch(row -> row.startsWith("account|"));
    }

    /** The group as read in {@code account}, with that account's rate window. */
    private static GroupStatus in(GroupStatus read, GroupStatus.RateWindow rates, GroupStatus.Account account) {
        return new GroupStatus(read.group(), read.mode(), read.modeTag(), read.strategyTag(), read.strategy(), read.capacity(),
                read.action(), read.replacement(), read.budget(), rates, read.breakers(), read.refresh(), read.rollout(),
                read.lastDecisions(), Optional.of(account));
    }

    private static GroupStatus status(String group, Map<String, String> tags, int desired, int healthy, WindowUse groupUse,
                                      WindowUse accountUse, Map<String, Optional<Breaker>> breakers,
                                      Optional<GroupStatus.Refresh> refresh, Optional<GroupStatus.Rollout> rollout) {
        return status(group, tags, desired, healthy, room(desired, desired * 2, Optional.empty()), groupUse, accountUse, breakers,
                refresh, rollout);
    }

    private static GroupStatus status(String group, Map<String, String> tags, int desired, int healthy, ReplacementChoice.Room room,
                                      WindowUse groupUse, WindowUse accountUse, Map<String, Optional<Breaker>> breakers,
                                      Optional<GroupStatus.Refresh> refresh, Optional<GroupStatus.Rollout> rollout) {
        Optional<String> strategyTag = Optional.ofNullable(tags.get("drift-deploy:rollout"));
        RemediationAction action = DriftPolicy.action(tags, SETTINGS.drift());
        return new GroupStatus(group, io.driftdeploy.policy.GroupModes.effective(SETTINGS, tags),
                Optional.ofNullable(tags.get("drift-deploy:mode")), strategyTag, RolloutRules.Strategy.of(strategyTag),
                capacity(tags, desired, healthy), action, DriftPolicy.replacement(tags, room, SETTINGS.drift(), action),
                DriftPolicy.budget(tags, desired, healthy, SETTINGS.drift(), NOW),
                rates(group, groupUse, accountUse), breakers, refresh, rollout, List.of(), Optional.empty());
    }

    private static ReplacementChoice.Room room(int desired, int maxSize, Optional<MaintenancePolicy> policy) {
        return new ReplacementChoice.Room(desired, maxSize, policy, desired, 0);
    }

    private static GroupStatus.Capacity capacity(Map<String, String> tags, int desired, int healthy) {
        MinHealthy minHealthy = DriftPolicy.minHealthy(tags, SETTINGS.drift());
        return new GroupStatus.Capacity(desired, healthy, minHealthy, DriftPolicy.capacityAllowance(desired, healthy, minHealthy));
    }

    private static GroupStatus.RateWindow rates(String group, WindowUse groupUse, WindowUse accountUse) {
        return new GroupStatus.RateWindow(WINDOW, WINDOW.plusSeconds(3600), new GroupStatus.Scope(group, 2, groupUse),
                new GroupStatus.Scope("123456789012", 10, accountUse), Optional.empty());
    }

    private static List<String> rows(GroupStatus status) {
        return StatusTable.rows(status, SETTINGS).stream().map(row -> row.label() + "|" + row.value()).toList();
    }
}
