package io.driftdeploy.testing;

import io.driftdeploy.aws.Ledger;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * The safety rules a storm must not break, read back from AWS (the emulator): EC2's instance
 * states, the groups' InService counts watched during the storm, the terminations the function
 * called, the audit trail in the ledger table and the notifications SNS delivered to the test's
 * queue. The handler's return values are only compared with these, never trusted alone.
 */
public final class StormInvariants {

    private static final String DUPLICATE = "duplicate-event";
    private static final String TERMINATE = "terminate";
    private static final Set<InstanceStateName> GONE = Set.of(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);

    /** What the storm did, for a report: terminations by group, decisions by reason, storm alerts by scope. */
    public record Outcome(Map<String, Long> terminationsByGroup, Map<String, Long> decisionsByReason,
                          Map<String, Long> stormAlerts) {

        public long terminations() {
            return terminationsByGroup.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private StormInvariants() {
    }

    /** Checks every invariant and reports all that fail at once; returns what the storm did. */
    public static Outcome assertHold(Storm storm, Storm.Result result) {
        TestEnvironment env = storm.environment();
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(result.decisions()).as("decisions that threw")
                .filteredOn(decision -> decision.failure() != null).isEmpty();

        decidedOnce(softly, storm, result, auditTrail(env));

        Set<String> gone = instancesGone(env, storm.instanceGroups().keySet());
        List<String> terminateCalls = result.calls().terminatedInstances();
        softly.assertThat(terminateCalls).as("instances terminated twice").doesNotHaveDuplicates();
        softly.assertThat(Set.copyOf(terminateCalls)).as("the terminations called are the instances EC2 has gone")
                .isEqualTo(gone);
        softly.assertThat(result.decisions()).as("the decisions to terminate are the instances EC2 has gone")
                .filteredOn(decision -> TERMINATE.equals(decision.result().get("decision")))
                .extracting(decision -> decision.delivery().instanceId())
                .containsExactlyInAnyOrderElementsOf(gone);
        Map<String, Long> byGroup = storm.groups().stream().collect(Collectors.toMap(group -> group.name,
                group -> gone.stream().filter(instance -> storm.instanceGroups().get(instance).equals(group.name)).count(),
                (a, b) -> a, TreeMap::new));
        Storm.Shape shape = storm.shape();
        softly.assertThat(byGroup).as("terminations per group").allSatisfy((group, count) ->
                softly.assertThat(count).as(group).isLessThanOrEqualTo(Storm.MAX_TERMINATIONS_PER_GROUP));
        softly.assertThat(gone).as("terminations in the account").hasSizeLessThanOrEqualTo(shape.maxTerminationsPerAccount());

        int floor = (shape.instancesPerGroup() * Storm.MIN_HEALTHY_PERCENT + 99) / 100;
        softly.assertThat(result.lowestInService()).as("fewest healthy InService seen per group")
                .containsOnlyKeys(byGroup.keySet())
                .allSatisfy((group, lowest) -> softly.assertThat(lowest).as(group).isGreaterThanOrEqualTo(floor));

        List<ReceivedNotification> notifications = env.notificationsSoFar();
        Map<String, Long> stormAlerts = stormAlerts(softly, storm, result, notifications, byGroup);
        announcedOnce(softly, storm, notifications, gone);

        softly.assertAll();
        return new Outcome(byGroup, countBy(result.decisions(), Storm.Decision::reason), stormAlerts);
    }

    /** Every distinct event has one decision that is not a duplicate's, in the audit trail and in the results alike. */
    private static void decidedOnce(SoftAssertions softly, Storm storm, Storm.Result result,
                                    List<Map<String, AttributeValue>> audit) {
        Map<String, Long> deliveries = countBy(storm.deliveries(), Storm.Delivery::eventId);
        Map<String, Long> audited = countBy(audit, record -> record.get("eventId").s());
        softly.assertThat(audited).as("audit records per event id: one per delivery").isEqualTo(deliveries);
        Map<String, Long> auditedDecisions = countBy(
                audit.stream().filter(record -> !DUPLICATE.equals(record.get("reason").s())).toList(),
                record -> record.get("eventId").s());
        Map<String, Long> once = storm.distinctEventIds().stream().collect(Collectors.toMap(id -> id, id -> 1L));
        softly.assertThat(auditedDecisions).as("audited decisions that are not a duplicate's, per event id").isEqualTo(once);
        Map<String, Long> returnedDecisions = countBy(
                result.decisions().stream().filter(decision -> !DUPLICATE.equals(decision.reason())).toList(),
                decision -> decision.delivery().eventId());
        softly.assertThat(returnedDecisions).as("returned decisions that are not a duplicate's, per event id").isEqualTo(once);
    }

    /**
     * One storm alert for each scope a decision was refused in by that scope's limit, none for
     * any other; and a scope is only refused once its limit is used up.
     */
    private static Map<String, Long> stormAlerts(SoftAssertions softly, Storm storm, Storm.Result result,
                                                 List<ReceivedNotification> notifications, Map<String, Long> byGroup) {
        Map<String, Long> alerts = countBy(notifications.stream().filter(n -> "storm".equals(n.kind())).toList(), n -> {
            String scope = n.body().path("facts").path("scope").asText();
            return scope + " " + n.body().path("facts").path(scope).asText();
        });
        Map<String, Long> refusedScopes = new TreeMap<>();
        for (Storm.Decision decision : result.decisions()) {
            switch (decision.reason()) {
                case "group-rate-limit" -> refusedScopes.put("group " + decision.result().get("group"), 1L);
                case "account-rate-limit" -> refusedScopes.put("account " + Emulator.ACCOUNT, 1L);
                default -> { }
            }
        }
        softly.assertThat(alerts).as("storm alerts per scope").isEqualTo(refusedScopes);
        refusedScopes.keySet().forEach(scope -> {
            long terminations = scope.startsWith("account ") ? byGroup.values().stream().mapToLong(Long::longValue).sum()
                    : byGroup.getOrDefault(scope.substring("group ".length()), 0L);
            long limit = scope.startsWith("account ") ? storm.shape().maxTerminationsPerAccount() : Storm.MAX_TERMINATIONS_PER_GROUP;
            softly.assertThat(terminations).as("terminations in %s, whose limit refused a decision", scope).isEqualTo(limit);
        });
        return alerts;
    }

    /** Each distinct event is announced once, and each termination once, as a termination. */
    private static void announcedOnce(SoftAssertions softly, Storm storm, List<ReceivedNotification> notifications,
                                      Set<String> gone) {
        List<ReceivedNotification> drift = notifications.stream().filter(n -> "drift".equals(n.kind())).toList();
        softly.assertThat(countBy(drift, n -> n.body().path("facts").path("eventId").asText()))
                .as("drift notifications per event id")
                .isEqualTo(storm.distinctEventIds().stream().collect(Collectors.toMap(id -> id, id -> 1L)));
        softly.assertThat(drift).as("termination notifications: one per instance EC2 has gone")
                .filteredOn(n -> TERMINATE.equals(n.body().path("facts").path("decision").asText()))
                .extracting(n -> n.body().path("facts").path("instance").asText())
                .containsExactlyInAnyOrderElementsOf(gone);
    }

    /** The drift function's audit records of instances (the storm alerts' are under their scope). */
    private static List<Map<String, AttributeValue>> auditTrail(TestEnvironment env) {
        return env.aws.dynamoDb().scanPaginator(r -> r.tableName(env.tableName)).items().stream()
                .filter(item -> item.get(Ledger.PARTITION_KEY).s().startsWith("AUDIT#i-"))
                .toList();
    }

    private static Set<String> instancesGone(TestEnvironment env, Set<String> instances) {
        return env.aws.ec2().describeInstancesPaginator(r -> r.instanceIds(instances)).reservations().stream()
                .flatMap(reservation -> reservation.instances().stream())
                .filter(instance -> GONE.contains(instance.state().name()))
                .map(instance -> instance.instanceId())
                .collect(Collectors.toSet());
    }

    private static <T> Map<String, Long> countBy(List<T> items, Function<T, String> key) {
        return items.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    }
}
