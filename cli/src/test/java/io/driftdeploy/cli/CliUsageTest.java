package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every command explains itself with an example, and bad arguments get a usage error, never a stack trace. */
class CliUsageTest {

    static List<String> commands() {
        return Arrays.stream(Main.class.getAnnotation(CommandLine.Command.class).subcommands())
                .map(type -> type.getAnnotation(CommandLine.Command.class).name())
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
