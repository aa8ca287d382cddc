package io.driftdeploy.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.regions.Region;

/** What the handlers' hook tests (handler.SnapStartHookTest) cannot show: the hook's own guards. */
class SnapStartPrimeTest {

    private final AwsClients aws = new AwsClients(Region.US_EAST_1, Optional.of(URI.create("http://127.0.0.1:9")));

    /**
     * The prime fails the hook on a client the function built that it does not prime; every client
     * AwsClients hands out (the functions' own; the CLI builds its others apart) must be primed.
     */
    @Test
    void everyClientTheFunctionsCanBuildIsOneThePrimeKnows() throws ReflectiveOperationException {
        for (Method accessor : AwsClients.class.getMethods()) {
            if (accessor.getParameterCount() == 0 && SdkClient.class.isAssignableFrom(accessor.getReturnType())) {
                accessor.invoke(aws);
            }
        }

        assertThat(aws.built()).contains("ec2", "dynamodb");
        assertThatCode(() -> new SnapStartPrime(aws, canned -> { }).beforeCheckpoint(null)).doesNotThrowAnyException();
    }

    /** Once loads the classes; the JIT compiles only what runs often, so the hook runs the path again and again. */
    @Test
    void theDecisionRunsRoundAfterRound() {
        int[] decisions = {0};

        new SnapStartPrime(aws, canned -> decisions[0]++).beforeCheckpoint(null);

        assertThat(decisions[0]).isEqualTo(SnapStartPrime.ROUNDS).isGreaterThan(1);
    }

    @Test
    void theDecisionIsGivenClientsOtherThanTheFunctions() {
        AwsClients[] given = new AwsClients[1];

        new SnapStartPrime(aws, canned -> given[0] = canned).beforeCheckpoint(null);

        assertThat(given[0]).isNotNull().isNotSameAs(aws);
        assertThat(aws.built()).as("the function's own clients, none built by the prime").isEmpty();
    }

    /**
     * The real clients read the JVM's trust store at their first TLS handshake, which the twins
     * never make: the prime reads it, so that the snapshot holds it and a restore does not read it.
     */
    @Test
    void theTrustStoreIsReadBeforeTheSnapshot() {
        DeferredTrustManager trustStore = DeferredTrustManagerTest.passingAllTrustStore();

        new SnapStartPrime(aws, canned -> { }, trustStore).beforeCheckpoint(null);

        assertThat(trustStore.loaded()).isTrue();
    }

    /** A restored function has no keys in its environment: the container endpoint's provider is built before the snapshot. */
    @Test
    void theContainerCredentialsProviderIsBuiltBeforeTheSnapshotAndNothingResolved() {
        int[] resolved = {0};
        LambdaCredentials credentials = new LambdaCredentials(() -> {
            resolved[0]++;
            return AwsBasicCredentials.create("AKIAENVIRONMENT", "environment");
        }, () -> () -> {
            resolved[0]++;
            return AwsBasicCredentials.create("AKIACONTAINER", "container");
        });
        AwsClients lambda = new AwsClients(Region.US_EAST_1, Optional.of(URI.create("http://127.0.0.1:9")), credentials,
                AwsClients.httpClient());

        new SnapStartPrime(lambda, canned -> canned.dynamoDb(), DeferredTrustManagerTest.passingAllTrustStore()).beforeCheckpoint(null);

        assertThat(credentials.containerProviderBuilt()).isTrue();
        assertThat(resolved[0]).as("credentials resolved before the snapshot").isZero();
    }

    @Test
    void aTrustStoreThatCannotBeReadFailsTheSnapshot() {
        DeferredTrustManager trustStore = new DeferredTrustManager(() -> {
            throw new java.io.IOException("cacerts: unexpected end of file");
        });

        assertThatThrownBy(() -> new SnapStartPrime(aws, canned -> { }, trustStore).beforeCheckpoint(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cacerts: unexpected end of file");
    }

    /** Each SDK client starts threads to time its calls out; the twins' must not stay in the snapshot. */
    @Test
    void theTwinsThreadsEndWhenThePrimeIsDone() throws InterruptedException {
        Set<Thread> before = sdkThreads();
        Set<Thread> started = new HashSet<>();

        new SnapStartPrime(aws, canned -> {
            canned.dynamoDb().getItem(request -> request.tableName("t").key(Map.of()));
            started.addAll(sdkThreads());
            started.removeAll(before);
        }).beforeCheckpoint(null);

        assertThat(started).as("threads the twin's call started").isNotEmpty();
        for (Thread thread : started) {
            thread.join(5_000);
        }
        assertThat(started).as("still running").noneMatch(Thread::isAlive);
    }

    private static Set<Thread> sdkThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("sdk-ScheduledExecutor"))
                .collect(Collectors.toSet());
    }
}
