package io.driftdeploy.cli;

import io.driftdeploy.config.SettingsException;
import io.driftdeploy.testing.EmulatorException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns what went wrong while a command ran into one clear line and exit status 1. Expected
 * failures (AWS refused a call, AWS unreachable, a bad setting, a failed command) print no stack
 * trace; anything else is a bug in drift-deploy and keeps its stack trace for the report.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {

    static final int FAILED = 1;

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, CommandLine.ParseResult parsed) {
        String prefix = command.getCommandSpec().qualifiedName() + ": ";
        String message = describe(failure);
        if (message == null) {
            command.getErr().println(prefix + "unexpected failure (a bug in drift-deploy; please report it):");
            failure.printStackTrace(command.getErr());
        } else {
            command.getErr().println(prefix + message);
        }
        command.getErr().flush();
        return FAILED;
    }

    /** One line for an expected failure, or null when the failure is unexpected. */
    static String describe(Throwable failure) {
        if (failure instanceof CliFailure || failure instanceof SettingsException || failure instanceof EmulatorException) {
            return failure.getMessage();
        }
        if (failure instanceof AwsServiceException refused) {
            AwsErrorDetails details = refused.awsErrorDetails();
            if (details == null || details.errorCode() == null) {
                String service = details == null ? "" : " " + details.serviceName();
                return "AWS" + service + " refused the request (HTTP " + refused.statusCode() + "): " + refused.getMessage();
            }
            return "AWS " + details.serviceName() + " refused the request: " + details.errorCode() + ": " + details.errorMessage();
        }
        if (failure instanceof SdkClientException unreachable) {
            return "could not call AWS: " + unreachable.getMessage();
        }
        if (failure instanceof UncheckedIOException io) {
            return io.getMessage() + ": " + io.getCause().getMessage();
        }
        return null;
    }
}
