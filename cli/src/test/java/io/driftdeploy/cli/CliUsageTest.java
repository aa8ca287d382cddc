package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every command explains itself with an example, and bad arguments get a usage error, never a stack trace. */
class CliUsageTest {

    static List<String> commands() {
        return Main.COMMANDS.stream()
                .map(command -> command.names().get(0))
                .filter(name -> !name.equals("help"))
                .toList();
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpSaysWhatTheCommandDoesWithAnExample(String command) {
        CliRun run = CliRun.of(Map.of(), command, "--help");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Usage: drift-deploy " + command).contains("Example").contains("drift-deploy " + command + " ");
    }

    @Test
    void theRootHelpPointsAtTheDemo() {
        CliRun run = CliRun.of(Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("drift-deploy demo").contains("invoke").contains("replay").contains("redrive")
                .contains("history");
    }

    static List<List<String>> badArguments() {
        return List.of(
                List.of(),
                List.of("no-such-command"),
                List.of("invoke"),
                List.of("invoke", "drift"),
                List.of("invoke", "teleport", "events/drift/config-noncompliant-ec2.json"),
                List.of("invoke", "drift", "/no/such/event.json"),
                List.of("invoke", "drift", "event.json", "--no-such-option"),
                List.of("replay", "--archive", "a"),
                List.of("replay", "--archive", "a", "--from", "yesterday", "--to", "now"),
                List.of("replay", "--archive", "a", "--from", "now", "--to", "-1h"),
                List.of("redrive"),
                List.of("redrive", "--dlq", "q", "--max", "0"),
                List.of("redrive", "--dlq", "q", "--max", "many"),
                List.of("resume"),
                List.of("resume", "--rule", "drift-imdsv2"),
                List.of("clear-breaker"),
                List.of("clear-breaker", "--rule", "drift-imdsv2"),
                List.of("status", "--last", "-1"),
                List.of("status", "--last", "101"),
                List.of("status", "--last", "many"),
                List.of("status", "--group"),
                List.of("status", "--account"),
                List.of("status", "--account", "12345"),
                List.of("status", "--account", "1111-2222-3333"),
                List.of("status", "--account", "1111222233334"),
                List.of("status", "--role-arn", "arn:aws:iam::111122223333:role/ops"),
                List.of("status", "--account", "111122223333", "--role-arn", "ops"),
                List.of("status", "--account", "111122223333", "--role-arn", "arn:aws:iam::111122223333:user/ops"),
                List.of("status", "--account", "111122223333", "--role-arn", "arn:aws:iam::444455556666:role/ops"),
                List.of("resume", "--group", "web", "--account", "12345"),
                List.of("resume", "--group", "web", "--role-arn", "arn:aws:iam::111122223333:role/ops"),
                List.of("resume", "--account", "111122223333", "--group", "111122223333/web"),
                List.of("clear-bad-image"),
                List.of("clear-bad-image", "--table", "ledger"),
                List.of("history", "--instance", "i-0abc", "--group", "web"),
                List.of("history", "--image", "ami-0abc", "--app", "shop"),
                List.of("history", "--limit", "0"),
                List.of("history", "--limit", "10001"),
                List.of("history", "--limit", "many"),
                List.of("history", "--since", "yesterday"),
                List.of("history", "--since", "now", "--until", "-1h"),
                List.of("history", "--group"));
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void badArgumentsGiveAUsageErrorAndNoStackTrace(List<String> args) {
        CliRun run = CliRun.of(Map.of(), args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).as(run.toString()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.err()).as("picocli shows the usage, or the command it thinks was meant")
                .containsAnyOf("Usage:", "Did you mean");
    }

    static List<List<String>> badAccounts() {
        return List.of(
                List.of("status", "--account", "12345"),
                List.of("status", "--account", "1111222233334"),
                List.of("status", "--account", "11112222333a"),
                List.of("resume", "--group", "web", "--account", "12345"));
    }

    /** Every setting is there and every AWS call would fail (nothing answers at the endpoint): exit 2 shows none was made. */
    @ParameterizedTest
    @MethodSource("badAccounts")
    void anAccountThatIsNotTwelveDigitsIsAUsageErrorNamingTheOptionBeforeAnyAwsCall(List<String> args) {
        CliRun run = CliRun.of(SETTINGS, withNoAws(args));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err().lines().findFirst().orElseThrow()).as(run.toString())
                .isEqualTo("--account must be a 12-digit AWS account id, got '" + args.get(args.indexOf("--account") + 1) + "'");
    }

    @Test
    void aRoleArnIsARolesArnInTheAccountChosenAndNeedsOne() {
        Map<List<String>, String> errors = Map.of(
                List.of("status", "--role-arn", "arn:aws:iam::111122223333:role/ops"),
                "--role-arn needs --account: the account whose groups are read through it",
                List.of("status", "--account", "111122223333", "--role-arn", "arn:aws:iam::111122223333:user/ops"),
                "--role-arn must be an IAM role's ARN, arn:PARTITION:iam::ACCOUNT:role/NAME, got 'arn:aws:iam::111122223333:user/ops'",
                List.of("status", "--account", "111122223333", "--role-arn", "arn:aws:iam::444455556666:role/ops"),
                "--role-arn names a role in account 444455556666, not in --account 111122223333: the groups read are the role's account's",
                List.of("resume", "--account", "111122223333", "--group", "111122223333/web"),
                "--group names the group as its account knows it, without 111122223333/: with --account, pass --group web");

        errors.forEach((args, error) -> {
            CliRun run = CliRun.of(SETTINGS, withNoAws(args));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.err().lines().findFirst().orElseThrow()).as(run.toString()).isEqualTo(error);
        });
    }

    private static final Map<String, String> SETTINGS = Map.of(
            "DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:drift-deploy", "DRIFT_DEPLOY_TABLE", "ledger",
            "DRIFT_DEPLOY_ACCOUNT_ID", "123456789012", "DRIFT_DEPLOY_DRIFT_RULES", "imdsv2");

    /** The arguments, with an endpoint where nothing answers: any AWS call fails (exit 1). */
    private static String[] withNoAws(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"));
        return all.toArray(String[]::new);
    }

    @Test
    void aMissingSettingIsOneLineNamingTheVariable() {
        CliRun run = CliRun.of(Map.of(), "invoke", "drift", "-", "--region", "us-east-1");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("DRIFT_DEPLOY_TOPIC_ARN").doesNotContain("\tat ");
    }

    @Test
    void clearBadImageWithoutATableIsOneLineNamingTheSetting() {
        CliRun run = CliRun.of(Map.of(), "clear-bad-image", "--image", "ami-0123456789abcdef0", "--region", "us-east-1");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("--table").contains("DRIFT_DEPLOY_TABLE").doesNotContain("\tat ");
    }

    @Test
    void historyWithoutATableIsOneLineNamingTheSetting() {
        CliRun run = CliRun.of(Map.of(), "history", "--group", "web", "--region", "us-east-1");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().strip()).as(run.toString()).doesNotContain("\n", "\tat ")
                .isEqualTo("drift-deploy history: no ledger table: pass --table or set DRIFT_DEPLOY_TABLE");
    }

    @Test
    void statusAndResumeReadTheFunctionsSettingsAndNameTheOneMissing() {
        Map<String, String> environment = Map.of("DRIFT_DEPLOY_TABLE", "ledger");

        for (List<String> args : List.of(List.of("status"), List.of("resume", "--group", "web"))) {
            List<String> all = new ArrayList<>(args);
            all.addAll(List.of("--region", "us-east-1"));
            CliRun run = CliRun.of(environment, all.toArray(String[]::new));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.err().strip()).as(run.toString()).doesNotContain("\n", "\tat ")
                    .isEqualTo("drift-deploy " + args.get(0) + ": setting DRIFT_DEPLOY_TOPIC_ARN: is required but not set");
        }
    }

    @Test
    void aMissingAccountIdIsOneLineNamingTheVariable() {
        Map<String, String> environment = Map.of(
                "DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:drift-deploy", "DRIFT_DEPLOY_TABLE", "ledger");

        CliRun run = CliRun.withInput(environment, "{}", "invoke", "drift", "-", "--region", "us-east-1");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().strip()).as(run.toString()).doesNotContain("\n", "\tat ")
                .isEqualTo("drift-deploy invoke: setting DRIFT_DEPLOY_ACCOUNT_ID: is required but not set");
    }

    static Stream<String> malformedEndpoints() {
        return Stream.of("http://[::1", "127.0.0.1:5062", "localhost:5062", "ftp://127.0.0.1:5062", "http://", "http:// x",
                "http:///path-only");
    }

    @ParameterizedTest
    @MethodSource("malformedEndpoints")
    void aMalformedEndpointIsOneLineNamingAwsEndpointUrl(String endpoint) {
        Map<String, String> environment = Map.of("AWS_ENDPOINT_URL", endpoint,
                "DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:drift-deploy", "DRIFT_DEPLOY_TABLE", "ledger",
                "DRIFT_DEPLOY_ACCOUNT_ID", "123456789012");

        CliRun run = CliRun.withInput(environment, "{}", "invoke", "drift", "-", "--region", "us-east-1");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().strip()).as(run.toString()).doesNotContain("\n", "\tat ", "bug")
                .startsWith("drift-deploy invoke: setting AWS_ENDPOINT_URL: ");
    }

    @ParameterizedTest
    @MethodSource("malformedEndpoints")
    void aMalformedEndpointOptionIsOneLineNamingTheOption(String endpoint) {
        Map<String, String> environment = Map.of(
                "DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:drift-deploy", "DRIFT_DEPLOY_TABLE", "ledger",
                "DRIFT_DEPLOY_ACCOUNT_ID", "123456789012");

        CliRun run = CliRun.withInput(environment, "{}", "invoke", "drift", "-", "--region", "us-east-1",
                "--endpoint-url", endpoint);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().strip()).as(run.toString()).doesNotContain("\n", "\tat ", "bug")
                .startsWith("drift-deploy invoke: setting --endpoint-url: ");
    }
}
