package io.driftdeploy.cli;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.HandlerIo;
import io.driftdeploy.orchestration.Result;
import io.driftdeploy.orchestration.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Runs one function's real handler in-process on an event, as Lambda would, and prints its result.
 * The command a drift decision's cold start runs through, so its model is built in code: picocli
 * reading it from annotations cost each run some 55 ms ({@link Main}).
 */
final class InvokeCommand extends AwsCommand {

    static final String NAME = "invoke";

    private final PositionalParamSpec functionParameter = PositionalParamSpec.builder().index("0").arity("1").required(true)
            .paramLabel("FUNCTION").type(String.class).completionCandidates(Functions.NAMES)
            .description("The function: ${COMPLETION-CANDIDATES}.")
            .build();

    private final PositionalParamSpec eventFileParameter = PositionalParamSpec.builder().index("1").arity("1").required(true)
            .paramLabel("EVENT_FILE").type(String.class)
            .description("The event as JSON (e.g. a file under events/); - reads it from standard input.")
            .build();

    private final OptionSpec dryRunOption = OptionSpec.builder("--dry-run").type(boolean.class).initialValue(false)
            .description("Force dry-run mode whatever DRIFT_DEPLOY_MODE and the groups' mode tags say: report what would be done, do nothing.")
            .build();

    /** The command's model for a run: its arguments, their help, and picocli's standard help options. */
    CommandSpec model() {
        CommandSpec model = CommandSpec.wrapWithoutInspection(this).name(NAME);
        model.usageMessage()
                .description(
                        "Run a function's real handler here, on an event file, against AWS (or --endpoint-url), and print its JSON result.",
                        "Settings come from the environment (DRIFT_DEPLOY_TOPIC_ARN, DRIFT_DEPLOY_TABLE, ...), exactly as in Lambda.",
                        "Use it to replay an event by hand or, with --dry-run, to see what a function would do without letting it act.")
                .footer(
                        "",
                        "Examples:",
                        "  drift-deploy invoke drift events/drift/config-noncompliant-ec2.json --dry-run",
                        "  cat events/images/ami-available.json | drift-deploy invoke images - --endpoint-url http://127.0.0.1:5000",
                        "",
                        "Exit status: 0 handled; 1 the function rejected the event (its result says which field) or AWS/settings failed;",
                        "2 usage error.");
        model.addPositional(functionParameter).addPositional(eventFileParameter).addOption(dryRunOption);
        Main.addStandardHelpOptions(model);
        return model;
    }

    @Override
    public Integer call() {
        String function = functionParameter.getValue();
        if (!Functions.NAMES.contains(function)) {
            throw usageError("unknown function '" + function + "': choose one of " + String.join(", ", Functions.NAMES));
        }
        byte[] event = readEvent();
        Functions.HandlerFactory factory = Functions.handler(function);
        Console console = console();
        Settings settings = Settings.from(console.environment());
        if (dryRunOption.<Boolean>getValue()) {
            settings = settings.forceDryRun();
        }
        Clock clock = Clock.systemUTC();
        DecisionTally tally = new DecisionTally(Progress.of(console, "invoke " + function, Optional.empty()), console.err());
        RequestStreamHandler handler = factory.create(settings, aws.clients(console.environment()), clock,
                new Telemetry(function, tally.stream(), clock));
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event), result, new LocalContext(function, clock, console.err()));
        } catch (IOException e) {
            throw new UncheckedIOException("the " + function + " function could not read the event or write its result", e);
        } finally {
            tally.close();
        }
        console.out().println(result.toString(StandardCharsets.UTF_8).strip());
        console.out().flush();
        return rejection(function, result.toByteArray());
    }

    /** A rejected event is a failure for the person who typed the command: exit 1 with the field that was wrong. */
    private static int rejection(String function, byte[] json) {
        Result result;
        try {
            result = HandlerIo.readResult(json);
        } catch (RuntimeException notAResult) {
            throw new CliFailure("the " + function + " function returned something that is not its JSON result: "
                    + notAResult.getMessage());
        }
        if (result instanceof Result.Rejected rejected) {
            throw new CliFailure("the " + function + " function rejected the event (" + rejected.rejection().field()
                    + "): " + rejected.rejection().problem());
        }
        return 0;
    }

    private byte[] readEvent() {
        String eventFile = eventFileParameter.getValue();
        if (eventFile.equals("-")) {
            try {
                return console().in().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the event from standard input", e);
            }
        }
        try {
            return Files.readAllBytes(Path.of(eventFile));
        } catch (NoSuchFileException e) {
            throw usageError("EVENT_FILE " + eventFile + " does not exist");
        } catch (IOException e) {
            throw usageError("cannot read EVENT_FILE " + eventFile + ": " + e.getMessage());
        }
    }
}
