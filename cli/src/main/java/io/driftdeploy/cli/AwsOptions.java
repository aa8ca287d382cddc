package io.driftdeploy.cli;

import io.driftdeploy.aws.AwsClients;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/** --endpoint-url and --region, shared by every command that calls AWS; credentials come from the standard chain. */
final class AwsOptions {

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "Send every AWS call to this AWS-compatible endpoint (e.g. the local emulator). Default: AWS_ENDPOINT_URL, else AWS itself.")
    String endpoint;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region. Default: the standard chain (AWS_REGION, AWS_DEFAULT_REGION, profile).")
    String region;

    AwsClients clients(Map<String, String> environment) {
        return new AwsClients(region(), endpoint(environment));
    }

    private Optional<URI> endpoint(Map<String, String> environment) {
        if (endpoint != null) {
            return AwsClients.endpoint("--endpoint-url", endpoint);
        }
        return AwsClients.endpoint(AwsClients.ENDPOINT_VARIABLE, environment.get(AwsClients.ENDPOINT_VARIABLE));
    }

    private Region region() {
        if (region != null) {
            return Region.of(region);
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkClientException none) {
            throw new CliFailure("no AWS region: pass --region or set AWS_REGION");
        }
    }
}
