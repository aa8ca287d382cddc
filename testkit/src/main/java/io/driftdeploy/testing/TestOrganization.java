package io.driftdeploy.testing;

import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.AlreadyInOrganizationException;
import software.amazon.awssdk.services.organizations.model.AwsOrganizationsNotInUseException;
import software.amazon.awssdk.services.organizations.model.CreateAccountState;
import software.amazon.awssdk.services.organizations.model.CreateAccountStatus;
import software.amazon.awssdk.services.organizations.model.Organization;

/**
 * A test's part of an AWS Organizations organization on the emulator: organizational units and
 * member accounts of its own, under its sandbox's name prefix, placed where the test says.
 *
 * <p>The organization is the one the emulator's default account manages, the central account the
 * functions run in and call Organizations from. An account manages one organization, so every test
 * on an emulator shares it: it is made by whichever test needs it first, and never deleted. moto
 * picks every id (organization, root, unit, account) at random; a test uses the ids returned here
 * (docs/emulator.md, "Several accounts and an organization").
 */
public final class TestOrganization {

    public final String id;
    public final String managementAccountId;
    public final String rootId;
    private final OrganizationsClient organizations;
    private final String prefix;

    private TestOrganization(OrganizationsClient organizations, String prefix) {
        this.organizations = organizations;
        this.prefix = prefix;
        Organization organization = existingOrNew(organizations);
        this.id = organization.id();
        this.managementAccountId = organization.masterAccountId();
        this.rootId = organizations.listRoots(r -> { }).roots().get(0).id();
    }

    /** The organization of the default account at the sandbox's endpoint, for the sandbox's test. */
    public static TestOrganization of(Sandbox sandbox) {
        return new TestOrganization(Emulator.client(OrganizationsClient.builder(), sandbox.clients.endpoint()), sandbox.prefix);
    }

    private static Organization existingOrNew(OrganizationsClient organizations) {
        try {
            return organizations.describeOrganization(r -> { }).organization();
        } catch (AwsOrganizationsNotInUseException none) {
            try {
                return organizations.createOrganization(r -> r.featureSet("ALL")).organization();
            } catch (AlreadyInOrganizationException madeMeanwhile) {
                // Another test made it between the two calls.
                return organizations.describeOrganization(r -> { }).organization();
            }
        }
    }

    /** A new organizational unit under the root; returns its id. */
    public String unit(String name) {
        return unit(name, rootId);
    }

    /** A new organizational unit under the parent (the root or a unit), named with the test's prefix; returns its id. */
    public String unit(String name, String parentId) {
        return organizations.createOrganizationalUnit(r -> r.parentId(parentId).name(prefix + "-" + name))
                .organizationalUnit().id();
    }

    /** A new member account under the root; returns its id. */
    public String account(String name) {
        return account(name, rootId);
    }

    /**
     * A new member account (CreateAccount, which the emulator completes at once), moved under the
     * parent (the root or a unit); returns its id, which {@link Sandbox#inAccount} seeds in.
     */
    public String account(String name, String parentId) {
        String accountName = prefix + "-" + name;
        CreateAccountStatus status = organizations.createAccount(r -> r.accountName(accountName)
                .email(accountName + "@example.com")).createAccountStatus();
        if (status.state() != CreateAccountState.SUCCEEDED) {
            throw new IllegalStateException("CreateAccount " + accountName + " did not succeed at once: " + status);
        }
        if (!parentId.equals(rootId)) {
            organizations.moveAccount(r -> r.accountId(status.accountId()).sourceParentId(rootId).destinationParentId(parentId));
        }
        return status.accountId();
    }
}
