package io.driftdeploy.aws;

import java.util.List;

/** Where an account sits in the organization, for the account trust rule (policy.AccountTrust). */
public interface OrganizationTree {

    /**
     * The organization units above {@code account}, nearest first, ending with the root; empty
     * when the account is not in the organization.
     */
    List<String> parentsOf(String account);

    /** The active accounts under the organization units (or root) given, at any depth. */
    List<String> accountsUnder(List<String> units);
}
