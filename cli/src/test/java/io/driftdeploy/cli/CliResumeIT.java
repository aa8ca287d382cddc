package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.DynamoDriftLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.policy.RateScope;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.Sandbox;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * resume on the emulator: the churn breakers a person looked at are cleared from the ledger, each
 * clearing is in the audit trail (history shows it) and announced on the topic; run again it finds
 * nothing; the storm breaker is left to its window; and an announcement that fails is said, not lost.
 */
class CliResumeIT {

    private static final Duration WINDOW = Duration.ofMinutes(60);

    @AutoClose
    private final Sandbox env = Sandbox.create();
    private final String group = env.prefix + "-web";
    private final String imdsv2 = env.prefix + "-imdsv2";
    private final String approvedAmis = env.prefix + "-approved-amis";
    private final DynamoDriftLedger drift;
    private final Inbox inbox = new Inbox(env.clients.sqs(), env.queueUrl);

    CliResumeIT() {
        DynamoDbClient dynamoDb = Emulator.client(DynamoDbClient.builder());
        Ledger.createTable(dynamoDb, env.tableName);
        drift = new DynamoDriftLedger(new Ledger(dynamoDb, env.tableName));
    }

    @Test
    void resumeClearsEveryDriftRulesBreakerOfTheGroupAuditsAndAnnouncesEachAndThenFindsNothing() throws IOException {
        Instant opened = open(imdsv2, "i-0aaa1111bbbb22223");
        open(approvedAmis, "i-0ccc3333dddd44445");
        String other = env.prefix + "-batch";
        openBreaker(other, imdsv2, "i-0eee5555ffff66667");

        CliRun resumed = run("resume", "--group", group);

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.out().lines().toList()).as(resumed.toString()).hasSize(2).allSatisfy(line -> assertThat(line)
                .startsWith("cleared   the churn breaker for rule ").contains(" in group " + group + " (opened at ")
                .contains(": drift-deploy remediates it again; audited, announced (message "));
        assertThat(resumed.out()).contains("rule " + imdsv2 + " in group " + group + " (opened at " + opened + " by i-0aaa1111bbbb22223)")
                .contains("rule " + approvedAmis + " in group " + group);
        assertThat(drift.churn(group, imdsv2).breaker()).isEmpty();
        assertThat(drift.churn(group, approvedAmis).breaker()).isEmpty();
        assertThat(drift.churn(other, imdsv2).breaker()).as("another group's breaker stays").isPresent();

        assertThat(inbox.drain()).extracting(Inbox.Received::subject, Inbox.Received::kind, Inbox.Received::severity)
                .containsExactlyInAnyOrder(
                        tuple("drift-deploy: resumed " + group + ", churn breaker for " + imdsv2 + " cleared", "drift", "info"),
                        tuple("drift-deploy: resumed " + group + ", churn breaker for " + approvedAmis + " cleared", "drift", "info"));

        CliRun history = CliRun.of(Map.of("AWS_ENDPOINT_URL", Emulator.endpoint().toString()),
                "history", "--group", group, "--json", "--table", env.tableName, "--region", Emulator.REGION.id());
        List<String> records = new ArrayList<>();
        CliJson.mapper().readTree(history.out()).forEach(record -> records.add(String.join("|", record.path("function").asText(),
                record.path("subject").asText(), record.path("decision").asText(), record.path("reason").asText(),
                record.path("actions").get(0).asText(), record.path("facts").path("breakerOpenedBy").asText())));
        assertThat(records).as(history.toString()).containsExactlyInAnyOrder(
                "cli|" + group + "|clear|breaker-cleared|DeleteItem CHURN#" + group + "#" + imdsv2 + " BREAKER|i-0aaa1111bbbb22223",
                "cli|" + group + "|clear|breaker-cleared|DeleteItem CHURN#" + group + "#" + approvedAmis + " BREAKER|i-0ccc3333dddd44445");

        CliRun again = run("resume", "--group", group);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo("no churn breaker open in group " + group + " for rules " + imdsv2 + ", " + approvedAmis
                + ": nothing to clear" + System.lineSeparator());
        assertThat(inbox.drain()).as("nothing cleared, nothing announced").isEmpty();
    }

    @Test
    void clearBreakerIsResumeForOneRuleAndLeavesTheStormBreakerToItsWindow() {
        open(imdsv2, "i-0aaa1111bbbb22223");
        open(approvedAmis, "i-0ccc3333dddd44445");
        Instant windowStart = DriftPolicy.rateWindowStart(Instant.now(), WINDOW);
        drift.openCircuit(RateScope.GROUP, group, windowStart, WINDOW);

        CliRun cleared = run("clear-breaker", "--group", group, "--rule", imdsv2);

        assertThat(cleared.exitCode()).as(cleared.toString()).isZero();
        List<String> lines = cleared.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("cleared   the churn breaker for rule " + imdsv2 + " in group " + group);
        assertThat(lines.get(1)).isEqualTo("left open: the storm breaker of the group, which pauses remediation until "
                + windowStart.plus(WINDOW) + " and closes by itself then; resume does not close it (docs/cli.md)");
        assertThat(drift.churn(group, imdsv2).breaker()).isEmpty();
        assertThat(drift.churn(group, approvedAmis).breaker()).as("only the rule asked for").isPresent();
        assertThat(drift.windowUse(RateScope.GROUP, group, windowStart, Instant.now()).circuitOpen()).isTrue();
    }

    @Test
    void anAnnouncementThatFailsLeavesTheBreakerClearedAndAuditedAndSaysSo() {
        open(imdsv2, "i-0aaa1111bbbb22223");
        String noTopic = env.topicArn + "-deleted";

        CliRun run = run(Map.of("DRIFT_DEPLOY_TOPIC_ARN", noTopic), "resume", "--group", group, "--rule", imdsv2);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).startsWith("cleared   the churn breaker for rule " + imdsv2 + " in group " + group).endsWith(", audited"
                + System.lineSeparator());
        assertThat(run.err().strip()).doesNotContain("\n", "\tat ").startsWith("drift-deploy resume: cleared and audited the churn breaker")
                .contains("but the announcement on " + noTopic + " failed (AWS Sns refused the request: NotFound")
                .endsWith("tell the team; running resume again finds nothing to clear");
        assertThat(drift.churn(group, imdsv2).breaker()).isEmpty();
        CliRun history = CliRun.of(Map.of("AWS_ENDPOINT_URL", Emulator.endpoint().toString()),
                "history", "--group", group, "--table", env.tableName, "--region", Emulator.REGION.id());
        assertThat(history.out()).contains("breaker-cleared");
    }

    private Instant open(String rule, String instance) {
        return openBreaker(group, rule, instance);
    }

    private Instant openBreaker(String onGroup, String rule, String instance) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertThat(drift.openBreaker(onGroup, rule, instance, "event-" + instance, now, Optional.empty(),
                Attempt.until(now.plusSeconds(60)))).isTrue();
        return now;
    }

    private CliRun run(String... args) {
        return run(Map.of(), args);
    }

    private CliRun run(Map<String, String> overrides, String... args) {
        Map<String, String> environment = new HashMap<>(env.environment(Map.of(
                "DRIFT_DEPLOY_DRIFT_RULES", imdsv2 + "," + approvedAmis,
                "DRIFT_DEPLOY_RATE_WINDOW_MINUTES", Long.toString(WINDOW.toMinutes()))));
        environment.putAll(overrides);
        environment.put("AWS_ENDPOINT_URL", Emulator.endpoint().toString());
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--region", Emulator.REGION.id()));
        return CliRun.of(environment, all.toArray(String[]::new));
    }
}
