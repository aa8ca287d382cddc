package io.driftdeploy.testing;

import io.driftdeploy.settings.Setting;
import java.net.URI;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

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
    /** The role the functions assume in a member account (its default name), which the tests assume too. */
    public static final String MEMBER_ROLE = Setting.MEMBER_ROLE_NAME.defaultValue().orElseThrow();
    /** The session the tests' member credentials are named by, apart from the functions' {@code drift-deploy-<function>}. */
    private static final String SESSION = "drift-deploy-testkit";

    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");

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

    /** As {@link #client(AwsClientBuilder)}, acting in the account ({@link #credentialsIn}). */
    public static <C, B extends AwsClientBuilder<B, C>> C clientIn(String accountId, B builder) {
        return client(builder.credentialsProvider(credentialsIn(accountId, endpoint())));
    }

    /**
     * Credentials that act in the account at the endpoint: STS AssumeRole into the account's
     * {@link #MEMBER_ROLE}, as the functions act in a member account, from the credentials the
     * caller has set (the emulator's default account). moto issues them in the role's account, and
     * every call signed with them acts there; the role need not exist on the emulator. A fake access
     * key cannot choose an account (moto acts in its default account for any key it did not issue),
     * and this way works against AWS too (docs/emulator.md, "Several accounts and an organization").
     * The SDK's provider assumes the role on first use and again before the credentials expire.
     */
    public static AwsCredentialsProvider credentialsIn(String accountId, URI endpoint) {
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw new IllegalArgumentException("accountId must be 12 digits, got " + accountId);
        }
        String roleArn = "arn:aws:iam::" + accountId + ":role/" + MEMBER_ROLE;
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(client(StsClient.builder(), endpoint))
                .refreshRequest(request -> request.roleArn(roleArn).roleSessionName(SESSION))
                .build();
    }
}
