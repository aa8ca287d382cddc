package io.driftdeploy.cli;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.cli.aws.AutoScalingGroups;
import io.driftdeploy.config.Settings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sts.model.StsException;

/** Where drift-deploy stands with each opted-in group now, computed by the functions' own rules. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
                "Show, for each group opted in to drift-deploy (the opt-in tag, or the app tag) or each --group: its mode and",
                "rollout strategy; its capacity floor, what remediation does (terminate or quarantine, replaced first or by a",
                "surge and whether it can), disruption budgets (drift, rollout) and rate limits with what is left in",
                "the current window; the storm breaker and the churn breakers and when they close; the instance refresh running",
                "and the pending image; the image it runs and the newest golden image with what the images function would decide",
                "for it; and its last decisions. Every verdict is the functions' own rule applied to what AWS and the ledger hold now, with the",
                "functions' settings from the environment (as for invoke). Reads only.",
                "With --account, the groups of that member account, read through its member role (or --role-arn), with the",
                "central ledger's records of them, as the functions read them for that account's events."},
        footer = {
                "",
                "Examples:",
                "  drift-deploy status",
                "  drift-deploy status --group shop-blue --group shop-green --last 10",
                "  drift-deploy status --account 111122223333 --group shop-blue",
                "",
                "Exit status: 0 shown; 1 AWS refused (or STS the role), a setting is missing, or a --group does not exist;",
                "2 usage error."})
final class StatusCommand extends AwsCommand {

    static final int MOST_DECISIONS = 100;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Only this Auto Scaling group (repeat for more). Default: every opted-in group.")
    private List<String> groups = new ArrayList<>();

    @Option(names = "--last", paramLabel = "N", defaultValue = "5",
            description = "Show each group's N newest decisions (default: ${DEFAULT-VALUE}, 0 for none, at most " + MOST_DECISIONS + ").")
    private int last;

    @Mixin
    private LedgerTable table;

    @Mixin
    private AccountOptions account;

    @Override
    public Integer call() {
        if (last < 0 || last > MOST_DECISIONS) {
            throw usageError("--last must be 0 to " + MOST_DECISIONS + ", got " + last);
        }
        // A bad --account or --role-arn is a usage error before any setting is read or AWS called.
        account.chosen();
        Console console = console();
        Map<String, String> environment = new HashMap<>(console.environment());
        environment.put(Settings.PREFIX + "TABLE", table.name(console));
        Settings settings = Settings.from(environment);
        AwsClients clients = aws.clients(console.environment());
        FleetAccount fleet = account.fleet(settings, clients);
        String where = fleet.chosen() ? " in account " + fleet.id() : "";
        List<AutoScalingGroups.Group> found;
        List<GroupStatus> statuses = new ArrayList<>();
        try {
            AutoScalingGroups directory = new AutoScalingGroups(fleet.clients().autoScaling());
            found = groups.isEmpty()
                    ? directory.optedIn(settings.drift().optInTag(), settings.rollout().appTag())
                    : directory.named(new LinkedHashSet<>(groups));
            StatusReader reader = new StatusReader(settings, clients, fleet, Instant.now());
            Progress progress = Progress.of(console, "status", Optional.of(found.size()));
            for (AutoScalingGroups.Group group : found) {
                progress.step(group.name());
                statuses.add(reader.read(group, last));
            }
            progress.end();
        } catch (StsException refused) {
            throw fleet.notAssumed(refused);
        }
        if (found.isEmpty() && groups.isEmpty()) {
            console.out().println("no group" + where + " is opted in: none carries " + settings.drift().optInTag() + " or a "
                    + settings.rollout().appTag() + " tag");
        }
        console.out().print(StatusTable.render(statuses, settings));
        console.out().flush();
        Set<String> missing = new LinkedHashSet<>(groups);
        found.forEach(group -> missing.remove(group.name()));
        if (!missing.isEmpty()) {
            throw new CliFailure("no Auto Scaling group named " + String.join(", ", missing) + where);
        }
        return 0;
    }
}
