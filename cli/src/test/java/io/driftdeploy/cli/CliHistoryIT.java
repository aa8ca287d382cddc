package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.config.TagMatcher;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.Sandbox;
import io.driftdeploy.testing.TestGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * history on the emulator, after the real handlers decided: drift on a standalone instance of no
 * app, an instance of an opted-in group terminated for drift, another only reported in a dry run, a
 * new golden image that would roll out to the group, and an image refused because it is not golden. Each view is checked by the rows and
 * cells it prints, in order, not by its exit status alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliHistoryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TagMatcher GOLDEN = Settings.goldenImageTag(Map.of());
    private static final String APP_TAG = "drift-deploy:app";
    private static final Duration RETENTION = Duration.ofDays(30);

    @AutoClose
    private final Sandbox env = Sandbox.create();
    private final DemoEvents events = new DemoEvents();
    private final String app = env.prefix + "-shop";

    private TestGroup group;
    private String terminated;
    private String terminatedEvent;
    private String observed;
    private String observedEvent;
    private String newImage;
    private String rolloutEvent;
    private String notGolden;
    private Instant beforeDryRun;
    private Instant afterDryRun;

    @BeforeAll
    void decideAFewThings() throws IOException {
        Ledger.createTable(Emulator.client(DynamoDbClient.builder()), env.tableName);
        String rule = env.configRule("hardening");
        String running = env.registerImage("shop-1.0", Map.of(APP_TAG, app, GOLDEN.key(), GOLDEN.value()));
        group = env.group("web").instances(4).image(running)
                .tag("drift-deploy:remediation", "terminate").tag(APP_TAG, app).create();
        terminated = group.instanceIds().get(0);
        observed = group.instanceIds().get(1);

        String standalone = env.standaloneInstance(Map.of("Name", "bastion"));
        env.putEvaluation(rule, "AWS::EC2::Instance", standalone, ComplianceType.NON_COMPLIANT, Instant.now());
        JsonNode notReplaceable = invoke("drift", events.nonCompliant(rule, standalone, Instant.now()), rule);
        assertThat(notReplaceable.path("reason").asText()).as(notReplaceable.toString()).isEqualTo("standalone-instance");

        env.putEvaluation(rule, "AWS::EC2::Instance", terminated, ComplianceType.NON_COMPLIANT, Instant.now());
        JsonNode termination = invoke("drift", events.nonCompliant(rule, terminated, Instant.now()), rule);
        assertThat(termination.path("decision").asText()).as(termination.toString()).isEqualTo("terminate");
        terminatedEvent = termination.path("eventId").asText();

        beforeDryRun = Instant.now();
        env.putEvaluation(rule, "AWS::EC2::Instance", observed, ComplianceType.NON_COMPLIANT, Instant.now());
        JsonNode dryRun = invoke("drift", events.nonCompliant(rule, observed, Instant.now()), rule, "--dry-run");
        assertThat(dryRun.path("reason").asText()).as(dryRun.toString()).isEqualTo("dry-run");
        observedEvent = dryRun.path("eventId").asText();
        afterDryRun = Instant.now();

        newImage = env.registerImage("shop-2.0", Map.of(APP_TAG, app, GOLDEN.key(), GOLDEN.value()));
        JsonNode rollout = invoke("images", events.goldenImagePublished(newImage, app, Instant.now()), rule, "--dry-run");
        assertThat(rollout.toString()).contains("newer-image");
        rolloutEvent = rollout.path("eventId").asText();

        notGolden = env.registerImage("shop-2.1-untested", Map.of(APP_TAG, app));
        JsonNode refused = invoke("images", events.goldenImagePublished(notGolden, app, Instant.now()), rule);
        assertThat(refused.toString()).contains("not-golden-image");
    }

    @Test
    void byInstanceTheTerminationWithItsActionAndEvent() {
        List<Map<String, String>> rows = table("history", "--instance", terminated);

        assertThat(rows).containsExactly(row(terminated, "drift", "terminate", "drift-confirmed",
                "TerminateInstanceInAutoScalingGroup " + terminated, terminatedEvent));
    }

    @Test
    void byGroupItsRolloutAndItsInstancesDriftNewestFirst() {
        List<Map<String, String>> rows = table("history", "--group", group.name);

        assertThat(rows).containsExactly(
                row(group.name, "images", "refresh", "newer-image", "-", rolloutEvent),
                row(observed, "drift", "notify", "dry-run", "-", observedEvent),
                row(terminated, "drift", "terminate", "drift-confirmed", "TerminateInstanceInAutoScalingGroup " + terminated,
                        terminatedEvent));
    }

    @Test
    void byImageItsRolloutToTheGroupAndItsRefusal() {
        assertThat(table("history", "--image", newImage))
                .containsExactly(row(group.name, "images", "refresh", "newer-image", "-", rolloutEvent));
        assertThat(table("history", "--image", notGolden)).extracting(row -> row.get("SUBJECT") + " " + row.get("DECISION")
                + " " + row.get("REASON")).containsExactly(notGolden + " skip not-golden-image");
    }

    @Test
    void byTimeRangeOnlyWhatWasDecidedInIt() {
        CliRun run = history("history", "--since", beforeDryRun.toString(), "--until", afterDryRun.toString());

        assertThat(rows(run)).containsExactly(row(observed, "drift", "notify", "dry-run", "-", observedEvent));
        assertThat(run.err()).contains("Scan");
    }

    @Test
    void byAppEveryDecisionThatNamesIt() {
        assertThat(table("history", "--app", app)).extracting(row -> row.get("SUBJECT"))
                .containsExactly(notGolden, group.name, observed, terminated);
    }

    @Test
    void limitShowsTheNewestAndSaysSo() {
        CliRun run = history("history", "--group", group.name, "--limit", "1");

        assertThat(rows(run)).extracting(row -> row.get("EVENT ID")).containsExactly(rolloutEvent);
        assertThat(run.err()).contains("the newest 1 shown");
    }

    @Test
    void jsonIsOneArrayOfTheRecordsWithSummaryAndFacts() throws IOException {
        CliRun run = history("history", "--group", group.name, "--json");

        JsonNode records = JSON.readTree(run.out());
        assertThat(records.isArray()).isTrue();
        assertThat(records).extracting(record -> record.path("eventId").asText())
                .containsExactly(rolloutEvent, observedEvent, terminatedEvent);
        JsonNode termination = records.get(2);
        assertThat(termination.path("decision").asText()).isEqualTo("terminate");
        assertThat(termination.path("mode").asText()).isEqualTo("enforce");
        assertThat(termination.path("actions").get(0).asText()).isEqualTo("TerminateInstanceInAutoScalingGroup " + terminated);
        assertThat(termination.path("summary").asText()).startsWith("Terminated " + terminated);
        assertThat(termination.path("facts").path("instance").asText()).isEqualTo(terminated);
        assertThat(termination.path("facts").path("group").asText()).isEqualTo(group.name);
        assertThat(records.get(0).path("facts").path("image").asText()).isEqualTo(newImage);
    }

    @Test
    void theFunctionsKeepTheirRecordsForTheRetentionTheyAreGiven() {
        List<Map<String, AttributeValue>> items = Emulator.client(DynamoDbClient.builder()).query(request -> request
                .tableName(env.tableName)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", Ledger.text(AuditTrail.partitionKey(terminated))))).items();

        assertThat(items).hasSize(1);
        Instant at = Instant.parse(items.get(0).get("at").s());
        assertThat(Long.parseLong(items.get(0).get(Ledger.EXPIRES_AT).n())).isEqualTo(at.plus(RETENTION).getEpochSecond());
    }

    @Test
    void aTableThatDoesNotExistIsOneLineAndExit1() {
        CliRun run = CliRun.of(Map.of("AWS_ENDPOINT_URL", Emulator.endpoint().toString()),
                "history", "--instance", terminated, "--table", env.prefix + "-no-such-table", "--region", Emulator.REGION.id());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().strip()).as(run.toString()).doesNotContain("\n", "\tat ")
                .startsWith("drift-deploy history: AWS DynamoDb refused the request: ResourceNotFoundException");
    }

    private JsonNode invoke(String function, byte[] event, String rule, String... options) throws IOException {
        Map<String, String> environment = new HashMap<>(env.environment(Map.of(
                "DRIFT_DEPLOY_MODE", "enforce",
                "DRIFT_DEPLOY_DRIFT_RULES", rule,
                "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "50",
                "DRIFT_DEPLOY_AUDIT_RETENTION_DAYS", Long.toString(RETENTION.toDays()))));
        environment.put("AWS_ENDPOINT_URL", Emulator.endpoint().toString());
        List<String> args = new ArrayList<>(List.of("invoke", function, "-", "--region", Emulator.REGION.id()));
        args.addAll(List.of(options));
        CliRun run = CliRun.withInput(environment, new String(event, StandardCharsets.UTF_8), args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode result = JSON.readTree(run.out());
        return result.has("decisions") ? result.path("decisions").get(0) : result;
    }

    private CliRun history(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--table", env.tableName, "--region", Emulator.REGION.id()));
        CliRun run = CliRun.of(Map.of("AWS_ENDPOINT_URL", Emulator.endpoint().toString()), all.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return run;
    }

    private List<Map<String, String>> table(String... args) {
        return rows(history(args));
    }

    /** The table's rows, each cell under its column's title, cut where the header's next title starts. */
    private static List<Map<String, String>> rows(CliRun run) {
        List<String> lines = run.out().lines().toList();
        String header = lines.get(0);
        List<String> titles = List.of("WHEN", "FUNCTION", "SUBJECT", "DECISION", "REASON", "ACTIONS", "EVENT ID");
        assertThat(header.split(" {2,}")).as(run.toString()).containsExactlyElementsOf(titles);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < titles.size(); i++) {
                int start = header.indexOf(titles.get(i));
                int end = i + 1 < titles.size() ? header.indexOf(titles.get(i + 1)) : line.length();
                row.put(titles.get(i), line.substring(start, Math.min(end, line.length())).strip());
            }
            assertThat(Instant.parse(row.remove("WHEN"))).as(line).isBefore(Instant.now());
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, String> row(String subject, String function, String decision, String reason, String actions,
                                           String eventId) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("FUNCTION", function);
        row.put("SUBJECT", subject);
        row.put("DECISION", decision);
        row.put("REASON", reason);
        row.put("ACTIONS", actions);
        row.put("EVENT ID", eventId);
        return row;
    }
}
