package io.driftdeploy.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.SnapStartPrime;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.Events;
import io.driftdeploy.policy.Rejection;
import io.driftdeploy.testing.AwsCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.regions.Region;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.orchestration.Result;

/**
 * The SnapStart hook each handler's Lambda constructor registers, run as Lambda runs it before the
 * snapshot: it makes every client the function uses run calls end to end (each counted by the SDK
 * interceptor {@link AwsCalls}, which sees them whichever client makes them), and not one of them
 * leaves the process: the function's clients point at a loopback socket that counts the
 * connections it is offered.
 */
class SnapStartHookTest {

    /** Each function, built as Lambda builds it but on the clients given, and the services it uses. */
    enum Function {
        DRIFT((settings, aws) -> new DriftHandler(settings, aws, Clock.systemUTC(), Telemetry.discarded("drift")).snapStart,
                "DynamoDb", "Sns", "Ec2", "AutoScaling", "Config"),
        ALARMS((settings, aws) -> new AlarmsHandler(settings, aws, Clock.systemUTC(), Telemetry.discarded("alarms")).snapStart,
                "DynamoDb", "Sns", "Ec2", "AutoScaling", "Config", "CloudWatch"),
        IMAGES((settings, aws) -> new ImagesHandler(settings, aws, Clock.systemUTC(), Telemetry.discarded("images"))
                .snapStart.orElseThrow(),
                "DynamoDb", "Sns", "Ec2", "AutoScaling", "Imagebuilder"),
        REFRESHES((settings, aws) -> new RefreshesHandler(settings, aws, Clock.systemUTC(),
                Telemetry.discarded("refreshes")).snapStart.orElseThrow(),
                "DynamoDb", "Sns", "Ec2", "AutoScaling", "Imagebuilder");

        private final BiFunction<Settings, AwsClients, SnapStartPrime> hook;
        private final Set<String> services;

        Function(BiFunction<Settings, AwsClients, SnapStartPrime> hook, String... services) {
            this.hook = hook;
            this.services = Set.of(services);
        }
    }

    private static final Settings SETTINGS = Settings.from(Map.of(
            "DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:111122223333:drift-deploy",
            "DRIFT_DEPLOY_TABLE", "drift-deploy-ledger",
            // Not the samples' account (123456789012): the prime must make the sample the function's own.
            "DRIFT_DEPLOY_ACCOUNT_ID", "111122223333",
            "DRIFT_DEPLOY_DRIFT_RULES", "ec2-managedinstance-inventory-blacklisted",
            "DRIFT_DEPLOY_MODE", "enforce"));

    @ParameterizedTest
    @EnumSource(Function.class)
    void theHookRunsEveryClientTheFunctionUsesAndConnectsNowhere(Function function) throws Exception {
        try (ConnectionCounter endpoint = ConnectionCounter.start()) {
            AwsClients aws = new AwsClients(Region.US_EAST_1, Optional.of(endpoint.uri()));
            SnapStartPrime hook = function.hook.apply(SETTINGS, aws);
            AwsCalls.Recording calls = new AwsCalls.Recording();

            calls.run(() -> {
                hook.beforeCheckpoint(null);
                return null;
            });

            assertThat(endpoint.offered()).as("connections to the function's endpoint").isZero();
            Set<String> primed = calls.operations().stream().map(operation -> operation.name().split("\\.")[0])
                    .collect(Collectors.toSet());
            assertThat(primed).as("services whose calls ran").isEqualTo(function.services);
            assertThat(calls.operations()).as("every call succeeded, once, on its first attempt")
                    .allSatisfy(operation -> {
                        assertThat(operation.failures()).as(operation.name()).isZero();
                        assertThat(operation.attempts()).as(operation.name()).isEqualTo(operation.calls());
                    });
        }
    }

    /** The check that the decision got past parsing and the account check can fail. */
    @Test
    void aRejectedSampleFailsTheHook() {
        AwsClients aws = new AwsClients(Region.US_EAST_1, Optional.of(URI.create("http://127.0.0.1:9")));
        SnapStartPrime hook = Priming.of(SETTINGS, aws, "drift/config-noncompliant-ec2.json",
                canned -> event -> new Result.Rejected(Rejection.invalidEvent("drift", "account", "not the function's"),
                        Result.Delivery.UNANNOUNCED));

        assertThatThrownBy(() -> hook.beforeCheckpoint(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("drift/config-noncompliant-ec2.json was rejected");
    }

    @Test
    void theSampleIsTheFunctionsOwnAccountsAndParses() {
        byte[] event = Priming.sampleEvent("images/ami-available.json", "111122223333");

        assertThat(new String(event, StandardCharsets.UTF_8)).doesNotContain("123456789012");
        assertThat(Events.parseImage(event).account()).isEqualTo("111122223333");
    }

    /** A loopback socket that accepts and counts every connection offered to it, and closes it. */
    private static final class ConnectionCounter implements AutoCloseable {
        private final ServerSocket socket;
        private final AtomicInteger offered = new AtomicInteger();

        private ConnectionCounter(ServerSocket socket) {
            this.socket = socket;
        }

        static ConnectionCounter start() throws IOException {
            ConnectionCounter counter = new ConnectionCounter(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(counter::accept, "connection-counter");
            acceptor.setDaemon(true);
            acceptor.start();
            return counter;
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        int offered() {
            return offered.get();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    offered.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
