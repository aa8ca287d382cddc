package io.driftdeploy.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.config.SettingsException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Lambda's region and credentials are named from the environment Lambda gives a function, on
 * demand and restored from a SnapStart snapshot alike, without the SDK's default chains.
 */
class LambdaCredentialsTest {

    /** The environment's keys first, then the container endpoint, and nothing else. */
    private static final String LAMBDA_CHAIN = "credentialsProviders=[EnvironmentVariableCredentialsProvider(), "
            + "ContainerCredentialsProvider(";

    @Test
    void onDemandFunctionTriesTheEnvironmentsKeysThenTheContainer() {
        AwsCredentialsProvider credentials = AwsClients.lambdaCredentials(Map.of("AWS_ACCESS_KEY_ID", "AKIA",
                "AWS_SECRET_ACCESS_KEY", "secret", "AWS_SESSION_TOKEN", "token"));
        assertThat(credentials).isInstanceOf(AwsCredentialsProviderChain.class);
        assertThat(credentials.toString()).contains(LAMBDA_CHAIN);
    }

    @Test
    void snapStartFunctionWithoutKeysReachesTheContainerEndpoint() {
        AwsCredentialsProvider credentials = AwsClients.lambdaCredentials(Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9001/credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "token"));
        assertThat(credentials).isInstanceOf(AwsCredentialsProviderChain.class);
        assertThat(credentials.toString()).contains(LAMBDA_CHAIN);
    }

    @Test
    void outsideLambdaTheDefaultChainStays() {
        assertThat(AwsClients.lambdaCredentials(Map.of("AWS_ACCESS_KEY_ID", " "))).isInstanceOf(DefaultCredentialsProvider.class);
    }

    @Test
    void regionIsLambdasAwsRegion() {
        assertThat(AwsClients.lambdaRegion(Map.of("AWS_REGION", "eu-west-1 ", "AWS_DEFAULT_REGION", "us-east-1")))
                .isEqualTo(Region.EU_WEST_1);
    }

    @Test
    void missingRegionFailsInitNamingTheVariable() {
        assertThatThrownBy(() -> AwsClients.lambdaRegion(Map.of("AWS_DEFAULT_REGION", "us-east-1")))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("setting AWS_REGION: not set");
    }
}
