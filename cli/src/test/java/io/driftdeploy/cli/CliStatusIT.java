package io.driftdeploy.cli;

import static io.driftdeploy.cli.StatusRuns.blocks;
import static io.driftdeploy.cli.StatusRuns.created;
import static io.driftdeploy.cli.StatusRuns.decisions;
import static io.driftdeploy.cli.StatusRuns.driftDecision;
import static io.driftdeploy.cli.StatusRuns.healthyInService;
import static io.driftdeploy.cli.StatusRuns.rows;
import static io.driftdeploy.cli.StatusRuns.run;
import static io.driftdeploy.cli.StatusRuns.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.DynamoDriftLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.config.TagMatcher;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.policy.RateScope;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.Sandbox;
import io.driftdeploy.testing.TestGroup;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * status on the emulator, after the real drift handler terminated an instance of an opted-in group
 * whose app has a newer golden image, with the group's churn breaker open; a second opted-in group
 * has a budget of 0 and its storm breaker open; a third is not opted in. Each group's block is
 * checked row by row, value by value, and the last decisions by the history table's cells.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliStatusIT {

    private static final TagMatcher GOLDEN = Settings.goldenImageTag(Map.of());
    private static final String APP_TAG = "drift-deploy:app";
    private static final String OPT_IN = "drift-deploy:remediation";
    /** A week: no window boundary falls between the termination and the status that counts it (windows are epoch-aligned). */
    private static final Duration WINDOW = Duration.ofDays(7);

    @AutoClose
    private final Sandbox env = Sandbox.create();
    private final String app = env.prefix + "-shop";
    private final DemoEvents events = new DemoEvents();

    private String rule;
    private TestGroup web;
    private TestGroup batch;
    private TestGroup ignored;
    private String running;
    private String newer;
    private String terminated;
    private String terminationEvent;
    private Instant breakerOpened;
    private Instant windowStart;

    @BeforeAll
    void setUpAFleetInTrouble() throws IOException {
        DynamoDbClient dynamoDb = Emulator.client(DynamoDbClient.builder());
        Ledger.createTable(dynamoDb, env.tableName);
        DynamoDriftLedger drift = new DynamoDriftLedger(new Ledger(dynamoDb, env.tableName));
        rule = env.configRule("hardening");
        running = env.registerImage("shop-1.0", Map.of(APP_TAG, app, GOLDEN.key(), GOLDEN.value()));
        web = env.group("web").instances(4).image(running)
                .tag(OPT_IN, "terminate").tag(APP_TAG, app).tag("drift-deploy:mode", "enforce").create();
        // A group that surges, read as the drift path reads it: its maintenance policy and room under MaxSize (4).
        batch = env.group("batch").instances(2).tag(OPT_IN, "terminate").tag("drift-deploy:budget", "0")
                .tag("drift-deploy:replacement", "surge").maintenancePolicy(100, 110).create();
        ignored = env.group("ignored").instances(1).create();

        terminated = web.instanceIds().get(0);
        env.putEvaluation(rule, "AWS::EC2::Instance", terminated, ComplianceType.NON_COMPLIANT, Instant.now());
        JsonNode termination = driftDecision(environment(), events.nonCompliant(rule, terminated, Instant.now()));
        assertThat(termination.path("decision").asText()).as(termination.toString()).isEqualTo("terminate");
        terminationEvent = termination.path("eventId").asText();

        newer = env.registerImage("shop-2.0", Map.of(APP_TAG, app, GOLDEN.key(), GOLDEN.value()));
        breakerOpened = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        drift.openBreaker(web.name, rule, "i-0aaa1111bbbb22223", "event-churn", breakerOpened, Optional.empty(),
                Attempt.until(breakerOpened.plusSeconds(60)));
        windowStart = DriftPolicy.rateWindowStart(Instant.now(), WINDOW);
        drift.openCircuit(RateScope.GROUP, batch.name, windowStart, WINDOW);
    }

    @Test
    void aGroupWithATerminationANewerGoldenImageAndAnOpenChurnBreaker() {
        Map<String, List<String>> blocks = blocks(status(environment(), "--group", web.name));

        assertThat(blocks).containsOnlyKeys(web.name);
        AutoScalingGroup now = web.describe();
        int healthy = healthyInService(now);
        assertThat(rows(blocks.get(web.name))).containsExactly(
                "mode|enforce (group tag drift-deploy:mode=enforce)",
                "strategy|refresh (no drift-deploy:rollout tag)",
                "capacity|" + now.desiredCapacity() + " desired, " + healthy + " healthy InService, min healthy 50 %: "
                        + (healthy - 2) + " more may go out of service now",
                "remediation|terminate",
                "replacement|terminate, then the group launches the replacement (DRIFT_DEPLOY_DEFAULT_REPLACEMENT)",
                "drift budget|no disruption budget covers it",
                "rate window|" + windowStart + " to " + windowStart.plus(WINDOW),
                "group rate|1 of 2 terminations in the window, 1 left",
                "account rate|1 of 10 terminations in the window, 9 left (account " + Emulator.ACCOUNT + ")",
                "storm breaker|closed",
                "churn breaker|open for rule " + rule + " since " + breakerOpened + " (tripped by i-0aaa1111bbbb22223); clear with"
                        + " drift-deploy resume --group " + web.name + " --rule " + rule
                        + ", or tag the group drift-deploy:churn-cleared=<UTC time now, e.g. 2026-01-01T12:00:00Z>",
                "refresh|none",
                "app|" + app,
                "rollout budget|no disruption budget covers it",
                "pending image|none",
                "image|" + running + " (created " + created(env, running) + ")",
                "newest golden|" + newer + " (created " + created(env, newer) + "): the images function would decide refresh"
                        + " (newer-image, enforce): image " + newer + " is newer than what " + web.name + " runs (" + running + ")");
        assertThat(decisions(blocks.get(web.name))).containsExactly(
                "drift|" + terminated + "|terminate|drift-confirmed|TerminateInstanceInAutoScalingGroup " + terminated + "|"
                        + terminationEvent);
    }

    @Test
    void everyOptedInGroupIsShownAndTheOthersAreNot() {
        CliRun run = status(environment());

        Map<String, List<String>> blocks = blocks(run);
        assertThat(blocks).containsKeys(web.name, batch.name).doesNotContainKey(ignored.name);
        assertThat(rows(blocks.get(batch.name))).containsExactly(
                "mode|dry-run (the global mode: no drift-deploy:mode tag)",
                "strategy|refresh (no drift-deploy:rollout tag)",
                "capacity|2 desired, 2 healthy InService, min healthy 50 %: 1 more may go out of service now",
                "remediation|terminate",
                "replacement|surge: the replacement InService before the instance goes (group tag drift-deploy:replacement);"
                        + " room for 2 more under MaxSize 4",
                "drift budget|drift-deploy:budget='0' allows 0 instance(s) out of service at once, and 0 are out of service now:"
                        + " 0 more may go now",
                "rate window|" + windowStart + " to " + windowStart.plus(WINDOW),
                "group rate|0 of 2 terminations in the window, 0 left",
                "account rate|1 of 10 terminations in the window, 9 left (account " + Emulator.ACCOUNT + ")",
                "storm breaker|open: the group's rate limit was reached; remediation is paused until " + windowStart.plus(WINDOW)
                        + ", when the window ends and it closes by itself",
                "churn breaker|closed (rules " + rule + ")",
                "refresh|none",
                "rollout|none: the group carries no drift-deploy:app tag");
        assertThat(blocks.get(batch.name)).endsWith("  last decisions", "    none recorded");
        assertThat(run.err()).as("progress, as plain lines when no terminal watches").contains("status: ")
                .contains("/" + blocks.size() + " " + batch.name);
    }

    @Test
    void aGroupThatDoesNotExistIsNamedAndTheOthersAreStillShown() {
        CliRun run = run(environment(), "--group", batch.name, "--group", env.prefix + "-no-such-group");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(blocks(run)).containsOnlyKeys(batch.name);
        assertThat(run.err().lines().filter(line -> !line.startsWith("status: ")).toList())
                .containsExactly("drift-deploy status: no Auto Scaling group named " + env.prefix + "-no-such-group");
    }

    private Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(env.environment(Map.of(
                "DRIFT_DEPLOY_DRIFT_RULES", rule,
                "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "50",
                "DRIFT_DEPLOY_RATE_WINDOW_MINUTES", Long.toString(WINDOW.toMinutes()))));
        environment.put("AWS_ENDPOINT_URL", Emulator.endpoint().toString());
        return environment;
    }
}
