package io.driftdeploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.fakes.FakeClock;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.AccountStatus;
import software.amazon.awssdk.services.organizations.model.ListAccountsForParentRequest;
import software.amazon.awssdk.services.organizations.model.ListAccountsForParentResponse;
import software.amazon.awssdk.services.organizations.model.ListOrganizationalUnitsForParentRequest;
import software.amazon.awssdk.services.organizations.model.ListOrganizationalUnitsForParentResponse;
import software.amazon.awssdk.services.organizations.model.ListParentsRequest;
import software.amazon.awssdk.services.organizations.model.ListParentsResponse;
import software.amazon.awssdk.services.organizations.model.OrganizationalUnit;
import software.amazon.awssdk.services.organizations.model.Parent;
import software.amazon.awssdk.services.organizations.model.ParentType;

/**
 * What the tree reads from AWS Organizations and how long it keeps it, on a stand-in client: one
 * walk per account or list of units within {@link OrganizationsTree#KEPT}, and a new one after.
 * Organization: r-root > ou-apps > ou-web; account 111111111111 in ou-web, 222222222222 in
 * ou-apps, 333333333333 (suspended) in ou-apps.
 */
class OrganizationsTreeTest {

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final List<String> calls = new ArrayList<>();
    private final OrganizationsTree tree = new OrganizationsTree(organizations(), clock);

    private OrganizationsClient organizations() {
        // The SDK's interface answers every call with a default method; those taking a Consumer, and the
        // paginators, end in the three taking a request, answered here.
        InvocationHandler handler = (proxy, method, args) -> {
            Object request = args != null && args.length == 1 ? args[0] : null;
            switch (method.getName()) {
                case "listParents" -> {
                    if (request instanceof ListParentsRequest parents) {
                        return listParents(parents.childId());
                    }
                }
                case "listAccountsForParent" -> {
                    if (request instanceof ListAccountsForParentRequest accounts) {
                        return listAccounts(accounts.parentId());
                    }
                }
                case "listOrganizationalUnitsForParent" -> {
                    if (request instanceof ListOrganizationalUnitsForParentRequest units) {
                        return listUnits(units.parentId());
                    }
                }
                default -> {
                }
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            throw new AssertionError("unexpected call " + method.getName());
        };
        return (OrganizationsClient) Proxy.newProxyInstance(OrganizationsClient.class.getClassLoader(),
                new Class<?>[] {OrganizationsClient.class}, handler);
    }

    private ListParentsResponse listParents(String child) {
        calls.add("ListParents " + child);
        return ListParentsResponse.builder().parents(switch (child) {
            case "111111111111" -> List.of(Parent.builder().id("ou-web").type(ParentType.ORGANIZATIONAL_UNIT).build());
            case "ou-web" -> List.of(Parent.builder().id("ou-apps").type(ParentType.ORGANIZATIONAL_UNIT).build());
            default -> List.of(Parent.builder().id("r-root").type(ParentType.ROOT).build());
        }).build();
    }

    private ListAccountsForParentResponse listAccounts(String parent) {
        calls.add("ListAccountsForParent " + parent);
        return ListAccountsForParentResponse.builder().accounts(switch (parent) {
            case "ou-web" -> List.of(account("111111111111", AccountStatus.ACTIVE));
            case "ou-apps" -> List.of(account("222222222222", AccountStatus.ACTIVE), account("333333333333", AccountStatus.SUSPENDED));
            default -> List.<Account>of();
        }).build();
    }

    private ListOrganizationalUnitsForParentResponse listUnits(String parent) {
        calls.add("ListOrganizationalUnitsForParent " + parent);
        return ListOrganizationalUnitsForParentResponse.builder().organizationalUnits(parent.equals("ou-apps")
                ? List.of(OrganizationalUnit.builder().id("ou-web").build()) : List.of()).build();
    }

    private static Account account(String id, AccountStatus status) {
        return Account.builder().id(id).status(status).build();
    }

    @Test
    void anAccountsParentsAreWalkedToTheRootOnceAndKeptForAWhile() {
        assertThat(tree.parentsOf("111111111111")).containsExactly("ou-web", "ou-apps", "r-root");
        assertThat(tree.parentsOf("111111111111")).containsExactly("ou-web", "ou-apps", "r-root");
        assertThat(calls).containsExactly("ListParents 111111111111", "ListParents ou-web", "ListParents ou-apps");

        clock.advance(OrganizationsTree.KEPT);
        tree.parentsOf("111111111111");

        assertThat(calls).hasSize(6);
    }

    @Test
    void theActiveAccountsUnderUnitsAreWalkedOnceAndKeptForAWhile() {
        assertThat(tree.accountsUnder(List.of("ou-apps"))).containsExactly("222222222222", "111111111111");
        assertThat(tree.accountsUnder(new ArrayList<>(List.of("ou-apps")))).as("an equal list of units")
                .containsExactly("222222222222", "111111111111");
        assertThat(calls).containsExactly("ListAccountsForParent ou-apps", "ListOrganizationalUnitsForParent ou-apps",
                "ListAccountsForParent ou-web", "ListOrganizationalUnitsForParent ou-web");

        clock.advance(OrganizationsTree.KEPT.minus(Duration.ofSeconds(1)));
        tree.accountsUnder(List.of("ou-apps"));
        assertThat(calls).as("still believed").hasSize(4);

        clock.advance(Duration.ofSeconds(1));
        tree.accountsUnder(List.of("ou-apps"));
        assertThat(calls).hasSize(8);
    }

    @Test
    void anAccountsParentsAndAUnitsAccountsAreKeptApart() {
        tree.accountsUnder(List.of("ou-web"));
        tree.parentsOf("ou-web");

        assertThat(calls).containsExactly("ListAccountsForParent ou-web", "ListOrganizationalUnitsForParent ou-web",
                "ListParents ou-web", "ListParents ou-apps");
    }
}
