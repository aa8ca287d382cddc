package io.driftdeploy.aws;

import io.driftdeploy.config.Settings;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The clients that act in each account a function serves: its own account's, and for a member
 * account clients signing with the member role's credentials (docs/organization.md). The ledger,
 * the topic, the queue and the metrics stay the function's own; only the calls about a member's
 * fleet (EC2, Auto Scaling, Config, Image Builder) go through the member role.
 *
 * <p>A member's clients, and with them its role's credentials, are built once per function
 * instance and account, never per event: the SDK's StsAssumeRoleCredentialsProvider keeps the
 * credentials and assumes the role again shortly before they expire ("StsAssumeRoleCredentialsProvider",
 * AWS SDK for Java 2.x API Reference). The session is named for the function
 * ({@code drift-deploy-<function>}); each call carries its decision ({@link DecisionAttribution}).
 */
public final class AccountClients {

    private final AwsClients own;
    private final String ownAccount;
    private final String roleName;
    private final String sessionName;
    private final Map<String, AwsClients> members = new ConcurrentHashMap<>();

    public AccountClients(AwsClients own, Settings settings, String function) {
        this(own, settings.accountId(), settings.members().roleName(), function);
    }

    AccountClients(AwsClients own, String ownAccount, String roleName, String function) {
        this.own = own;
        this.ownAccount = ownAccount;
        this.roleName = roleName;
        this.sessionName = "drift-deploy-" + function;
    }

    /**
     * The clients acting in {@code account}: the function's own for its account, else the member
     * role's, which assume the role on their first call.
     */
    @RequiresIam("sts:AssumeRole")
    public AwsClients in(String account) {
        if (account.equals(ownAccount)) {
            return own;
        }
        return members.computeIfAbsent(account, this::assume);
    }

    /** A port per account, built on first use from that account's clients and kept. */
    public <T> Function<String, T> ports(Function<AwsClients, T> build) {
        Map<String, T> built = new ConcurrentHashMap<>();
        return account -> built.computeIfAbsent(account, inAccount -> build.apply(in(inAccount)));
    }

    /** The member role in {@code account}: the same name in every member, in the function's partition. */
    String roleArn(String account) {
        return "arn:" + PartitionMetadata.of(own.region()).id() + ":iam::" + account + ":role/" + roleName;
    }

    private AwsClients assume(String account) {
        String roleArn = roleArn(account);
        StsAssumeRoleCredentialsProvider credentials = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(own.sts())
                .refreshRequest(request -> request.roleArn(roleArn).roleSessionName(sessionName))
                .build();
        return own.actingAs(credentials, new DecisionAttribution());
    }
}
