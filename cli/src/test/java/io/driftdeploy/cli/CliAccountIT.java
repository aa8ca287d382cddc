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
import com.sun.net.httpserver.HttpServer;
import io.driftdeploy.aws.Attempt;
import io.driftdeploy.aws.DynamoDriftLedger;
import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.config.TagMatcher;
import io.driftdeploy.policy.ChurnBreaker.Breaker;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.Sandbox;
import io.driftdeploy.testing.TestGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * status and resume --account on the emulator: one drift-deploy serving a member account. The member
 * has an opted-in group "web" of an app whose golden images are built in the central account; the real
 * drift handler, serving the member (DRIFT_DEPLOY_MEMBER_ACCOUNTS), terminated one of its instances;
 * its churn breaker is open in the central ledger, under the member's ledger name, with a pending
 * image. The central account has a group of the same name, not opted in, with records of its own
 * under that name. Without --account, that one is shown, with its own records only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliAccountIT {

    /** A member account of the emulator's: listed by id, as DRIFT_DEPLOY_MEMBER_ACCOUNTS lists it. */
    private static final String MEMBER = "210987654321";
    private static final TagMatcher GOLDEN = Settings.goldenImageTag(Map.of());
    private static final String APP_TAG = "drift-deploy:app";
    private static final String OPT_IN = "drift-deploy:remediation";
    /** A week: no window boundary falls between the termination and the status that counts it (windows are epoch-aligned). */
    private static final Duration WINDOW = Duration.ofDays(7);

    private static final ImageRef PENDING = new ImageRef("ami-00000000000000009", Instant.parse("2026-01-01T00:00:00Z"));

    @AutoClose
    private final Sandbox env = Sandbox.create();
    private final Sandbox member = env.inAccount(MEMBER);
    private final String app = env.prefix + "-shop";

    private DynamoDriftLedger drift;
    private Ledger ledger;
    private String rule;
    private TestGroup inMember;
    private TestGroup central;
    private String running;
    private String terminated;
    private String terminationEvent;
    private String centralInstance;
    private String centralEvent;
    private String centralDecision;
    private Instant breakerOpened;
    private Instant windowStart;
    private String resumedRule;
    private Instant resumedOpened;
    private CliRun resumed;
    private Optional<Breaker> centralBreakerLeft;

    @BeforeAll
    void setUpAMemberFleetInTroubleAndACentralGroupOfTheSameName() throws IOException {
        DynamoDbClient dynamoDb = Emulator.client(DynamoDbClient.builder());
        Ledger.createTable(dynamoDb, env.tableName);
        ledger = new Ledger(dynamoDb, env.tableName);
        drift = new DynamoDriftLedger(ledger);
        // Only the member's AWS Config has it: found by DRIFT_DEPLOY_DRIFT_RULE_PREFIX there, not in the central account.
        rule = member.configRule("member-hardening");
        running = env.registerImage("shop-1.0", Map.of(APP_TAG, app, GOLDEN.key(), GOLDEN.value()));
        env.shareImage(running, MEMBER);
        inMember = member.group("web").instances(4).image(running)
                .tag(OPT_IN, "terminate").tag(APP_TAG, app).tag("drift-deploy:mode", "enforce").create();
        central = env.group("web").instances(3).create();
        assertThat(central.name).isEqualTo(inMember.name);

        terminated = inMember.instanceIds().get(0);
        ComplianceEvents event = ComplianceEvents.nonCompliant(rule, terminated).account(MEMBER).recordedAt(Instant.now());
        member.putEvaluation(rule, event.resourceType(), terminated, ComplianceType.NON_COMPLIANT, event.orderingTimestamp());
        JsonNode termination = driftDecision(environment(), event.bytes());
        assertThat(termination.path("decision").asText()).as(termination.toString()).isEqualTo("terminate");
        terminationEvent = termination.path("eventId").asText();
        // The central group of the same name is not opted in: its instance's decision is filed under the same name.
        centralInstance = central.instanceIds().get(0);
        JsonNode notOptedIn = driftDecision(environment(), ComplianceEvents.nonCompliant(rule, centralInstance)
                .recordedAt(Instant.now()).bytes());
        centralEvent = notOptedIn.path("eventId").asText();
        centralDecision = notOptedIn.path("decision").asText() + "|" + notOptedIn.path("reason").asText();

        env.registerImage("shop-2.0", Map.of(APP_TAG, app, GOLDEN.key(), GOLDEN.value()));
        breakerOpened = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        drift.openBreaker(MEMBER + "/" + inMember.name, rule, "i-0aaa1111bbbb22223", "event-churn", breakerOpened, Optional.empty(),
                Attempt.until(breakerOpened.plusSeconds(60)));
        windowStart = DriftPolicy.rateWindowStart(Instant.now(), WINDOW);
        // An image waiting for the member group's refresh to end, as the images function keeps it for a member's group.
        DynamoRolloutLedger.inAccount(ledger, MEMBER, Emulator.ACCOUNT).storePending(inMember.name, PENDING, "event-pending",
                Instant.now());

        // A breaker of another rule, in the member's group and in the central one of the same name; resume clears the member's.
        resumedRule = env.prefix + "-member-imdsv2";
        resumedOpened = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        drift.openBreaker(MEMBER + "/" + inMember.name, resumedRule, "i-0bbb1111bbbb22223", "event-churn-2", resumedOpened,
                Optional.empty(), Attempt.until(resumedOpened.plusSeconds(60)));
        drift.openBreaker(central.name, resumedRule, "i-0ccc1111bbbb22223", "event-churn-3", resumedOpened, Optional.empty(),
                Attempt.until(resumedOpened.plusSeconds(60)));
        resumed = CliRun.of(environment(), "resume", "--account", MEMBER, "--group", inMember.name, "--rule", resumedRule,
                "--region", Emulator.REGION.id());
        centralBreakerLeft = drift.churn(central.name, resumedRule).breaker();
        // Then the central one's, whose record names no account and is the central group's own.
        CliRun centralResumed = CliRun.of(environment(), "resume", "--group", central.name, "--rule", resumedRule,
                "--region", Emulator.REGION.id());
        assertThat(centralResumed.out()).as(centralResumed.toString()).startsWith("cleared   the churn breaker for rule "
                + resumedRule + " in group " + central.name + " ");
    }

    @Test
    void withAccountTheMembersGroupIsReadThereWithTheCentralLedgersRecordsOfIt() {
        Map<String, List<String>> blocks = blocks(status(environment(), "--account", MEMBER, "--group", inMember.name));

        assertThat(blocks).containsOnlyKeys(inMember.name);
        String image = running + " (created " + created(env, running) + ")";
        AutoScalingGroup now = inMember.describe();
        int healthy = healthyInService(now);
        assertThat(rows(blocks.get(inMember.name))).containsExactly(
                "account|" + MEMBER + ", read through arn:aws:iam::" + MEMBER + ":role/drift-deploy-member (session drift-deploy-cli);"
                        + " the ledger keeps the group as " + MEMBER + "/" + inMember.name,
                "mode|enforce (group tag drift-deploy:mode=enforce)",
                "strategy|refresh (no drift-deploy:rollout tag)",
                "capacity|" + now.desiredCapacity() + " desired, " + healthy + " healthy InService, min healthy 50 %: "
                        + (healthy - 2) + " more may go out of service now",
                "remediation|terminate",
                "replacement|terminate, then the group launches the replacement (DRIFT_DEPLOY_DEFAULT_REPLACEMENT)",
                "drift budget|no disruption budget covers it",
                "rate window|" + windowStart + " to " + windowStart.plus(WINDOW),
                "group rate|1 of 2 terminations in the window, 1 left",
                "account rate|1 of 10 terminations in the window, 9 left (account " + MEMBER + ")",
                "org rate|1 of 10 terminations in the window, 9 left (every account served, counted under account "
                        + Emulator.ACCOUNT + ")",
                "storm breaker|closed",
                "churn breaker|open for rule " + rule + " since " + breakerOpened + " (tripped by i-0aaa1111bbbb22223); clear with"
                        + " drift-deploy resume --group " + MEMBER + "/" + inMember.name + " --rule " + rule
                        + ", or tag the group drift-deploy:churn-cleared=<UTC time now, e.g. 2026-01-01T12:00:00Z>",
                "refresh|none",
                "app|" + app,
                "rollout budget|no disruption budget covers it",
                "pending image|" + PENDING.imageId() + " (created " + PENDING.created() + "), starts when the refresh ends",
                "image|" + image,
                // Not shop-2.0, newer but not shared with the member: the images function refuses it there.
                "newest golden|" + image + ": the images function would decide skip (older-than-running, enforce): image " + image
                        + " is not newer than " + image + " that the group runs");
        // The breaker resume cleared is filed under the group's ledger name; the termination under its own, with the member's account.
        List<String> decisions = decisions(blocks.get(inMember.name));
        assertThat(decisions).hasSize(2);
        assertThat(decisions.get(0)).startsWith("cli|" + MEMBER + "/").contains("|clear|breaker-cleared|DeleteItem CHURN#" + MEMBER + "/");
        assertThat(decisions.get(1)).isEqualTo(
                "drift|" + terminated + "|terminate|drift-confirmed|TerminateInstanceInAutoScalingGroup " + terminated + "|"
                        + terminationEvent);
    }

    @Test
    void withoutAccountTheCentralGroupOfTheSameNameIsShownWithItsOwnRecords() {
        Map<String, List<String>> blocks = blocks(status(environment(), "--group", central.name));

        assertThat(rows(blocks.get(central.name))).containsExactly(
                "mode|dry-run (the global mode: no drift-deploy:mode tag)",
                "strategy|refresh (no drift-deploy:rollout tag)",
                "capacity|3 desired, 3 healthy InService, min healthy 50 %: 1 more may go out of service now",
                "remediation|terminate",
                "replacement|terminate, then the group launches the replacement (DRIFT_DEPLOY_DEFAULT_REPLACEMENT)",
                "drift budget|no disruption budget covers it",
                "rate window|" + windowStart + " to " + windowStart.plus(WINDOW),
                "group rate|0 of 2 terminations in the window, 2 left",
                "account rate|0 of 10 terminations in the window, 10 left (account " + Emulator.ACCOUNT + ")",
                "org rate|1 of 10 terminations in the window, 9 left (every account served, counted under account "
                        + Emulator.ACCOUNT + ")",
                "storm breaker|closed",
                "churn breaker|no drift rules (DRIFT_DEPLOY_DRIFT_RULES, DRIFT_DEPLOY_DRIFT_RULE_PREFIX)",
                "refresh|none",
                "rollout|none: the group carries no drift-deploy:app tag");
        List<String> decisions = decisions(blocks.get(central.name));
        assertThat(decisions).as("the member's termination, filed under the same name, is not this group's").hasSize(2);
        assertThat(decisions.get(0)).startsWith("cli|" + central.name + "|clear|breaker-cleared|");
        assertThat(decisions.get(1)).isEqualTo("drift|" + centralInstance + "|" + centralDecision + "|-|" + centralEvent);
    }

    @Test
    void withAccountAndNoGroupTheMembersOptedInGroupsAreListed() {
        assertThat(blocks(status(environment(), "--account", MEMBER))).containsKey(inMember.name);
        assertThat(status(environment()).out()).as("the central group of that name is not opted in")
                .doesNotContain("GROUP " + central.name + "\n");
    }

    @Test
    void historyWithAccountShowsThatAccountsGroupOfTheNameOnly() throws IOException {
        List<String> inMemberAccount = history("--group", inMember.name, "--account", MEMBER);
        List<String> inCentralAccount = history("--group", central.name, "--account", Emulator.ACCOUNT);
        List<String> inEvery = history("--group", central.name);

        assertThat(inMemberAccount).as("its termination, filed under the shared name, and its cleared breaker, under its ledger name")
                .containsExactlyInAnyOrder("drift|terminate|" + terminationEvent, "cli|clear|" + MEMBER);
        assertThat(inCentralAccount).as("the central group's decision, and its cleared breaker")
                .containsExactlyInAnyOrder("drift|" + centralDecision.substring(0, centralDecision.indexOf('|')) + "|" + centralEvent,
                        "cli|clear|" + Emulator.ACCOUNT);
        assertThat(inEvery).as("without --account, every record filed under the name, whatever its account")
                .containsExactlyInAnyOrder("drift|terminate|" + terminationEvent,
                        "drift|" + centralDecision.substring(0, centralDecision.indexOf('|')) + "|" + centralEvent,
                        "cli|clear|" + Emulator.ACCOUNT);
    }

    @Test
    void historyWithAnAccountNeedsAGroupAndTwelveDigits() {
        CliRun noGroup = CliRun.of(environment(), "history", "--account", MEMBER);
        CliRun notAnAccount = CliRun.of(environment(), "history", "--group", inMember.name, "--account", "2109876543");

        assertThat(noGroup.exitCode()).as(noGroup.toString()).isEqualTo(2);
        assertThat(noGroup.err()).contains("--account needs --group");
        assertThat(notAnAccount.exitCode()).as(notAnAccount.toString()).isEqualTo(2);
        assertThat(notAnAccount.err()).contains("--account must be a 12-digit AWS account id, got '2109876543'");
    }

    /** Each record `history --json` shows, as function|decision|event id for a drift decision, function|decision|account named otherwise. */
    private List<String> history(String... choice) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("history", "--json", "--region", Emulator.REGION.id()));
        args.addAll(List.of(choice));
        CliRun run = CliRun.of(environment(), args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> shown = new java.util.ArrayList<>();
        for (JsonNode record : new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out())) {
            String function = record.path("function").asText();
            shown.add(function + "|" + record.path("decision").asText() + "|" + (function.equals("drift")
                    ? record.path("eventId").asText()
                    : record.path("facts").path("account").asText("-")));
        }
        return shown;
    }

    @Test
    void aRoleArnIsAssumedInsteadOfTheMemberRole() {
        Map<String, List<String>> blocks = blocks(status(environment(), "--account", MEMBER, "--role-arn",
                "arn:aws:iam::" + MEMBER + ":role/ops/drift-deploy-reader", "--group", inMember.name));

        assertThat(rows(blocks.get(inMember.name))).startsWith(
                "account|" + MEMBER + ", read through arn:aws:iam::" + MEMBER + ":role/ops/drift-deploy-reader (session"
                        + " drift-deploy-cli); the ledger keeps the group as " + MEMBER + "/" + inMember.name,
                "mode|enforce (group tag drift-deploy:mode=enforce)");
    }

    @Test
    void resumeWithAccountClearsTheMembersBreakerUnderItsLedgerName() {
        String ledgerGroup = MEMBER + "/" + inMember.name;

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.out()).as(resumed.toString()).startsWith("cleared   the churn breaker for rule " + resumedRule
                + " in group " + ledgerGroup + " (opened at " + resumedOpened + " by i-0bbb1111bbbb22223)");
        assertThat(drift.churn(ledgerGroup, resumedRule).breaker()).isEmpty();
        assertThat(ledger.query("AUDIT#" + ledgerGroup)).filteredOn(record -> record.get("function").s().equals("cli"))
                .singleElement().satisfies(record -> assertThat(record.get("facts").s())
                        .as("the clearing, audited and announced, names the member's account")
                        .contains("\"account\":\"" + MEMBER + "\""));
        assertThat(centralBreakerLeft).as("the central group's of the same name").map(Breaker::instanceId)
                .contains("i-0ccc1111bbbb22223");
    }

    @Test
    void resumeWithAccountAndNoRuleChecksTheDriftRulesOfTheMembersConfig() {
        String cart = env.prefix + "-cart";
        Instant opened = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        drift.openBreaker(MEMBER + "/" + cart, rule, "i-0ddd1111bbbb22223", "event-churn-4", opened, Optional.empty(),
                Attempt.until(opened.plusSeconds(60)));

        CliRun run = CliRun.of(environment(), "resume", "--account", MEMBER, "--group", cart, "--region", Emulator.REGION.id());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).as("the rule is in the member's AWS Config only").startsWith("cleared   the churn breaker for rule "
                + rule + " in group " + MEMBER + "/" + cart);
    }

    @Test
    void aRoleStsRefusesIsNamedWithWhatToDo() throws IOException {
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpServer sts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sts.createContext("/", exchange -> {
            asked.add(URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8));
            byte[] refusal = ("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                    + "<Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error>"
                    + "<RequestId>r-1</RequestId></ErrorResponse>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(403, refusal.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(refusal);
            }
        });
        sts.start();
        try {
            CliRun run = CliRun.of(environment(), "status", "--account", MEMBER, "--region", Emulator.REGION.id(),
                    "--endpoint-url", "http://127.0.0.1:" + sts.getAddress().getPort());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            String role = "arn:aws:iam::" + MEMBER + ":role/drift-deploy-member";
            assertThat(run.err().lines().filter(line -> !line.startsWith("status: ")).toList()).as(run.toString()).containsExactly(
                    "drift-deploy status: could not assume " + role + " in account " + MEMBER + " (AWS Sts refused the request:"
                            + " AccessDenied: not authorized to perform sts:AssumeRole): the member role trusts the central"
                            + " functions' roles; pass --role-arn with a role in account " + MEMBER + " that you may assume"
                            + " (docs/cli.md)");
            assertThat(asked).as("the one call made: the role, for the CLI's session").singleElement().asString()
                    .contains("Action=AssumeRole", "RoleArn=" + role, "RoleSessionName=drift-deploy-cli");

            String ownRole = "arn:aws:iam::" + MEMBER + ":role/ops/drift-deploy-reader";
            CliRun withRole = CliRun.of(environment(), "status", "--account", MEMBER, "--role-arn", ownRole,
                    "--region", Emulator.REGION.id(), "--endpoint-url", "http://127.0.0.1:" + sts.getAddress().getPort());

            assertThat(withRole.exitCode()).as(withRole.toString()).isEqualTo(1);
            assertThat(withRole.err()).as(withRole.toString()).contains("could not assume " + ownRole + " in account " + MEMBER);
            assertThat(asked.get(1)).as("--role-arn is the role asked for").contains("RoleArn=" + ownRole,
                    "RoleSessionName=drift-deploy-cli");

            CliRun resume = CliRun.of(environment(), "resume", "--account", MEMBER, "--group", inMember.name,
                    "--region", Emulator.REGION.id(), "--endpoint-url", "http://127.0.0.1:" + sts.getAddress().getPort());

            assertThat(resume.exitCode()).as(resume.toString()).isEqualTo(1);
            assertThat(resume.err()).as("resume lists the member's drift rules through the role first")
                    .startsWith("drift-deploy resume: could not assume " + role + " in account " + MEMBER);
        } finally {
            sts.stop(0);
        }
    }

    /** The central functions' settings, serving the member by its id, as status and resume read them too. */
    private Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(env.environment(Map.of(
                "DRIFT_DEPLOY_MEMBER_ACCOUNTS", MEMBER,
                "DRIFT_DEPLOY_DRIFT_RULE_PREFIX", env.prefix + "-member-",
                "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "50",
                "DRIFT_DEPLOY_RATE_WINDOW_MINUTES", Long.toString(WINDOW.toMinutes()))));
        environment.put("AWS_ENDPOINT_URL", Emulator.endpoint().toString());
        return environment;
    }
}
