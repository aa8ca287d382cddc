package io.driftdeploy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.testing.FaultProxy.Exchange;
import io.driftdeploy.testing.FaultProxy.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The fault proxy against the emulator, through real SDK clients: each fault does on the wire
 * what it promises, and the proxy's record tells what reached the emulator.
 */
class FaultProxyIT {

    /** A call of each error protocol: JSON (DynamoDB), query (Auto Scaling) and EC2's own. */
    private static final List<Operation> ONE_PER_PROTOCOL = List.of(new Operation("dynamodb", "GetItem"),
            new Operation("autoscaling", "DescribeAutoScalingGroups"), new Operation("ec2", "DescribeVpcs"));

    private final AwsClients direct = TestEnvironment.clients();
    private final String table = "fp-" + UUID.randomUUID().toString().substring(0, 8);
    private final FaultProxy proxy = FaultProxy.start(Emulator.endpoint());
    private final AwsClients proxied = proxy.clients();

    FaultProxyIT() {
        Ledger.createTable(direct.dynamoDb(), table);
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void aLostResponseIsAppliedByTheEmulatorAndTheCallRetried() {
        proxy.when("dynamodb", "PutItem").times(1).fail(Fault.LOST_RESPONSE);

        put(proxied.dynamoDb(), "item-a");

        assertThat(stored("item-a")).isTrue();
        assertThat(proxy.forwarded("dynamodb", "PutItem")).isEqualTo(2);
        List<Exchange> puts = proxy.exchanges("dynamodb", "PutItem");
        assertThat(puts).hasSize(2);
        assertThat(puts.get(0)).isEqualTo(new Exchange("dynamodb", "PutItem", true, Optional.of(Fault.LOST_RESPONSE)));
        assertThat(puts.get(1)).isEqualTo(new Exchange("dynamodb", "PutItem", true, Optional.empty()));
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"INTERNAL_ERROR", "SERVICE_UNAVAILABLE", "THROTTLING"})
    void anErrorReplyOnceIsRetriedByTheSdkAndTheCallSucceeds(Fault fault) {
        failOnceEach(fault);

        proxied.dynamoDb().getItem(r -> r.tableName(table).key(key("item-a")));
        proxied.autoScaling().describeAutoScalingGroups();
        proxied.ec2().describeVpcs();

        for (Operation operation : ONE_PER_PROTOCOL) {
            assertThat(proxy.exchanges(operation.service, operation.name)).extracting(Exchange::fault)
                    .containsExactly(Optional.of(fault), Optional.empty());
        }
    }

    @ParameterizedTest
    @CsvSource({
            "INTERNAL_ERROR, 500, InternalServerError, InternalFailure, InternalError",
            "SERVICE_UNAVAILABLE, 503, ServiceUnavailable, ServiceUnavailable, Unavailable",
            "THROTTLING, 400, ThrottlingException, Throttling, RequestLimitExceeded"})
    void anErrorReplyIsParsedAsTheServicesOwn(Fault fault, int status, String jsonCode, String queryCode, String ec2Code) {
        failOnceEach(fault);

        try (DynamoDbClient dynamoDb = once(DynamoDbClient.builder(), proxy);
             AutoScalingClient autoScaling = once(AutoScalingClient.builder(), proxy);
             Ec2Client ec2 = once(Ec2Client.builder(), proxy)) {
            assertServiceError(() -> dynamoDb.getItem(r -> r.tableName(table).key(key("item-a"))), status, jsonCode);
            assertServiceError(autoScaling::describeAutoScalingGroups, status, queryCode);
            assertServiceError(ec2::describeVpcs, status, ec2Code);
        }
    }

    @Test
    void aResetCallIsNotApplied() {
        proxy.when("dynamodb", "PutItem").fail(Fault.RESET);

        try (DynamoDbClient dynamoDb = once(DynamoDbClient.builder(), proxy)) {
            assertThatThrownBy(() -> put(dynamoDb, "item-a")).isInstanceOf(SdkClientException.class);
        }

        assertThat(stored("item-a")).isFalse();
        assertThat(proxy.exchanges("dynamodb", "PutItem"))
                .containsExactly(new Exchange("dynamodb", "PutItem", false, Optional.of(Fault.RESET)));
    }

    @Test
    void aDelayedCallIsForwardedAfterTheDelay() {
        proxy.when("dynamodb", "PutItem").delay(Duration.ofMillis(800));

        long started = System.nanoTime();
        put(proxied.dynamoDb(), "item-a");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
        assertThat(stored("item-a")).isTrue();
        assertThat(proxy.exchanges("dynamodb", "PutItem"))
                .containsExactly(new Exchange("dynamodb", "PutItem", true, Optional.of(Fault.DELAY)));
    }

    @Test
    void aHungCallHoldsItsCallerUntilTheProxyCloses() throws Exception {
        proxy.when("dynamodb", "PutItem").fail(Fault.HANG);

        try (DynamoDbClient dynamoDb = once(DynamoDbClient.builder(), proxy)) {
            CompletableFuture<Void> caller = CompletableFuture.runAsync(() -> put(dynamoDb, "item-a"));
            TestEnvironment.awaitTrue("the PutItem to arrive", Duration.ofSeconds(10),
                    () -> !proxy.exchanges("dynamodb", "PutItem").isEmpty());
            Thread.sleep(500);
            assertThat(caller).isNotDone();

            proxy.close();

            assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(SdkClientException.class);
        }
        assertThat(stored("item-a")).isFalse();
        assertThat(proxy.forwarded("dynamodb", "PutItem")).isZero();
    }

    @Test
    void aBodyFilterHitsOnlyTheMatchingRequests() {
        proxy.when("dynamodb", "PutItem").withBodyContaining("\"item-b\"").fail(Fault.INTERNAL_ERROR);

        try (DynamoDbClient dynamoDb = once(DynamoDbClient.builder(), proxy)) {
            put(dynamoDb, "item-a");
            assertServiceError(() -> put(dynamoDb, "item-b"), 500, "InternalServerError");
        }

        assertThat(stored("item-a")).isTrue();
        assertThat(stored("item-b")).isFalse();
        assertThat(proxy.exchanges("dynamodb", "PutItem")).extracting(Exchange::fault)
                .containsExactly(Optional.empty(), Optional.of(Fault.INTERNAL_ERROR));
    }

    @Test
    void theProxyClosesItselfAfterItsLifetime() {
        try (FaultProxy shortLived = FaultProxy.start(Emulator.endpoint(), Duration.ofSeconds(1))) {
            shortLived.clients().dynamoDb().describeTable(r -> r.tableName(table));

            TestEnvironment.awaitTrue("the proxy to close itself", Duration.ofSeconds(5), () -> !shortLived.isOpen());

            try (DynamoDbClient dynamoDb = once(DynamoDbClient.builder(), shortLived)) {
                assertThatThrownBy(() -> dynamoDb.describeTable(r -> r.tableName(table)))
                        .isInstanceOf(SdkClientException.class);
            }
        }
    }

    private void failOnceEach(Fault fault) {
        ONE_PER_PROTOCOL.forEach(operation -> proxy.when(operation.service, operation.name).times(1).fail(fault));
    }

    /** A client that makes each call once, so a test sees the fault itself rather than the retry that hides it. */
    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C once(B builder, FaultProxy through) {
        return builder.region(Emulator.REGION)
                .endpointOverride(through.endpoint())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private void put(DynamoDbClient dynamoDb, String id) {
        dynamoDb.putItem(r -> r.tableName(table).item(key(id)));
    }

    private boolean stored(String id) {
        return direct.dynamoDb().getItem(r -> r.tableName(table).key(key(id)).consistentRead(true)).hasItem();
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of(Ledger.PARTITION_KEY, Ledger.text(id), Ledger.SORT_KEY, Ledger.text("proxy-test"));
    }

    private record Operation(String service, String name) {
    }

    private static void assertServiceError(Runnable call, int status, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
        });
    }
}
