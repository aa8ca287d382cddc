package io.driftdeploy.aws;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.AccountStatus;
import software.amazon.awssdk.services.organizations.model.ChildNotFoundException;
import software.amazon.awssdk.services.organizations.model.Parent;
import software.amazon.awssdk.services.organizations.model.ParentType;

/**
 * An account's parents from AWS Organizations' ListParents, walked up to the root (ListParents
 * returns only the immediate parent: "ListParents", AWS Organizations API Reference). It can be
 * called only from the organization's management account or a delegated administrator, which is
 * where the central stack is deployed (docs/organization.md).
 *
 * <p>Kept per account for {@link #KEPT}: an organization's tree changes by hand, rarely, while a
 * drift storm may bring hundreds of events of one account in a minute. An account moved out of a
 * member unit is therefore still served for up to that long; its member role (deployed by the
 * unit's StackSet, which deletes the stack instance when an account leaves the unit) is what then
 * stops the functions.
 */
public final class OrganizationsTree implements OrganizationTree {

    static final Duration KEPT = Duration.ofMinutes(5);
    /** Organizations nests units at most five deep under the root ("Quotas for AWS Organizations"). */
    private static final int MAX_DEPTH = 6;

    private final OrganizationsClient organizations;
    private final Clock clock;
    /** Each account's parents, as last read. */
    private final Map<String, Known> parentsByAccount = new ConcurrentHashMap<>();
    /** The accounts under each list of units, as last read. */
    private final Map<List<String>, Known> accountsByUnits = new ConcurrentHashMap<>();

    /** What was read (ids of units or accounts), and until when it is believed. */
    private record Known(List<String> ids, Instant until) {
    }

    public OrganizationsTree(OrganizationsClient organizations, Clock clock) {
        this.organizations = organizations;
        this.clock = clock;
    }

    @Override
    @RequiresIam("organizations:ListParents")
    public List<String> parentsOf(String account) {
        return kept(parentsByAccount, account, () -> readParents(account));
    }

    /**
     * The rollouts' accounts: an image is rolled out in every member account that has a target
     * group, so the units are walked (ListOrganizationalUnitsForParent, ListAccountsForParent, every
     * page) and kept as {@link #parentsOf} is. Suspended accounts are left out: nothing can be
     * changed in them ("Account", AWS Organizations API Reference: Status ACTIVE, SUSPENDED,
     * PENDING_CLOSURE).
     */
    @Override
    @RequiresIam({"organizations:ListOrganizationalUnitsForParent", "organizations:ListAccountsForParent"})
    public List<String> accountsUnder(List<String> units) {
        return kept(accountsByUnits, List.copyOf(units), () -> readAccountsUnder(units));
    }

    /** What {@code cache} holds for {@code key} while it is believed, else what {@code read} reads now, kept for {@link #KEPT}. */
    private <K> List<String> kept(Map<K, Known> cache, K key, Supplier<List<String>> read) {
        Instant now = clock.instant();
        Known cached = cache.get(key);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.ids();
        }
        List<String> ids = read.get();
        cache.put(key, new Known(ids, now.plus(KEPT)));
        return ids;
    }

    private List<String> readAccountsUnder(List<String> units) {
        List<String> accounts = new ArrayList<>();
        List<String> parents = new ArrayList<>(units);
        for (int depth = 0; depth < MAX_DEPTH && !parents.isEmpty(); depth++) {
            List<String> children = new ArrayList<>();
            for (String parent : parents) {
                organizations.listAccountsForParentPaginator(request -> request.parentId(parent)).stream()
                        .flatMap(page -> page.accounts().stream())
                        .filter(account -> account.status() == AccountStatus.ACTIVE)
                        .forEach(account -> accounts.add(account.id()));
                organizations.listOrganizationalUnitsForParentPaginator(request -> request.parentId(parent)).stream()
                        .flatMap(page -> page.organizationalUnits().stream()).forEach(unit -> children.add(unit.id()));
            }
            parents = children;
        }
        return accounts.stream().distinct().toList();
    }

    private List<String> readParents(String account) {
        List<String> parents = new ArrayList<>();
        String child = account;
        try {
            for (int depth = 0; depth < MAX_DEPTH; depth++) {
                String from = child;
                List<Parent> found = organizations.listParents(request -> request.childId(from)).parents();
                if (found.isEmpty()) {
                    break;
                }
                Parent parent = found.get(0);
                parents.add(parent.id());
                if (parent.type() == ParentType.ROOT) {
                    break;
                }
                child = parent.id();
            }
        } catch (ChildNotFoundException notInTheOrganization) {
            return List.of();
        }
        return List.copyOf(parents);
    }
}
