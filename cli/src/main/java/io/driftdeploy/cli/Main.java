package io.driftdeploy.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command-line front of drift-deploy, for people: the functions' own handlers, run in-process on an event. */
@Command(
        name = "drift-deploy",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
                "Immutable infrastructure on AWS: drifted EC2 instances are replaced from the golden image,",
                "new golden images roll out by Auto Scaling instance refresh.",
                "",
                "Run a function on an event file, dry-run it, replay or redrive events, publish a golden image,",
                "resume a group after a churn breaker, clear an image's bad mark, show where each group stands (status)",
                "and what drift-deploy decided and why (history)."},
        footer = {
                "",
                "Start here:  drift-deploy demo        (plays the whole story on a local emulator; no AWS account needed)",
                "Help on one command:  drift-deploy help COMMAND"},
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, InvokeCommand.class, ReplayCommand.class, RedriveCommand.class,
                PublishImageCommand.class, ResumeCommand.class, ClearBadImageCommand.class, HistoryCommand.class, StatusCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private final Console console;

    private Main(Console console) {
        this.console = console;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        return run(Console.system(), args);
    }

    /** Runs the CLI with the given environment and streams instead of the process's own. */
    public static int run(Console console, String... args) {
        CommandLine cli = new CommandLine(new Main(console));
        cli.setOut(new PrintWriter(console.out(), true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(console.err(), true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler(new Failures());
        return cli.execute(args);
    }

    Console console() {
        return console;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: choose one of the commands below.");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"drift-deploy " + (version == null ? "(development build)" : version)};
        }
    }
}
