package io.driftdeploy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command that talks to AWS (or the endpoint given): the AWS options, the console, and usage errors.
 * A run ties it to its model and console ({@link #attach}) whether picocli read its model from
 * annotations or it was built in code, so nothing here is injected by annotation.
 */
abstract class AwsCommand implements Callable<Integer> {

    final AwsOptions aws = new AwsOptions();

    private CommandSpec spec;

    private Console console;

    /** Gives the command its console, and its model the AWS options, before the run parses its arguments. */
    final void attach(CommandSpec model, Console runConsole) {
        spec = model;
        console = runConsole;
        aws.addTo(model);
    }

    Console console() {
        return console;
    }

    /** The command's place in the run: its output and error writers, its usage. */
    CommandLine commandLine() {
        return spec.commandLine();
    }

    /** A usage error (exit status 2), naming what is wrong with the command line. */
    CommandLine.ParameterException usageError(String message) {
        return new CommandLine.ParameterException(commandLine(), message);
    }
}
