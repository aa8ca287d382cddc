package io.driftdeploy.cli;

import io.driftdeploy.aws.AwsClients;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * --endpoint-url and --region, shared by every command that calls AWS; credentials come from the standard chain.
 * Built in code rather than declared with picocli's annotations, because {@code invoke} has them and reads no
 * annotation (see {@link Main.Subcommand.InCode}).
 */
final class AwsOptions {

    private final OptionSpec endpoint = OptionSpec.builder("--endpoint-url").paramLabel("URL").type(String.class)
            .description("Send every AWS call to this AWS-compatible endpoint (e.g. the local emulator). Default: AWS_ENDPOINT_URL, else AWS itself.")
            .build();

    private final OptionSpec region = OptionSpec.builder("--region").paramLabel("REGION").type(String.class)
            .description("AWS region. Default: the standard chain (AWS_REGION, AWS_DEFAULT_REGION, profile).")
            .build();

    /** Adds the options to the command they are parsed for, once. */
    void addTo(CommandSpec command) {
        command.addOption(endpoint).addOption(region);
    }

    AwsClients clients(Map<String, String> environment) {
        return new AwsClients(region(), endpoint(environment));
    }

    private Optional<URI> endpoint(Map<String, String> environment) {
        String given = endpoint.getValue();
        if (given != null) {
            return AwsClients.endpoint("--endpoint-url", given);
        }
        return AwsClients.endpoint(AwsClients.ENDPOINT_VARIABLE, environment.get(AwsClients.ENDPOINT_VARIABLE));
    }

    private Region region() {
        String given = region.getValue();
        if (given != null) {
            return Region.of(given);
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkClientException none) {
            throw new CliFailure("no AWS region: pass --region or set AWS_REGION");
        }
    }
}
