package io.driftdeploy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/** A command that talks to AWS (or the endpoint given): the AWS options, the console, and usage errors. */
abstract class AwsCommand implements Callable<Integer> {

    @CommandLine.ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    AwsOptions aws;

    Console console() {
        return main.console();
    }

    /** A usage error (exit status 2), naming what is wrong with the command line. */
    CommandLine.ParameterException usageError(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
