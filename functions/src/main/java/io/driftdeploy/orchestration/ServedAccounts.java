package io.driftdeploy.orchestration;

import io.driftdeploy.aws.AccountClients;
import io.driftdeploy.aws.OrganizationTree;
import io.driftdeploy.aws.OrganizationsTree;
import io.driftdeploy.config.Settings;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Every account a function serves, for what goes through all of them (a golden image's rollout,
 * the drift alarm's sweep): its own account first, then the member accounts listed, then the
 * accounts AWS Organizations places under the member units, as known now (docs/organization.md).
 */
final class ServedAccounts {

    private ServedAccounts() {
    }

    static Supplier<List<String>> of(Settings settings, AccountClients clients, Clock clock) {
        Settings.Members members = settings.members();
        List<String> listed = Stream.concat(Stream.of(settings.accountId()), members.accounts().stream()).distinct().toList();
        if (members.organizationUnits().isEmpty()) {
            return () -> listed;
        }
        OrganizationTree tree = new OrganizationsTree(clients.in(settings.accountId()).organizations(), clock);
        return () -> Stream.concat(listed.stream(), tree.accountsUnder(members.organizationUnits()).stream()).distinct().toList();
    }
}
