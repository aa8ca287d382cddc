package io.driftdeploy.aws;

import io.driftdeploy.config.SettingsException;
import io.driftdeploy.event.FieldLimits;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds each AWS client once, on first use, sharing one HTTP client and one credentials provider.
 * The HTTP client is URLConnection's, kept after measuring AWS CRT's and Apache's against it
 * (docs/performance.md, "HTTP client"): cold, neither was faster (Apache about 0.15 s slower);
 * warm, both saved about 15 ms of a 120 ms decision, not worth 19 MB of native libraries (CRT) or
 * 1.5 MB and 900 classes (Apache) in the jar. An endpoint override (the CLI's --endpoint-url, or
 * AWS_ENDPOINT_URL) points every client at an AWS-compatible emulator.
 */
public final class AwsClients {

    /** The standard variable that points every AWS SDK at another endpoint. */
    public static final String ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL";

    private final Region region;
    private final Optional<URI> endpoint;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    /** Run on every call of every client: the member accounts' {@link DecisionAttribution}, else none. */
    private final List<ExecutionInterceptor> interceptors;

    private final Lazy<Ec2Client> ec2 = new Lazy<>(Ec2Client.SERVICE_NAME, () -> configure(Ec2Client.builder()).build());
    private final Lazy<AutoScalingClient> autoScaling = new Lazy<>(AutoScalingClient.SERVICE_NAME,
            () -> configure(AutoScalingClient.builder()).build());
    private final Lazy<SnsClient> sns = new Lazy<>(SnsClient.SERVICE_NAME, () -> configure(SnsClient.builder()).build());
    private final Lazy<DynamoDbClient> dynamoDb = new Lazy<>(DynamoDbClient.SERVICE_NAME, () -> configure(DynamoDbClient.builder())
            .overrideConfiguration(intercepted(bounded(AwsRetryStrategy.adaptiveRetryStrategy().toBuilder()
                    .maxAttempts(DYNAMODB_ATTEMPTS).build()))).build());
    private final Lazy<ConfigClient> config = new Lazy<>(ConfigClient.SERVICE_NAME, () -> configure(ConfigClient.builder()).build());
    private final Lazy<CloudWatchClient> cloudWatch = new Lazy<>(CloudWatchClient.SERVICE_NAME,
            () -> configure(CloudWatchClient.builder()).build());
    private final Lazy<ImagebuilderClient> imageBuilder = new Lazy<>(ImagebuilderClient.SERVICE_NAME,
            () -> configure(ImagebuilderClient.builder()).build());
    private final Lazy<SqsClient> sqs = new Lazy<>(SqsClient.SERVICE_NAME, () -> configure(SqsClient.builder()).build());
    private final Lazy<StsClient> sts = new Lazy<>(StsClient.SERVICE_NAME, () -> configure(StsClient.builder()).build());
    private final Lazy<OrganizationsClient> organizations = new Lazy<>(OrganizationsClient.SERVICE_NAME,
            () -> configure(OrganizationsClient.builder()).build());
    private final List<Lazy<? extends SdkClient>> clients = List.of(ec2, autoScaling, sns, dynamoDb, config, cloudWatch, imageBuilder,
            sqs, sts, organizations);

    /**
     * Credentials from the SDK's default chain (environment, profile, container, instance...), as
     * the CLI and the tests want them: an operator's CLI may run with a profile.
     */
    public AwsClients(Region region, Optional<URI> endpoint) {
        this(region, endpoint, DefaultCredentialsProvider.builder().build(), httpClient());
    }

    /** Every client signs with {@code credentials} and sends through {@code http}, which it then owns. */
    public AwsClients(Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials, SdkHttpClient http) {
        this(region, endpoint, credentials, http, List.of());
    }

    private AwsClients(Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials, SdkHttpClient http,
                       List<ExecutionInterceptor> interceptors) {
        this.region = region;
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.http = http;
        this.interceptors = List.copyOf(interceptors);
    }

    /**
     * Clients configured as these are and sharing their HTTP client, signing with
     * {@code credentials} and running {@code interceptor} on every call: a member account's
     * ({@link AccountClients}). The HTTP client stays these clients' to close.
     */
    AwsClients actingAs(AwsCredentialsProvider credentials, ExecutionInterceptor interceptor) {
        return new AwsClients(region, endpoint, credentials, http, List.of(interceptor));
    }

    /**
     * Clients configured as these are (region, endpoint, retry strategies, timeouts, the
     * URLConnection HTTP client), except that every call is answered in memory by {@code connections}
     * and signed with placeholder credentials: what {@link SnapStartPrime} drives, so that the
     * snapshot holds the request path loaded but none of these clients' credentials or connections.
     */
    AwsClients answeredBy(UrlConnectionFactory connections) {
        return new AwsClients(region, endpoint,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("SNAPSTART-PRIME", "never-sent")),
                UrlConnectionHttpClient.create(connections));
    }

    /**
     * Builds what the credentials provider would build at its first resolution, resolving nothing:
     * for {@link SnapStartPrime}, so that a restore does not build it.
     */
    void buildCredentialsProvider() {
        if (credentials instanceof LambdaCredentials lambda) {
            lambda.buildContainerProvider();
        }
    }

    /** The service (its endpoint prefix, e.g. {@code dynamodb}) of each client built so far. */
    Set<String> built() {
        return clients.stream().filter(Lazy::built).map(client -> client.service).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Closes the clients built so far, and with them the threads each starts to time its calls out:
     * for the prime's twins, which would otherwise stay in the snapshot, idle, holding the twins.
     */
    void close() {
        clients.stream().filter(Lazy::built).forEach(client -> client.get().close());
    }

    /**
     * Lambda's clients: region and credentials named, not searched for ({@link #lambdaRegion},
     * {@link #lambdaCredentials}), endpoint from AWS_ENDPOINT_URL.
     */
    public static AwsClients fromEnvironment() {
        Map<String, String> environment = System.getenv();
        return new AwsClients(lambdaRegion(environment), endpointFromEnvironment(), lambdaCredentials(environment),
                httpClient());
    }

    /**
     * URLConnection's client, as {@code UrlConnectionHttpClient.create()} builds it, except that the
     * JVM's trust store is read at the first TLS handshake, not here ({@link DeferredTrustManager}).
     */
    public static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder().tlsTrustManagersProvider(DeferredTrustManager::asTrustManagers).build();
    }

    /**
     * The region Lambda sets in AWS_REGION, read directly: the SDK's default region chain would
     * look there only after the {@code aws.region} system property, and go on to the profile
     * files and the instance metadata service when it is missing. Outside Lambda (a local run of
     * a handler) AWS_REGION must be set too.
     */
    public static Region lambdaRegion(Map<String, String> environment) {
        String variable = SdkSystemSetting.AWS_REGION.environmentVariable();
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            throw new SettingsException(variable, "not set: Lambda sets it; a local run of a handler must set it too");
        }
        return Region.of(value.strip());
    }

    /**
     * The function's credentials from where Lambda puts them, instead of the SDK's default chain,
     * which on a cold start also tries system properties, web identity, the profile files and the
     * instance metadata service: the environment's keys (AWS_ACCESS_KEY_ID..., an on-demand
     * function or $LATEST), else the container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI), in
     * the default chain's order. The container endpoint is not optional: a version restored from a
     * SnapStart snapshot (infra-cdk turns SnapStart on for the published versions behind
     * {@code live}) gets its credentials only that way, so EnvironmentVariableCredentialsProvider
     * alone would fail there (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html#snapstart-credentials).
     * Both are tried on the first call, not here, so what the snapshot's init saw does not count;
     * the container endpoint's provider is built only when it is first needed ({@link LambdaCredentials}).
     * An environment with neither variable is not Lambda: the default chain, as before.
     *
     * <p>The SDK for Java 2.x guide recommends a named provider (and the region from AWS_REGION)
     * in Lambda to skip the default chain's lookups ("Reduce SDK startup time for AWS Lambda";
     * "Use a specific credentials provider or provider chain"); what it is worth here is measured
     * in docs/performance.md, "HTTP client".
     */
    public static AwsCredentialsProvider lambdaCredentials(Map<String, String> environment) {
        if (isSet(environment, SdkSystemSetting.AWS_ACCESS_KEY_ID.environmentVariable())
                || isSet(environment, SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_FULL_URI.environmentVariable())) {
            return new LambdaCredentials();
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static boolean isSet(Map<String, String> environment, String variable) {
        String value = environment.get(variable);
        return value != null && !value.isBlank();
    }

    public static Optional<URI> endpointFromEnvironment() {
        return endpoint(ENDPOINT_VARIABLE, System.getenv(ENDPOINT_VARIABLE));
    }

    /**
     * The endpoint {@code value} names, empty when it is unset or blank. Anything but an http or
     * https URL with a host (a missing scheme, {@code http://[::1}) is a {@link SettingsException}
     * naming {@code setting}, so that Lambda's init and the CLI say in one line what is wrong,
     * where the SDK would fail later with a stack trace.
     */
    public static Optional<URI> endpoint(String setting, String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String url = value.strip();
        URI endpoint;
        try {
            endpoint = new URI(url);
        } catch (URISyntaxException e) {
            throw badEndpoint(setting, url, e.getReason());
        }
        if (endpoint.getScheme() == null || !(endpoint.getScheme().equalsIgnoreCase("http")
                || endpoint.getScheme().equalsIgnoreCase("https"))) {
            throw badEndpoint(setting, url, "it has no http:// or https:// scheme");
        }
        if (endpoint.getHost() == null) {
            throw badEndpoint(setting, url, "it names no host");
        }
        return Optional.of(endpoint);
    }

    private static SettingsException badEndpoint(String setting, String url, String why) {
        return new SettingsException(setting, "expected a URL such as http://127.0.0.1:5000, got '"
                + FieldLimits.echo(url) + "': " + why);
    }

    public Region region() {
        return region;
    }

    public Ec2Client ec2() {
        return ec2.get();
    }

    public AutoScalingClient autoScaling() {
        return autoScaling.get();
    }

    public SnsClient sns() {
        return sns.get();
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb.get();
    }

    public ConfigClient config() {
        return config.get();
    }

    public CloudWatchClient cloudwatch() {
        return cloudWatch.get();
    }

    public ImagebuilderClient imageBuilder() {
        return imageBuilder.get();
    }

    /** The scheduled sweep's queue. */
    public SqsClient sqs() {
        return sqs.get();
    }

    /** The member role's credentials ({@link AccountClients}). */
    public StsClient sts() {
        return sts.get();
    }

    /** Where an account sits in the organization ({@link OrganizationsTree}). */
    public OrganizationsClient organizations() {
        return organizations.get();
    }

    /**
     * A client of a service the functions never call (the CLI's EventBridge and Lambda, whose SDK
     * modules are not in the Lambda jar), configured as every client here is: region,
     * credentials, endpoint, the shared HTTP client, bounded retries and timeouts. Built anew on
     * each call and owned by the caller; {@link #built()}, and so the SnapStart prime, knows
     * nothing of it.
     */
    public <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C otherClient(B builder) {
        return configure(builder).build();
    }

    /**
     * One try of a call gives up after this: every call drift-deploy makes answers in well under
     * a second on AWS, so a try this slow is a lost reply, and the SDK tries again. Safe because
     * every write is idempotent (see Ledger) or re-read before its outcome is believed.
     */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The SDK's own default for DynamoDB (9 tries, where other services get 3): the ledger guards
     * every action, so a brief DynamoDB hiccup should not fail a decision; {@link #CALL_TIMEOUT}
     * still bounds them.
     */
    static final int DYNAMODB_ATTEMPTS = 9;
    /**
     * A call with its retries gives up after this, so a decision of a dozen calls that meets an
     * outage fails well inside a two-minute function timeout, releasing what it claimed, instead of
     * being killed by Lambda holding it until its deadline.
     */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(25);

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder) {
        builder.region(region).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(intercepted(bounded(AwsRetryStrategy.standardRetryStrategy())));
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

    private ClientOverrideConfiguration intercepted(ClientOverrideConfiguration configuration) {
        return configuration.toBuilder().executionInterceptors(interceptors).build();
    }

    /**
     * The standard retry strategy (3 tries, exponential backoff with jitter, throttling backed
     * off from 1 second) for every client, and the adaptive one for DynamoDB, which adds
     * client-side rate limiting once throttled: the SDK's guide recommends it where every call of
     * the client goes to one resource, as the ledger's do to its one table ("Configure retry
     * behavior in the AWS SDK for Java 2.x",
     * https://docs.aws.amazon.com/sdk-for-java/latest/developer-guide/retry-strategy.html).
     */
    private static ClientOverrideConfiguration bounded(RetryStrategy retryStrategy) {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(retryStrategy)
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(CALL_TIMEOUT)
                .build();
    }

    private static final class Lazy<T> implements Supplier<T> {
        private final String service;
        private final Supplier<T> factory;
        private volatile T value;

        Lazy(String service, Supplier<T> factory) {
            this.service = service;
            this.factory = factory;
        }

        boolean built() {
            return value != null;
        }

        @Override
        public T get() {
            T current = value;
            if (current == null) {
                synchronized (this) {
                    current = value;
                    if (current == null) {
                        current = factory.get();
                        value = current;
                    }
                }
            }
            return current;
        }
    }
}
