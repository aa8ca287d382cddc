package io.driftdeploy.aws;

import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * A Lambda function's credentials: the environment's keys, else the container endpoint, tried in
 * that order at each resolution (see {@link AwsClients#lambdaCredentials} for why both). The
 * container endpoint's provider is built when the environment has no keys, not before: building
 * it took about 22 ms of each cold start on this project's machines, and an on-demand function,
 * whose environment holds keys, never asks it. A SnapStart function builds it before its snapshot
 * ({@link SnapStartPrime}), since a restored one has no keys in its environment.
 */
final class LambdaCredentials implements AwsCredentialsProvider, SdkAutoCloseable {

    private final Deferred container;
    private final AwsCredentialsProviderChain chain;

    LambdaCredentials() {
        this(EnvironmentVariableCredentialsProvider.create(), ContainerCredentialsProvider::create);
    }

    LambdaCredentials(AwsCredentialsProvider environment, Supplier<? extends AwsCredentialsProvider> container) {
        this.container = new Deferred(container);
        this.chain = AwsCredentialsProviderChain.builder()
                .credentialsProviders(environment, this.container)
                .build();
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return chain.resolveCredentials();
    }

    /** Builds the container endpoint's provider now, resolving nothing: for a snapshot that should hold it. */
    void buildContainerProvider() {
        container.provider();
    }

    boolean containerProviderBuilt() {
        return container.built != null;
    }

    @Override
    public void close() {
        chain.close();
    }

    @Override
    public String toString() {
        return chain.toString();
    }

    /** A provider built on its first use; the chain closes it with itself. */
    private static final class Deferred implements AwsCredentialsProvider, SdkAutoCloseable {
        private final Supplier<? extends AwsCredentialsProvider> factory;
        private volatile AwsCredentialsProvider built;

        Deferred(Supplier<? extends AwsCredentialsProvider> factory) {
            this.factory = factory;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return provider().resolveCredentials();
        }

        synchronized AwsCredentialsProvider provider() {
            if (built == null) {
                built = factory.get();
            }
            return built;
        }

        @Override
        public void close() {
            if (built instanceof SdkAutoCloseable closeable) {
                closeable.close();
            }
        }

        @Override
        public String toString() {
            return built == null ? "ContainerCredentialsProvider(not built yet)" : built.toString();
        }
    }
}
