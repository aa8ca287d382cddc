package io.driftdeploy.cli;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.policy.DriftPolicy;
import java.util.Optional;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * The account whose groups a command reads ({@link AccountOptions}), and the clients that read them there.
 *
 * @param id          the account's id
 * @param chosen      whether --account chose it (else it is the central account by default)
 * @param clients     the clients acting there: the caller's own in the central account, else the role's
 * @param roleArn     the role assumed there; empty in the central account
 * @param ownAccount  the central account, whose ledger holds every account's records
 */
record FleetAccount(String id, boolean chosen, AwsClients clients, Optional<String> roleArn, String ownAccount) {

    /** A group's name in the central ledger: the functions' own ({@link DriftPolicy#ledgerGroup}). */
    String ledgerGroup(String group) {
        return DriftPolicy.ledgerGroup(id, ownAccount, group);
    }

    /**
     * STS refused the role, or it could not be assumed: which role, and what to do. The member role
     * trusts the central functions' roles, so a person's principal is usually refused it.
     */
    CliFailure notAssumed(StsException refused) {
        return new CliFailure("could not assume " + roleArn.orElse("a role") + " in account " + id + " ("
                + Failures.describe(refused) + "): the member role trusts the central functions' roles; pass --role-arn"
                + " with a role in account " + id + " that you may assume (docs/cli.md)");
    }

    /** Whether the account is a member's, not the central one. */
    boolean member() {
        return !id.equals(ownAccount);
    }
}
