package io.driftdeploy.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
                "Help on one command:  drift-deploy help COMMAND"})
public final class Main implements Runnable {

    private static final String HELP = "help";

    /** The commands, in the order the help lists them. */
    static final List<Class<?>> COMMANDS = List.of(CommandLine.HelpCommand.class, DemoCommand.class, InvokeCommand.class,
            ReplayCommand.class, RedriveCommand.class, PublishImageCommand.class, ResumeCommand.class, ClearBadImageCommand.class,
            HistoryCommand.class, StatusCommand.class);

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
        commandsFor(args).forEach(cli::addSubcommand);
        cli.setOut(new PrintWriter(console.out(), true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(console.err(), true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler(new Failures());
        return cli.execute(args);
    }

    /**
     * Only the command the first argument names, when it names one: picocli reads every command's
     * annotations when it is added, which took about 70 ms of each run's start for the nine commands
     * a run does not use (docs/performance.md). Everything else (no command, an option, {@code help},
     * a name that is not a command's or its alias) gets them all, so that the help lists them and a mistyped name
     * is answered with the commands there are.
     */
    static List<Class<?>> commandsFor(String... args) {
        if (args.length > 0 && !args[0].equals(HELP)) {
            for (Class<?> command : COMMANDS) {
                Command names = command.getAnnotation(Command.class);
                if (names.name().equals(args[0]) || List.of(names.aliases()).contains(args[0])) {
                    return List.of(command);
                }
            }
        }
        return COMMANDS;
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
