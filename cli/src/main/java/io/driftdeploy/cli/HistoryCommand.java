package io.driftdeploy.cli;

import io.driftdeploy.cli.aws.AuditHistory;
import io.driftdeploy.cli.aws.AuditRecord;
import io.driftdeploy.cli.aws.TimeRange;
import io.driftdeploy.config.Settings;
import io.driftdeploy.policy.DriftPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What drift-deploy decided, and why, read back from the audit trail in the ledger. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = {
                "Show what drift-deploy decided and why, newest first, from the audit trail in the ledger: when, which function,",
                "about what, the decision, its reason, what was done to AWS and the event it was decided on. Choose one",
                "instance, group, image or app, or none for every record; --since and --until narrow it to a time range.",
                "An instance, group or image is read by key (DynamoDB Query); an app, or no choice, reads the whole table",
                "(Scan), which takes longer on a large ledger. --json prints every record with its summary and facts."},
        footer = {
                "",
                "Examples:",
                "  drift-deploy history --instance i-0123456789abcdef0 --table drift-deploy-ledger",
                "  drift-deploy history --group shop-blue --since -7d",
                "  drift-deploy history --group shop-blue --account 210987654321",
                "  drift-deploy history --image ami-0123456789abcdef0 --json",
                "  drift-deploy history --since 2025-06-12T09:00:00Z --until 2025-06-12T10:00:00Z --limit 200",
                "",
                "TIME is a UTC time like 2025-06-12T09:00:00Z, now, or an age like -30m, -2h, -7d.",
                "Records written before the history index existed are found by --instance and by the group or image",
                "they are about, not through another's (see docs/cli.md).",
                "Exit status: 0 shown (none found too); 1 AWS refused, or no table was given; 2 usage error."})
final class HistoryCommand extends AwsCommand {

    static final int MOST_RECORDS = 10_000;

    /** At most one of these: what the records are about. */
    static final class About {
        @Option(names = "--instance", paramLabel = "INSTANCE", description = "An EC2 instance id: its drift decisions.")
        String instance;

        @Option(names = "--group", paramLabel = "GROUP",
                description = "An Auto Scaling group: its rollouts, refreshes, breakers, storms and its instances' drift decisions.")
        String group;

        @Option(names = "--image", paramLabel = "AMI", description = "An AMI id: its rollouts to every group, refusals and bad marks.")
        String image;

        @Option(names = "--app", paramLabel = "APP", description = "An application (the app tag's value): the slow path, a Scan.")
        String app;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private About about;

    @Mixin
    private LedgerTable table;

    @Option(names = "--account", paramLabel = "ACCOUNT",
            description = "With --group: only the group of that name in this account (12 digits), as the functions file its "
                    + "records: its instances' decisions that name the account, and the group's own, kept as ACCOUNT/GROUP for "
                    + "a member. Reads the functions' settings, whose " + Settings.PREFIX + "ACCOUNT_ID is the central account. "
                    + "Default: the groups of that name in every account.")
    private String account;

    @Option(names = "--since", paramLabel = "TIME", converter = TimeArgument.class,
            description = "Only records from this time on. Default: the oldest kept.")
    private Instant since;

    @Option(names = "--until", paramLabel = "TIME", converter = TimeArgument.class,
            description = "Only records up to this time. Default: the newest.")
    private Instant until;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "Show the newest N records (default: ${DEFAULT-VALUE}, at most " + MOST_RECORDS + ").")
    private int limit;

    @Option(names = "--json", description = "Print one JSON array of the records, each with its summary and facts.")
    private boolean json;

    @Override
    public Integer call() {
        if (limit < 1 || limit > MOST_RECORDS) {
            throw usageError("--limit must be 1 to " + MOST_RECORDS + ", got " + limit);
        }
        if (since != null && until != null && since.isAfter(until)) {
            throw usageError("--since (" + since + ") must not be after --until (" + until + ")");
        }
        if (account != null && (about == null || about.group == null)) {
            throw usageError("--account needs --group: the account whose group of that name is shown");
        }
        if (account != null) {
            AccountOptions.accountId(account, this::usageError);
        }
        Console console = console();
        AuditHistory history = new AuditHistory(aws.clients(console.environment()).dynamoDb(), table.name(console));
        TimeRange range = new TimeRange(Optional.ofNullable(since), Optional.ofNullable(until));
        if (readsTheWholeTable()) {
            console.err().println("reading every item of the ledger (Scan): this takes longer the larger the table");
        }
        List<AuditRecord> records = read(history, range);
        console.out().print(json ? HistoryJson.render(records) : records.isEmpty() ? "no audit records found" + System.lineSeparator()
                : HistoryTable.render(records));
        if (records.size() == limit) {
            console.err().println("the newest " + limit + " shown; --limit or --until for more");
        }
        return 0;
    }

    private boolean readsTheWholeTable() {
        return about == null || about.app != null;
    }

    private List<AuditRecord> read(AuditHistory history, TimeRange range) {
        if (about == null) {
            return history.scan(range, Optional.empty(), limit);
        }
        if (about.instance != null) {
            return history.about(about.instance, range, limit);
        }
        if (about.group != null && account != null) {
            String central = Settings.from(console().environment()).accountId();
            return history.groupIn(account, !account.equals(central), about.group,
                    DriftPolicy.ledgerGroup(account, central, about.group), range, limit);
        }
        if (about.group != null) {
            return history.group(about.group, range, limit);
        }
        if (about.image != null) {
            return history.image(about.image, range, limit);
        }
        return history.scan(range, Optional.of(about.app), limit);
    }
}
