package io.driftdeploy.cli;

import io.driftdeploy.aws.DynamoDriftLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.message.DriftReports;
import io.driftdeploy.message.Report;
import io.driftdeploy.policy.ChurnBreaker.Breaker;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A person fixed what made the replacements drift again, and lets drift-deploy remediate the rule in the group again. */
@Command(
        name = "clear-breaker",
        mixinStandardHelpOptions = true,
        description = {
                "Clear the churn breaker of an Auto Scaling group and AWS Config rule, once the launch template or image",
                "that made drift-deploy's replacements drift again is fixed. The breaker is deleted from the ledger only if",
                "it is still the one read (a breaker opened again meanwhile stays), with the terminations it was opened for,",
                "and the clearing is written to the audit trail (AUDIT#<group>). Instead of this command, the group tag",
                "drift-deploy:churn-cleared=<UTC time> clears every breaker of the group opened before that time."},
        footer = {
                "",
                "Example:",
                "  drift-deploy clear-breaker --group shop-blue --rule drift-deploy-ec2-imdsv2-check --table drift-deploy-ledger",
                "",
                "Exit status: 0 cleared, or no breaker was open; 1 AWS refused, or no table was given; 2 usage error."})
final class ClearBreakerCommand extends ClearCommand<Breaker> {

    @Option(names = "--group", required = true, paramLabel = "GROUP", description = "The Auto Scaling group's name.")
    private String group;

    @Option(names = "--rule", required = true, paramLabel = "RULE", description = "The AWS Config rule's name.")
    private String rule;

    @Override
    Optional<Breaker> clear(Ledger ledger) {
        return new DynamoDriftLedger(ledger).clearBreaker(group, rule);
    }

    @Override
    String nothingToClear() {
        return "no churn breaker open for rule " + rule + " in group " + group;
    }

    @Override
    Report clearing(Breaker breaker, Instant now) {
        return DriftReports.breakerCleared(group, rule, breaker, now);
    }

    @Override
    String cleared(Breaker breaker) {
        return "the churn breaker for rule " + rule + " in group " + group + " (opened at " + breaker.openedAt() + " by "
                + breaker.instanceId() + "): drift-deploy remediates it again";
    }
}
