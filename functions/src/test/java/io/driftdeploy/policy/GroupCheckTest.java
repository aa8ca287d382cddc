package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.event.ComplianceType;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The group-stage checks stop at the first that refuses, and never ask for what a later one needs. */
class GroupCheckTest {

    private static final Instant EVALUATED = Instant.parse("2026-12-02T10:00:00Z");
    private static final Evaluation EVALUATION = new Evaluation("e1", "123456789012", "eu-west-1", "rule",
            "AWS::EC2::Instance", "i-0123456789abcdef0", ComplianceType.NON_COMPLIANT, EVALUATED);
    private static final GroupFacts GROUP = new GroupFacts("web", Map.of(), 4, 4, GroupFacts.IN_SERVICE, false,
            Optional.empty(), Set.of("i-0123456789abcdef0"), 4, Optional.empty(), Set.of());
    private static final InstanceFacts INSTANCE = new InstanceFacts("i-0123456789abcdef0", InstanceState.RUNNING,
            Map.of("team-protect", "yes"),
            Optional.empty(), Optional.empty(), Optional.of(GROUP));

    /** Which fact each check asks for first; a check refuses when that fact says so. */
    private static String askedBy(GroupCheck check) {
        return switch (check) {
            case NOT_PROTECTED -> "protectTag";
            case NO_REFRESH_IN_PROGRESS -> "refreshInProgress";
            case VALID_GROUP_TAG -> "minHealthy";
            case VALID_ACTION_TAG -> "action";
            case REPLACEMENT_POSSIBLE -> "replacement";
            case WITHIN_BUDGET -> "budget";
            case CAPACITY_LEFT -> "capacityAllowance";
            case CHURN_BREAKER_CLOSED -> "churnBreaker";
            case REPLACEMENT_WOULD_CURE -> "replacementWouldCure";
            case SCOPE_NOT_KNOWN_PAUSED -> "knownPaused";
            case QUARANTINE_READY -> "quarantineReady";
            case STILL_TRUE_IN_CONFIG -> "configResult";
            case RESERVED -> "reserve";
        };
    }

    /** Facts under which every check holds, except the one {@code refusing} asks for; records what was asked. */
    private static GroupCheck.Facts facts(Optional<GroupCheck> refusing, List<String> asked) {
        String refused = refusing.map(GroupCheckTest::askedBy).orElse("");
        return (GroupCheck.Facts) Proxy.newProxyInstance(GroupCheck.Facts.class.getClassLoader(),
                new Class<?>[] {GroupCheck.Facts.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    asked.add(name);
                    boolean refuse = name.equals(refused);
                    return switch (name) {
                        case "evaluation" -> EVALUATION;
                        case "instance" -> INSTANCE;
                        case "group" -> GROUP;
                        case "protectTag" -> refuse ? "team-protect" : "drift-deploy:protect";
                        case "refreshInProgress" -> refuse;
                        case "minHealthy" -> refuse ? MinHealthy.of(Map.of("tag", "lots"), "tag", 90)
                                : MinHealthy.of(Map.of(), "tag", 50);
                        case "replacement" -> refuse ? new ReplacementChoice.InvalidTag("drift-deploy:replacement", "later")
                                : new ReplacementChoice.Terminate("DRIFT_DEPLOY_DEFAULT_REPLACEMENT");
                        case "capacityAllowance" -> refuse ? 0 : 1;
                        case "action" -> RemediationAction.of(Map.of("action", refuse ? "shred" : "quarantine"), "action");
                        case "budget" -> refuse ? new BudgetVerdict.Invalid("drift-deploy:budget", "lots", "not a count")
                                : new BudgetVerdict.Unbudgeted();
                        case "configResult" -> Optional.of(new ConfigResult(
                                Optional.of(refuse ? ComplianceType.COMPLIANT : ComplianceType.NON_COMPLIANT), EVALUATED));
                        case "newestRecorded" -> true;
                        default -> refuse ? Optional.of(DriftReason.GROUP_RATE_LIMIT) : Optional.empty();
                    };
                });
    }

    @ParameterizedTest
    @EnumSource(GroupCheck.class)
    void theFirstRefusingCheckDecidesAndNoLaterFactIsAsked(GroupCheck refusing) {
        List<String> asked = new ArrayList<>();

        Optional<DriftReason> stopped = GroupCheck.firstStop(facts(Optional.of(refusing), asked));

        assertThat(stopped).isPresent();
        assertThat(asked).contains(askedBy(refusing));
        for (GroupCheck later : GroupCheck.values()) {
            if (later.ordinal() > refusing.ordinal()) {
                assertThat(asked).as("%s is not reached", later).doesNotContain(askedBy(later));
            }
        }
    }

    @Test
    void whenEveryCheckHoldsEachIsAskedInItsOrder() {
        List<String> asked = new ArrayList<>();

        assertThat(GroupCheck.firstStop(facts(Optional.empty(), asked))).isEmpty();

        List<String> firstAsks = List.of(GroupCheck.values()).stream().map(GroupCheckTest::askedBy).toList();
        assertThat(asked.stream().filter(firstAsks::contains).toList()).containsExactlyElementsOf(firstAsks);
    }

    @ParameterizedTest
    @EnumSource(GroupCheck.class)
    void onFactsReadAheadOnlyTheChecksBeforeConfigsCurrentResultAreMade(GroupCheck refusing) {
        List<String> asked = new ArrayList<>();

        Optional<DriftReason> stopped = GroupCheck.firstRefusal(facts(Optional.of(refusing), asked));

        boolean refusesOnReadAhead = refusing.ordinal() < GroupCheck.STILL_TRUE_IN_CONFIG.ordinal();
        assertThat(stopped.isPresent()).as("%s refuses on facts read ahead", refusing).isEqualTo(refusesOnReadAhead);
        assertThat(asked).doesNotContain(askedBy(GroupCheck.STILL_TRUE_IN_CONFIG), askedBy(GroupCheck.RESERVED));
    }

    @Test
    void onFactsReadAheadAScopeKnownPausedRefusesBeforeAnyFactIsRead() {
        List<String> asked = new ArrayList<>();

        Optional<DriftReason> stopped = GroupCheck.firstRefusal(facts(Optional.of(GroupCheck.SCOPE_NOT_KNOWN_PAUSED), asked));

        assertThat(stopped).contains(DriftReason.GROUP_RATE_LIMIT);
        assertThat(asked).containsExactly("knownPaused");
    }
}
