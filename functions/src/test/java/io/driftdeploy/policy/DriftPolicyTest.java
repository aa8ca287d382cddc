package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.Mode;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.ComplianceChange;
import io.driftdeploy.event.ComplianceType;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every drift safety rule (docs/safety-rules.md, "Drift: when an instance is terminated"), table-driven; every reason reachable. */
class DriftPolicyTest {

    private static final String PROTECT = "drift-deploy:protect";
    private static final String MIN_HEALTHY_TAG = "drift-deploy:min-healthy-percent";
    private static final String BUDGET_TAG = "drift-deploy:budget";
    private static final Settings SETTINGS = Settings.from(Map.of(
            "DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:drift-deploy",
            "DRIFT_DEPLOY_TABLE", "ledger", "DRIFT_DEPLOY_ACCOUNT_ID", "123456789012",
            "DRIFT_DEPLOY_DRIFT_RULES", "golden-ami-only",
            "DRIFT_DEPLOY_DRIFT_RULE_PREFIX", "drift-"));
    private static final Settings.Drift DRIFT = SETTINGS.drift();
    private static final RemediationAction TERMINATE = new RemediationAction.Chosen(RemediationAction.Kind.TERMINATE);
    private static final Map<String, String> OPTED_IN = Map.of("drift-deploy:remediation", "terminate");

    static Evaluation evaluation(String rule, ComplianceType compliance) {
        return new Evaluation("event-1", "123456789012", "us-east-1", rule, ComplianceChange.EC2_INSTANCE,
                "i-0abc1234def567890", compliance, Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** The time {@link #evaluation} is dated. */
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    static Evaluation evaluationAt(Instant orderingTimestamp) {
        return new Evaluation("event-1", "123456789012", "us-east-1", "drift-x", ComplianceChange.EC2_INSTANCE,
                "i-0abc1234def567890", ComplianceType.NON_COMPLIANT, orderingTimestamp);
    }

    /** AWS Config's current result, {@code seconds} after the evaluation's time (before it when negative). */
    static Optional<ConfigResult> configSays(ComplianceType compliance, long seconds) {
        return Optional.of(new ConfigResult(Optional.of(compliance), NOW.plusSeconds(seconds)));
    }

    static Optional<DriftReason> inConfig(Optional<ConfigResult> current, boolean newestRecorded) {
        return DriftPolicy.currentInConfig(evaluationAt(NOW), current, newestRecorded);
    }

    static GroupFacts group(Map<String, String> tags, int desired, int healthyInService, String lifecycle, boolean scaleInProtected) {
        return new GroupFacts("web", tags, desired, healthyInService, lifecycle, scaleInProtected, Optional.empty(), Set.of(),
                desired, Optional.empty(), Set.of());
    }

    static GroupFacts optedInGroup() {
        return group(OPTED_IN, 10, 10, GroupFacts.IN_SERVICE, false);
    }

    static InstanceFacts instance(InstanceState state, Map<String, String> tags, Optional<GroupFacts> group) {
        return new InstanceFacts("i-0abc1234def567890", state, tags, Optional.empty(), Optional.empty(), group);
    }

    static InstanceFacts member(GroupFacts group) {
        return instance(InstanceState.RUNNING, Map.of(), Optional.of(group));
    }

    /** One row per outcome of every check: description, the check, the reason it must give (null: the rule holds). */
    static Stream<Arguments> rules() {
        return Stream.of(
                // Rule 1
                row("listed drift rule", () -> DriftPolicy.driftRule(evaluation("golden-ami-only", ComplianceType.NON_COMPLIANT), DRIFT), null),
                row("drift rule by prefix", () -> DriftPolicy.driftRule(evaluation("drift-ssh-config", ComplianceType.NON_COMPLIANT), DRIFT), null),
                row("other rule", () -> DriftPolicy.driftRule(evaluation("s3-bucket-versioning", ComplianceType.NON_COMPLIANT), DRIFT),
                        DriftReason.NOT_A_DRIFT_RULE),
                row("NON_COMPLIANT", () -> DriftPolicy.nonCompliant(evaluation("drift-x", ComplianceType.NON_COMPLIANT)), null),
                row("COMPLIANT", () -> DriftPolicy.nonCompliant(evaluation("drift-x", ComplianceType.COMPLIANT)), DriftReason.COMPLIANT),
                row("NOT_APPLICABLE", () -> DriftPolicy.nonCompliant(evaluation("drift-x", ComplianceType.NOT_APPLICABLE)), DriftReason.NO_VERDICT),
                row("INSUFFICIENT_DATA", () -> DriftPolicy.nonCompliant(evaluation("drift-x", ComplianceType.INSUFFICIENT_DATA)), DriftReason.NO_VERDICT),
                // Rule 2
                row("first delivery", () -> DriftPolicy.notDuplicate(true), null),
                row("repeated delivery", () -> DriftPolicy.notDuplicate(false), DriftReason.DUPLICATE_EVENT),
                // Rule 3
                row("dated now", () -> DriftPolicy.notFromTheFuture(evaluationAt(NOW), NOW), null),
                row("dated within the clock skew", () -> DriftPolicy.notFromTheFuture(evaluationAt(NOW.plus(DriftPolicy.CLOCK_SKEW)), NOW),
                        null),
                row("dated after the clock skew", () -> DriftPolicy.notFromTheFuture(
                        evaluationAt(NOW.plus(DriftPolicy.CLOCK_SKEW).plusMillis(1)), NOW), DriftReason.EVALUATION_FROM_THE_FUTURE),
                row("dated 2099", () -> DriftPolicy.notFromTheFuture(evaluationAt(Instant.parse("2099-01-01T00:00:00Z")), NOW),
                        DriftReason.EVALUATION_FROM_THE_FUTURE),
                row("dated within the ledger's retention", () -> DriftPolicy.notTooOld(
                        evaluationAt(NOW.minus(DriftPolicy.EVALUATION_RETENTION)), NOW), null),
                row("dated before the ledger's retention", () -> DriftPolicy.notTooOld(
                        evaluationAt(NOW.minus(DriftPolicy.EVALUATION_RETENTION).minusMillis(1)), NOW), DriftReason.EVALUATION_TOO_OLD),
                row("running", () -> DriftPolicy.instanceLive(Optional.of(instance(InstanceState.RUNNING, Map.of(), Optional.empty()))), null),
                row("pending", () -> DriftPolicy.instanceLive(Optional.of(instance(InstanceState.PENDING, Map.of(), Optional.empty()))), null),
                row("not found", () -> DriftPolicy.instanceLive(Optional.empty()), DriftReason.INSTANCE_GONE),
                row("terminated", () -> DriftPolicy.instanceLive(Optional.of(instance(InstanceState.TERMINATED, Map.of(), Optional.empty()))),
                        DriftReason.INSTANCE_GONE),
                row("shutting down", () -> DriftPolicy.instanceLive(Optional.of(instance(InstanceState.SHUTTING_DOWN, Map.of(), Optional.empty()))),
                        DriftReason.INSTANCE_GONE),
                row("stopped", () -> DriftPolicy.instanceLive(Optional.of(instance(InstanceState.STOPPED, Map.of(), Optional.empty()))),
                        DriftReason.INSTANCE_NOT_RUNNING),
                row("stopping", () -> DriftPolicy.instanceLive(Optional.of(instance(InstanceState.STOPPING, Map.of(), Optional.empty()))),
                        DriftReason.INSTANCE_NOT_RUNNING),
                row("first to terminate it", () -> DriftPolicy.notAlreadyTerminating(true), null),
                row("another decision terminates it", () -> DriftPolicy.notAlreadyTerminating(false), DriftReason.ALREADY_TERMINATING),
                row("Config has no result", () -> inConfig(Optional.empty(), true), DriftReason.NO_EVALUATION_ON_RECORD),
                row("Config has no result, ledger has a newer one", () -> inConfig(Optional.empty(), false),
                        DriftReason.NO_EVALUATION_ON_RECORD),
                row("Config NON_COMPLIANT at the same time", () -> inConfig(configSays(ComplianceType.NON_COMPLIANT, 0), true), null),
                row("Config NON_COMPLIANT at the same time, ledger has a later one (crafted)",
                        () -> inConfig(configSays(ComplianceType.NON_COMPLIANT, 0), false), null),
                row("Config NON_COMPLIANT earlier, ledger has a later one (crafted)",
                        () -> inConfig(configSays(ComplianceType.NON_COMPLIANT, -60), false), null),
                row("Config NON_COMPLIANT later, nothing newer in the ledger",
                        () -> inConfig(configSays(ComplianceType.NON_COMPLIANT, 60), true), null),
                row("Config NON_COMPLIANT later, ledger has a newer one", () -> inConfig(configSays(ComplianceType.NON_COMPLIANT, 60), false),
                        DriftReason.STALE_EVALUATION),
                row("Config COMPLIANT later", () -> inConfig(configSays(ComplianceType.COMPLIANT, 60), true), DriftReason.STALE_EVALUATION),
                row("Config NOT_APPLICABLE later", () -> inConfig(configSays(ComplianceType.NOT_APPLICABLE, 60), true),
                        DriftReason.STALE_EVALUATION),
                row("Config COMPLIANT at the same time", () -> inConfig(configSays(ComplianceType.COMPLIANT, 0), true),
                        DriftReason.NO_LONGER_NON_COMPLIANT),
                row("Config COMPLIANT earlier", () -> inConfig(configSays(ComplianceType.COMPLIANT, -60), true),
                        DriftReason.NO_LONGER_NON_COMPLIANT),
                row("Config NOT_APPLICABLE earlier", () -> inConfig(configSays(ComplianceType.NOT_APPLICABLE, -60), true),
                        DriftReason.NO_LONGER_NON_COMPLIANT),
                row("Config INSUFFICIENT_DATA earlier", () -> inConfig(configSays(ComplianceType.INSUFFICIENT_DATA, -60), true),
                        DriftReason.NO_LONGER_NON_COMPLIANT),
                row("Config names a compliance unknown here", () -> inConfig(Optional.of(new ConfigResult(Optional.empty(), NOW)), true),
                        DriftReason.NO_LONGER_NON_COMPLIANT),
                // Rule 4
                row("opted-in group", () -> DriftPolicy.optedInGroup(member(optedInGroup()), DRIFT.optInTag()), null),
                row("standalone", () -> DriftPolicy.optedInGroup(instance(InstanceState.RUNNING, Map.of(), Optional.empty()), DRIFT.optInTag()),
                        DriftReason.STANDALONE_INSTANCE),
                row("group without the tag", () -> DriftPolicy.optedInGroup(member(group(Map.of(), 10, 10, "InService", false)), DRIFT.optInTag()),
                        DriftReason.GROUP_NOT_OPTED_IN),
                row("group with another value", () -> DriftPolicy.optedInGroup(
                        member(group(Map.of("drift-deploy:remediation", "notify"), 10, 10, "InService", false)), DRIFT.optInTag()),
                        DriftReason.GROUP_NOT_OPTED_IN),
                // Rule 5
                row("unprotected InService", () -> DriftPolicy.notProtected(member(optedInGroup()), optedInGroup(), PROTECT), null),
                row("instance protect tag", () -> DriftPolicy.notProtected(
                        instance(InstanceState.RUNNING, Map.of(PROTECT, ""), Optional.of(optedInGroup())), optedInGroup(), PROTECT),
                        DriftReason.PROTECT_TAG),
                row("group protect tag", () -> {
                    GroupFacts protectedGroup = group(Map.of("drift-deploy:remediation", "terminate", PROTECT, "yes"), 10, 10, "InService", false);
                    return DriftPolicy.notProtected(member(protectedGroup), protectedGroup, PROTECT);
                }, DriftReason.PROTECT_TAG),
                row("scale-in protection", () -> {
                    GroupFacts scaleInProtected = group(OPTED_IN, 10, 10, "InService", true);
                    return DriftPolicy.notProtected(member(scaleInProtected), scaleInProtected, PROTECT);
                }, DriftReason.SCALE_IN_PROTECTION),
                row("Standby", () -> {
                    GroupFacts standby = group(OPTED_IN, 10, 9, "Standby", false);
                    return DriftPolicy.notProtected(member(standby), standby, PROTECT);
                }, DriftReason.NOT_IN_SERVICE),
                row("Pending:Wait", () -> {
                    GroupFacts pending = group(OPTED_IN, 10, 9, "Pending:Wait", false);
                    return DriftPolicy.notProtected(member(pending), pending, PROTECT);
                }, DriftReason.NOT_IN_SERVICE),
                // Rule 6
                row("no refresh", () -> DriftPolicy.noRefreshInProgress(false), null),
                row("refresh in progress", () -> DriftPolicy.noRefreshInProgress(true), DriftReason.REFRESH_IN_PROGRESS),
                row("no min-healthy tag", () -> DriftPolicy.validGroupTag(DriftPolicy.minHealthy(optedInGroup(), DRIFT)), null),
                row("min-healthy tag 50", () -> DriftPolicy.validGroupTag(DriftPolicy.minHealthy(
                        group(Map.of(MIN_HEALTHY_TAG, "50"), 10, 10, "InService", false), DRIFT)), null),
                row("min-healthy tag not a number", () -> DriftPolicy.validGroupTag(DriftPolicy.minHealthy(
                        group(Map.of(MIN_HEALTHY_TAG, "half"), 10, 10, "InService", false), DRIFT)), DriftReason.INVALID_GROUP_TAG),
                row("min-healthy tag above 100", () -> DriftPolicy.validGroupTag(DriftPolicy.minHealthy(
                        group(Map.of(MIN_HEALTHY_TAG, "101"), 10, 10, "InService", false), DRIFT)), DriftReason.INVALID_GROUP_TAG),
                row("within allowance", () -> DriftPolicy.capacityGuard(true), null),
                row("beyond allowance", () -> DriftPolicy.capacityGuard(false), DriftReason.CAPACITY_GUARD),
                row("no budget", () -> DriftPolicy.withinBudget(DriftPolicy.budget(optedInGroup(), DRIFT, NOW)), null),
                row("budget of 1", () -> DriftPolicy.withinBudget(DriftPolicy.budget(
                        group(Map.of(BUDGET_TAG, "1"), 10, 10, "InService", false), DRIFT, NOW)), null),
                row("budget of 1 used", () -> DriftPolicy.withinBudget(DriftPolicy.budget(
                        group(Map.of(BUDGET_TAG, "1"), 10, 9, "InService", false), DRIFT, NOW)), DriftReason.BUDGET_CLOSED),
                row("outside the only window", () -> DriftPolicy.withinBudget(DriftPolicy.budget(
                        group(Map.of(BUDGET_TAG, "1 at 0 22 @ @ @ for 1h"), 10, 10, "InService", false), DRIFT, NOW)),
                        DriftReason.BUDGET_CLOSED),
                row("budget tag malformed", () -> DriftPolicy.withinBudget(DriftPolicy.budget(
                        group(Map.of(BUDGET_TAG, "1 per hour"), 10, 10, "InService", false), DRIFT, NOW)),
                        DriftReason.INVALID_BUDGET_TAG),
                // Rule 6, the replacement the group chose (every case: ReplacementChoiceTest)
                row("replacement by termination", () -> DriftPolicy.replacementPossible(DriftPolicy.replacement(
                        group(Map.of(), 10, 10, "InService", false), DRIFT, TERMINATE)), null),
                row("replacement tag malformed", () -> DriftPolicy.replacementPossible(DriftPolicy.replacement(
                        group(Map.of("drift-deploy:replacement", "blue-green"), 10, 10, "InService", false), DRIFT, TERMINATE)),
                        DriftReason.INVALID_REPLACEMENT_TAG),
                row("surge without a maintenance policy", () -> DriftPolicy.replacementPossible(DriftPolicy.replacement(
                        group(Map.of("drift-deploy:replacement", "surge"), 10, 10, "InService", false), DRIFT, TERMINATE)),
                        DriftReason.CANNOT_SURGE),
                // Rule 7
                row("group limit reached", () -> Optional.of(RateScope.GROUP.reason()), DriftReason.GROUP_RATE_LIMIT),
                row("account limit reached", () -> Optional.of(RateScope.ACCOUNT.reason()), DriftReason.ACCOUNT_RATE_LIMIT),
                row("organization limit reached", () -> Optional.of(RateScope.ORGANIZATION.reason()),
                        DriftReason.ORGANIZATION_RATE_LIMIT),
                // Rule 8
                row("enforce", () -> Optional.of(DriftPolicy.allRulesHold(Mode.ENFORCE)), DriftReason.DRIFT_CONFIRMED),
                row("dry-run", () -> Optional.of(DriftPolicy.allRulesHold(Mode.DRY_RUN)), DriftReason.DRY_RUN),
                // Quarantine instead of termination (every case: QuarantinePolicyTest)
                row("enforce, quarantine", () -> Optional.of(QuarantinePolicy.allRulesHold(Mode.ENFORCE,
                        new RemediationAction.Chosen(RemediationAction.Kind.QUARANTINE))), DriftReason.DRIFT_QUARANTINED),
                row("dry-run, quarantine", () -> Optional.of(QuarantinePolicy.allRulesHold(Mode.DRY_RUN,
                        new RemediationAction.Chosen(RemediationAction.Kind.QUARANTINE))), DriftReason.DRY_RUN_QUARANTINE),
                row("action tag neither", () -> QuarantinePolicy.validActionTag(
                        RemediationAction.of(Map.of("drift-deploy:action", "shred"), "drift-deploy:action")), DriftReason.INVALID_ACTION_TAG),
                row("no quarantine group in the VPC", () -> QuarantinePolicy.quarantineReady(List.of(
                        new QuarantinePolicy.NetworkInterface("eni-1", "vpc-1", List.of("sg-1"))), Map.of()),
                        DriftReason.NO_QUARANTINE_GROUP),
                row("quarantined by another decision", () -> QuarantinePolicy.notQuarantined(
                        Map.of(QuarantinePolicy.MARKER_TAG, "event-0")), DriftReason.ALREADY_QUARANTINED),
                // Rule 9 (every case: ReplacementPolicyTest, ChurnBreakerTest)
                row("template requires IMDSv2", () -> ReplacementPolicy.replacementWouldCure(
                        ReplacementPolicyTest.imdsv2(Optional.of("required"))), null),
                row("template allows IMDSv1", () -> ReplacementPolicy.replacementWouldCure(
                        ReplacementPolicyTest.imdsv2(Optional.of("optional"))), DriftReason.REPLACEMENT_WOULD_NOT_CURE),
                row("not a replacement, no breaker", () -> ChurnBreaker.replacementDidNotCure(false, Optional.empty()), null),
                row("breaker open", () -> ChurnBreaker.replacementDidNotCure(true, Optional.empty()), DriftReason.REPLACEMENT_DID_NOT_CURE));
    }

    private static Arguments row(String description, Supplier<Optional<DriftReason>> check, DriftReason expected) {
        return Arguments.of(description, check, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void eachCheckGivesItsReason(String description, Supplier<Optional<DriftReason>> check, DriftReason expected) {
        assertThat(check.get()).isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyReasonIsReachable() {
        Set<DriftReason> reached = rules()
                .map(arguments -> ((Supplier<Optional<DriftReason>>) arguments.get()[1]).get())
                .flatMap(Optional::stream)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(DriftReason.class)));
        assertThat(reached).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(DriftReason.class));
    }

    @Test
    void everyRuleHasAReason() {
        assertThat(Stream.of(DriftReason.values()).map(DriftReason::rule).distinct())
                .containsExactlyInAnyOrder(DriftRule.values());
    }

    @Test
    void onlyAConfirmedDriftTerminates() {
        assertThat(Stream.of(DriftReason.values()).filter(reason -> reason.decision() == DriftDecision.TERMINATE))
                .containsExactly(DriftReason.DRIFT_CONFIRMED);
    }

    @ParameterizedTest(name = "desired {0}, healthy InService {1}, min healthy {2}% -> allowance {3}")
    @CsvSource({
            "10, 10, 90, 1",
            "10,  9, 90, 0",
            "2,   2, 90, 0",   // a small group at 90 % is always at its floor: ceil(1.8) = 2
            "2,   2, 50, 1",
            "20, 20, 90, 2",
            "3,   3, 0,  3",
            "10, 10, 100, 0",
            "4,   3, 50, 1",
            "5,   5, 91, 0"})  // ceil(4.55) = 5: the floor rounds up, never under the share
    void capacityAllowanceKeepsTheMinimumHealthyShare(int desired, int healthy, int percent, int allowance) {
        GroupFacts facts = group(OPTED_IN, desired, healthy, "InService", false);
        assertThat(DriftPolicy.capacityAllowance(facts, percent)).isEqualTo(allowance);
    }

    @ParameterizedTest(name = "desired {0}, healthy {1}, setting 90 %, group tag ''{2}'' -> allowance {3}")
    @CsvSource({
            "2, 2, , 0",        // no tag: the setting's 90 % keeps a group of two at its floor
            "2, 2, 50, 1",      // the group's own 50 % lets it lose one
            "6, 6, 100, 0",
            "6, 6, 0, 6",
            "6, 6, 5O, 0",      // malformed (a letter O): no allowance at all, and the guard says why
            "6, 6, -10, 0"})
    void theGroupsMinHealthyTagReplacesTheSettingForItsCapacityGuard(int desired, int healthy, String tag, int allowance) {
        GroupFacts facts = group(tag == null ? OPTED_IN : Map.of("drift-deploy:remediation", "terminate", MIN_HEALTHY_TAG, tag),
                desired, healthy, "InService", false);
        assertThat(DriftPolicy.capacityAllowance(facts, DriftPolicy.minHealthy(facts, DRIFT))).isEqualTo(allowance);
    }

    @ParameterizedTest(name = "floor allowance {0}, budget ''{1}'' on 10 of 10 -> reservation limit {2}")
    @CsvSource({
            "3, ,     3",   // no budget: the floor alone, as before budgets
            "3, 1,    1",
            "1, 5,    1",   // the floor stays when the budget is wider
            "0, 5,    0",
            "3, 0,    0",
            "3, oops, 0"})
    void theCapacityReservationHoldsTheFloorAndTheBudgetBoth(int floorAllowance, String budget, int limit) {
        GroupFacts facts = group(budget == null ? OPTED_IN : Map.of(BUDGET_TAG, budget), 10, 10, "InService", false);
        assertThat(DriftPolicy.reservationLimit(floorAllowance, DriftPolicy.budget(facts, DRIFT, NOW))).isEqualTo(limit);
    }

    @ParameterizedTest(name = "{0} in a {1}-minute window starts at {2}")
    @CsvSource({
            "2026-03-01T10:17:42Z, 60, 2026-03-01T10:00:00Z",
            "2026-03-01T10:00:00Z, 60, 2026-03-01T10:00:00Z",
            "2026-03-01T10:59:59.999Z, 60, 2026-03-01T10:00:00Z",
            "2026-03-01T10:17:42Z, 15, 2026-03-01T10:15:00Z",
            "2026-03-01T10:17:42Z, 1440, 2026-03-01T00:00:00Z"})
    void rateWindowsAreAlignedToTheEpoch(String now, int minutes, String start) {
        assertThat(DriftPolicy.rateWindowStart(Instant.parse(now), Duration.ofMinutes(minutes))).isEqualTo(Instant.parse(start));
    }

    @Test
    void reasonLabelsAreUniqueAndKebabCase() {
        List<String> labels = Stream.of(DriftReason.values()).map(DriftReason::label).toList();
        assertThat(labels).doesNotHaveDuplicates().allMatch(label -> label.matches("[a-z]+(-[a-z]+)*"));
    }
}
