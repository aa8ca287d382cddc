package io.driftdeploy.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command-line front of drift-deploy, for people: the functions' own handlers, run in-process on an event.
 *
 * <p>The root command and {@code invoke} are modelled in code, the other commands with picocli's
 * annotations. A run that reads an annotation has the JDK generate a proxy class for each annotation
 * type it meets (nine for {@code invoke}: picocli's and their meta-annotations), and no class archive
 * holds those; building the model in code took a cold {@code invoke drift} from 545 to 488 ms
 * (docs/performance.md, "picocli's annotations"). The other commands are not on a decision's path.
 */
public final class Main implements Runnable {

    private static final String HELP = "help";

    /** The commands, in the order the help lists them. */
    static final List<Subcommand> COMMANDS = List.of(new Subcommand.Annotated(CommandLine.HelpCommand.class),
            new Subcommand.Annotated(DemoCommand.class), new Subcommand.InCode(InvokeCommand.NAME, () -> new InvokeCommand().model()),
            new Subcommand.Annotated(ReplayCommand.class), new Subcommand.Annotated(RedriveCommand.class),
            new Subcommand.Annotated(PublishImageCommand.class), new Subcommand.Annotated(ResumeCommand.class),
            new Subcommand.Annotated(ClearBadImageCommand.class), new Subcommand.Annotated(HistoryCommand.class),
            new Subcommand.Annotated(StatusCommand.class));

    private final Console console;

    private final CommandSpec spec;

    private Main(Console console) {
        this.console = console;
        this.spec = CommandSpec.wrapWithoutInspection(this).name("drift-deploy").versionProvider(new Version());
        spec.usageMessage()
                .description(
                        "Immutable infrastructure on AWS: drifted EC2 instances are replaced from the golden image,",
                        "new golden images roll out by Auto Scaling instance refresh.",
                        "",
                        "Run a function on an event file, dry-run it, replay or redrive events, publish a golden image,",
                        "resume a group after a churn breaker, clear an image's bad mark, show where each group stands (status)",
                        "and what drift-deploy decided and why (history).")
                .footer(
                        "",
                        "Start here:  drift-deploy demo        (plays the whole story on a local emulator; no AWS account needed)",
                        "Help on one command:  drift-deploy help COMMAND");
        addStandardHelpOptions(spec);
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
        CommandLine cli = new CommandLine(new Main(console).spec);
        for (Subcommand command : commandsFor(args)) {
            CommandLine subcommand = command.model();
            if (subcommand.getCommand() instanceof AwsCommand aws) {
                aws.attach(subcommand.getCommandSpec(), console);
            }
            cli.addSubcommand(subcommand);
        }
        cli.setOut(new PrintWriter(console.out(), true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(console.err(), true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler(new Failures());
        return cli.execute(args);
    }

    /**
     * Only the command the first argument names, when it names one: picocli reads every command's
     * annotations when it is added, which took about 70 ms of each run's start for the nine commands
     * a run does not use (docs/performance.md). The commands modelled in code are looked for first,
     * so that finding one reads no annotation. Everything else (no command, an option, {@code help},
     * a name that is not a command's or its alias) gets them all, so that the help lists them and a
     * mistyped name is answered with the commands there are.
     */
    static List<Subcommand> commandsFor(String... args) {
        if (args.length == 0 || args[0].equals(HELP)) {
            return COMMANDS;
        }
        return Stream.concat(COMMANDS.stream().filter(Subcommand.InCode.class::isInstance),
                        COMMANDS.stream().filter(Subcommand.Annotated.class::isInstance))
                .filter(command -> command.names().contains(args[0]))
                .findFirst().map(List::of).orElse(COMMANDS);
    }

    /**
     * picocli's {@code -h, --help} and {@code -V, --version}, as {@code mixinStandardHelpOptions}
     * adds them to an annotated command, for a command modelled in code (that attribute reads the
     * annotations of picocli's own mixin).
     */
    static void addStandardHelpOptions(CommandSpec command) {
        command.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class)
                .description("Show this help message and exit.").build());
        command.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class)
                .description("Print version information and exit.").build());
    }

    Console console() {
        return console;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: choose one of the commands below.");
    }

    /** A command of the CLI: the names it answers to, and its model for one run. */
    sealed interface Subcommand {

        /** Its name first, then its aliases. */
        List<String> names();

        /** A fresh model, for one run. */
        CommandLine model();

        /** A command picocli models from its {@link Command} annotations. */
        record Annotated(Class<?> type) implements Subcommand {
            @Override
            public List<String> names() {
                Command command = type.getAnnotation(Command.class);
                return Stream.concat(Stream.of(command.name()), Stream.of(command.aliases())).toList();
            }

            @Override
            public CommandLine model() {
                return new CommandLine(type);
            }
        }

        /** A command modelled in code: a run that names it reads no annotation. */
        record InCode(String name, Supplier<CommandSpec> spec) implements Subcommand {
            @Override
            public List<String> names() {
                return List.of(name);
            }

            @Override
            public CommandLine model() {
                return new CommandLine(spec.get());
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"drift-deploy " + (version == null ? "(development build)" : version)};
        }
    }
}
