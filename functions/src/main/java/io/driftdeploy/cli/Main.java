package io.driftdeploy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command-line front of drift-deploy: the same jar Lambda runs, for people. */
@Command(
        name = "drift-deploy",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
                "Immutable infrastructure on AWS: drifted EC2 instances are replaced from the golden image,",
                "new golden images roll out by Auto Scaling instance refresh.",
                "",
                "Run a function on an event file, dry-run it, replay or redrive events, publish a golden image."},
        subcommands = {CommandLine.HelpCommand.class, PublishImageCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
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
