package io.driftdeploy.cli;

import io.driftdeploy.cli.aws.EventReplays;
import io.driftdeploy.cli.aws.EventReplays.Archive;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ReplayState;

/** Starts an EventBridge replay from an archive and follows it to its end. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
                "Replay what an EventBridge archive recorded between two times back onto the bus it came from,",
                "to every rule or (--rule) only to one, and follow the replay to its end with progress.",
                "Use it after an outage or a fix: the functions see the events again (they ignore duplicates and stale events)."},
        footer = {
                "",
                "Examples:",
                "  drift-deploy replay --archive drift-deploy-events --from 2025-06-12T09:00:00Z --to 2025-06-12T10:00:00Z",
                "  drift-deploy replay --archive drift-deploy-events --from -2h --to now --rule drift-deploy-drift",
                "",
                "TIME is a UTC time like 2025-06-12T09:00:00Z, now, or an age like -30m, -2h, -7d.",
                "Exit status: 0 the replay COMPLETED; 1 it FAILED or was CANCELLED, or AWS refused; 2 usage error.",
                "Interrupting the command does not stop the replay: aws events cancel-replay --replay-name NAME does."})
final class ReplayCommand extends AwsCommand {

    @Option(names = "--archive", required = true, paramLabel = "NAME", description = "The EventBridge archive to replay from.")
    private String archiveName;

    @Option(names = "--from", required = true, paramLabel = "TIME", converter = TimeArgument.class,
            description = "Replay the events recorded from this time ...")
    private Instant from;

    @Option(names = "--to", required = true, paramLabel = "TIME", converter = TimeArgument.class,
            description = "... until this time.")
    private Instant to;

    @Option(names = "--rule", paramLabel = "NAME",
            description = "Replay only to this rule of the archive's bus (e.g. drift-deploy-drift). Default: every rule.")
    private String rule;

    @Option(names = "--poll-seconds", paramLabel = "SECONDS", defaultValue = "5",
            description = "How often to check the replay's progress (default: ${DEFAULT-VALUE}).")
    private double pollSeconds;

    @Override
    public Integer call() throws InterruptedException {
        if (!from.isBefore(to)) {
            throw usageError("--from (" + from + ") must be before --to (" + to + ")");
        }
        if (pollSeconds <= 0) {
            throw usageError("--poll-seconds must be positive");
        }
        Console console = console();
        PrintStream progressLine = console.err();
        EventReplays replays = new EventReplays(aws.clients(console.environment()).otherClient(EventBridgeClient.builder()));
        Archive archive = replays.archive(archiveName);
        Optional<String> ruleArn = Optional.ofNullable(rule).map(name -> replays.ruleArn(name, archive.busArn()));
        String replayName = replayName(archive.name(), Clock.systemUTC().instant());

        replays.start(replayName, archive, from, to, ruleArn);
        progressLine.printf("replay %s started: archive %s (%d events recorded), %s .. %s, to %s%s%n", replayName, archive.name(),
                archive.eventCount(), from, to, archive.busArn(), ruleArn.map(arn -> ", rule " + arn).orElse(", every rule"));

        Progress shown = Progress.of(console, "replay " + replayName, Optional.empty());
        EventReplays.Progress progress = replays.progress(replayName);
        EventReplays.Progress reported = null;
        while (!progress.finished()) {
            if (!progress.equals(reported)) {
                shown.percent(percent(progress), describe(progress));
                reported = progress;
            }
            Thread.sleep(Duration.ofMillis((long) (pollSeconds * 1000)));
            progress = replays.progress(replayName);
        }
        shown.end();
        console.out().println("replay " + replayName + ": " + describe(progress));
        console.out().flush();
        if (progress.state() != ReplayState.COMPLETED) {
            throw new CliFailure("replay " + replayName + " ended " + progress.state()
                    + progress.reason().map(reason -> ": " + reason).orElse(""));
        }
        return 0;
    }

    /** How far through the time range the replay has got, by the time of the last event it replayed. */
    private long percent(EventReplays.Progress progress) {
        return progress.lastReplayed().map(last -> {
            long done = Duration.between(from, last).toMillis();
            long all = Duration.between(from, to).toMillis();
            return Math.max(0, Math.min(100, done * 100 / all));
        }).orElse(0L);
    }

    private String describe(EventReplays.Progress progress) {
        StringBuilder text = new StringBuilder(progress.state().toString());
        progress.lastReplayed().ifPresent(last -> text.append(", events up to ").append(last).append(" replayed (")
                .append(percent(progress)).append(" % of the time range)"));
        progress.reason().ifPresent(reason -> text.append(": ").append(reason));
        return text.toString();
    }

    /** Unique per archive and second, within StartReplay's 64 characters ([.-_A-Za-z0-9]; archive names are at most 48). */
    static String replayName(String archive, Instant now) {
        return "dd-" + archive + "-" + now.getEpochSecond();
    }
}
