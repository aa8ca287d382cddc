package io.driftdeploy.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.config.SettingsException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
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
        assertThat(credentials).isInstanceOf(LambdaCredentials.class);
        assertThat(credentials.toString()).contains(LAMBDA_CHAIN);
    }

    @Test
    void snapStartFunctionWithoutKeysReachesTheContainerEndpoint() {
        AwsCredentialsProvider credentials = AwsClients.lambdaCredentials(Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9001/credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "token"));
        assertThat(credentials).isInstanceOf(LambdaCredentials.class);
        assertThat(credentials.toString()).contains(LAMBDA_CHAIN);
    }

    /** What EnvironmentVariableCredentialsProvider does with keys in the environment, and without. */
    private static AwsCredentialsProvider environment(boolean keys) {
        return () -> {
            if (!keys) {
                throw SdkClientException.create("Unable to load credentials from system settings");
            }
            return AwsBasicCredentials.create("AKIAENVIRONMENT", "environment");
        };
    }

    private static Supplier<AwsCredentialsProvider> container(int[] built) {
        return () -> {
            built[0]++;
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIACONTAINER", "container"));
        };
    }

    @Test
    void anOnDemandFunctionSignsWithItsEnvironmentsKeysAndNeverBuildsTheContainerProvider() {
        int[] built = {0};
        LambdaCredentials credentials = new LambdaCredentials(environment(true), container(built));

        assertThat(credentials.resolveCredentials().accessKeyId()).isEqualTo("AKIAENVIRONMENT");
        assertThat(credentials.resolveCredentials().accessKeyId()).isEqualTo("AKIAENVIRONMENT");
        assertThat(built[0]).isZero();
        assertThat(credentials.containerProviderBuilt()).isFalse();
    }

    @Test
    void withoutKeysTheContainerProviderIsBuiltOnceAndAsked() {
        int[] built = {0};
        LambdaCredentials credentials = new LambdaCredentials(environment(false), container(built));

        assertThat(credentials.resolveCredentials().accessKeyId()).isEqualTo("AKIACONTAINER");
        assertThat(credentials.resolveCredentials().accessKeyId()).isEqualTo("AKIACONTAINER");
        assertThat(built[0]).isOne();
    }

    @Test
    void buildingTheContainerProviderAheadResolvesNothing() {
        int[] built = {0};
        int[] resolved = {0};
        LambdaCredentials credentials = new LambdaCredentials(environment(true), () -> {
            built[0]++;
            return () -> {
                resolved[0]++;
                return AwsBasicCredentials.create("AKIACONTAINER", "container");
            };
        });

        credentials.buildContainerProvider();
        credentials.buildContainerProvider();

        assertThat(built[0]).isOne();
        assertThat(resolved[0]).isZero();
        assertThat(credentials.containerProviderBuilt()).isTrue();
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
