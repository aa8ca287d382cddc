package io.driftdeploy.cli;

import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.DynamoDriftLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.Notifier;
import io.driftdeploy.aws.SnsNotifier;
import io.driftdeploy.config.Settings;
import io.driftdeploy.message.DriftReports;
import io.driftdeploy.message.Report;
import io.driftdeploy.policy.ChurnBreaker.Breaker;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.policy.RateScope;
import java.io.PrintStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * A person looked at a group whose churn breaker opened and fixed the launch template or image:
 * drift-deploy remediates there again. Each breaker cleared is audited and announced.
 */
@Command(
        name = "resume",
        aliases = "clear-breaker",
        mixinStandardHelpOptions = true,
        description = {
                "Close the churn breakers of an Auto Scaling group once a person has fixed the launch template or image that made",
                "drift-deploy's replacements drift again: for --rule, or for every drift rule the functions check",
                "(DRIFT_DEPLOY_DRIFT_RULES, and DRIFT_DEPLOY_DRIFT_RULE_PREFIX's rules in AWS Config). A breaker is deleted from the",
                "ledger only if it is still the one read (one opened again meanwhile stays), with the terminations it was opened",
                "for; each one cleared is written to the audit trail (drift-deploy history --group shows it) and announced on the",
                "SNS topic. Run again, it finds nothing to clear. The storm breaker is not closed: it pauses remediation only",
                "until its rate window ends, and closes by itself then (see docs/cli.md). clear-breaker is another name for this."},
        footer = {
                "",
                "Examples:",
                "  drift-deploy resume --group shop-blue",
                "  drift-deploy resume --group shop-blue --rule drift-deploy-ec2-imdsv2-check --table drift-deploy-ledger",
                "  drift-deploy resume --account 111122223333 --group shop-blue",
                "",
                "Settings come from the environment as for invoke (DRIFT_DEPLOY_TOPIC_ARN, DRIFT_DEPLOY_ACCOUNT_ID, ...).",
                "Exit status: 0 cleared, or no breaker was open; 1 AWS refused, a setting is missing, or a breaker was cleared",
                "and audited but its announcement failed; 2 usage error."})
final class ResumeCommand extends AwsCommand {

    @Option(names = "--group", required = true, paramLabel = "GROUP",
            description = "The Auto Scaling group's name; a member account's group with --account, or as the ledger keeps it, "
                    + "ACCOUNT/GROUP.")
    private String group;

    @Option(names = "--rule", paramLabel = "RULE",
            description = "Only the breaker for this AWS Config rule. Default: every drift rule's.")
    private String rule;

    @Mixin
    private LedgerTable table;

    @Mixin
    private AccountOptions account;

    @Override
    public Integer call() {
        account.chosen().filter(chosen -> group.startsWith(chosen.account() + "/")).ifPresent(chosen -> {
            throw usageError("--group names the group as its account knows it, without " + chosen.account()
                    + "/: with --account, pass --group " + group.substring(chosen.account().length() + 1));
        });
        Console console = console();
        PrintStream out = console.out();
        Map<String, String> environment = new HashMap<>(console.environment());
        environment.put(Settings.PREFIX + "TABLE", table.name(console));
        Settings settings = Settings.from(environment);
        AwsClients clients = aws.clients(console.environment());
        FleetAccount fleet = account.fleet(settings, clients);
        String ledgerGroup = fleet.ledgerGroup(group);
        List<String> rules;
        try {
            rules = rules(settings, fleet.clients());
        } catch (StsException refused) {
            throw fleet.notAssumed(refused);
        }
        Ledger ledger = new Ledger(clients.dynamoDb(), settings.tableName());
        DynamoDriftLedger drift = new DynamoDriftLedger(ledger);
        AuditTrail audit = AuditTrail.in(ledger, settings.auditRetention());
        Notifier notifier = new SnsNotifier(clients.sns(), settings.topicArn());

        int cleared = 0;
        for (String ruleName : rules) {
            Instant now = Instant.now();
            Optional<Breaker> breaker = drift.clearBreaker(ledgerGroup, ruleName,
                    open -> audit.entry(DriftReports.breakerCleared(fleet.id(), ledgerGroup, ruleName, open, now), now));
            if (breaker.isEmpty()) {
                continue;
            }
            cleared++;
            Report report = DriftReports.breakerCleared(fleet.id(), ledgerGroup, ruleName, breaker.get(), now);
            String what = "the churn breaker for rule " + ruleName + " in group " + ledgerGroup + " (opened at "
                    + breaker.get().openedAt() + " by " + breaker.get().instanceId() + ")";
            String messageId;
            try {
                messageId = notifier.publish(Notifier.render(report).orElseThrow());
            } catch (RuntimeException failure) {
                out.println("cleared   " + what + ", audited");
                out.flush();
                throw new CliFailure("cleared and audited " + what + ", but the announcement on " + settings.topicArn()
                        + " failed (" + Optional.ofNullable(Failures.describe(failure)).orElse(failure.toString())
                        + "): tell the team; running resume again finds nothing to clear");
            }
            out.println("cleared   " + what + ": drift-deploy remediates it again; audited, announced (message " + messageId + ")");
        }
        if (cleared == 0) {
            out.println("no churn breaker open in group " + ledgerGroup + " for rule" + (rules.size() == 1 ? " " : "s ")
                    + String.join(", ", rules) + ": nothing to clear");
        }
        stormNote(settings, drift, ledgerGroup, fleet.id()).ifPresent(out::println);
        out.flush();
        return 0;
    }

    /** The rule given, else every drift rule the functions check; none at all is a failure that names the settings. */
    private List<String> rules(Settings settings, AwsClients clients) {
        if (rule != null) {
            return List.of(rule);
        }
        List<String> rules = StatusReader.driftRules(settings, clients);
        if (rules.isEmpty()) {
            throw new CliFailure("no drift rules: pass --rule, or set " + Settings.PREFIX + "DRIFT_RULES or "
                    + Settings.PREFIX + "DRIFT_RULE_PREFIX as the functions have them");
        }
        return rules;
    }

    /** What resume leaves alone: the group's or its account's storm breaker, open until the window ends. */
    private static Optional<String> stormNote(Settings settings, DynamoDriftLedger drift, String ledgerGroup, String account) {
        Instant now = Instant.now();
        Instant windowStart = DriftPolicy.rateWindowStart(now, settings.drift().rateWindow());
        Instant windowEnd = windowStart.plus(settings.drift().rateWindow());
        boolean group = drift.windowUse(RateScope.GROUP, ledgerGroup, windowStart, now).circuitOpen();
        boolean accountOpen = drift.windowUse(RateScope.ACCOUNT, account, windowStart, now).circuitOpen();
        if (!group && !accountOpen) {
            return Optional.empty();
        }
        return Optional.of("left open: the storm breaker of the " + (group ? "group" : "account") + ", which pauses remediation"
                + " until " + windowEnd + " and closes by itself then; resume does not close it (docs/cli.md)");
    }
}
