package io.driftdeploy.testing;

import java.net.URI;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/**
 * The AWS endpoint every integration test talks to: AWS_ENDPOINT_URL when given, otherwise the
 * project's local emulator, started once per test JVM through {@code scripts/emulator} and stopped
 * when the JVM exits (unless it was already running, in which case it is left as found).
 * Credentials are fixed fakes and the endpoint must be on loopback, so nothing reaches real AWS.
 */
public final class Emulator {

    public static final Region REGION = Region.US_EAST_1;
    /** The account moto acts as; the samples in events/ use it too, so they replay as they are. */
    public static final String ACCOUNT = "123456789012";

    private static URI endpoint;

    private Emulator() {
    }

    public static synchronized URI endpoint() {
        if (endpoint == null) {
            System.setProperty("aws.accessKeyId", "testing");
            System.setProperty("aws.secretAccessKey", "testing");
            System.setProperty("aws.region", REGION.id());
            // The demo's launcher: it refuses any endpoint off this machine, starts scripts/emulator
            // when none is given, and stops it on close only if it started it.
            LocalEmulator emulator = LocalEmulator.open(System.getenv("AWS_ENDPOINT_URL"), Checkout.root(), System.err);
            Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "emulator-stop"));
            endpoint = emulator.endpoint();
        }
        return endpoint;
    }

    /**
     * A client of any AWS service at the emulator, for setting up and checking what a test plays
     * on (the functions' own clients are their AwsClients): the emulator's region, and the fixed
     * fake credentials {@link #endpoint()} sets, which the SDK's default chain finds first.
     */
    public static <C, B extends AwsClientBuilder<B, C>> C client(B builder) {
        return client(builder, endpoint());
    }

    /** As {@link #client(AwsClientBuilder)}, at another local emulator (the demo's), whose credentials the caller has set. */
    public static <C, B extends AwsClientBuilder<B, C>> C client(B builder, URI endpoint) {
        return builder.region(REGION).endpointOverride(endpoint).build();
    }
}
