package io.driftdeploy.cli;

import io.driftdeploy.aws.AccountClients;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.config.Settings;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * --account and --role-arn, for the commands that read a member account's fleet (docs/organization.md):
 * the fleet is read there through a role, while the ledger stays the central account's, its records of
 * the member's groups under {@code <account>/<group>}. Checked before any AWS call.
 */
final class AccountOptions {

    /** The role session's name: a member's CloudTrail says the CLI made the calls ("AssumeRole", AWS STS API Reference). */
    static final String SESSION = "cli";

    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    /** An IAM role's ARN, with its account: arn:partition:iam::account:role/path/name ("IAM identifiers", IAM User Guide, "IAM ARNs"). */
    private static final Pattern ROLE_ARN = Pattern.compile("arn:[a-z-]+:iam::(\\d{12}):role/[\\w+=,.@/-]{1,512}");

    @Spec(Spec.Target.MIXEE)
    private CommandLine.Model.CommandSpec command;

    @Option(names = "--account", paramLabel = "ACCOUNT",
            description = "Read the groups of this member account (12 digits) through the member role there; the ledger is "
                    + "still the central account's, where the member's groups are kept as ACCOUNT/GROUP. Default: the central "
                    + "account (" + Settings.PREFIX + "ACCOUNT_ID), with the caller's own credentials.")
    private String account;

    @Option(names = "--role-arn", paramLabel = "ARN",
            description = "With --account: assume this role in that account instead of the member role (which trusts the "
                    + "central functions' roles, not people).")
    private String roleArn;

    /** The account asked for, if any, with the role to assume there, if given; a usage error names the option at fault. */
    Optional<Chosen> chosen() {
        if (account == null) {
            if (roleArn != null) {
                throw usageError("--role-arn needs --account: the account whose groups are read through it");
            }
            return Optional.empty();
        }
        accountId(account, this::usageError);
        if (roleArn == null) {
            return Optional.of(new Chosen(account, Optional.empty()));
        }
        Matcher arn = ROLE_ARN.matcher(roleArn);
        if (!arn.matches()) {
            throw usageError("--role-arn must be an IAM role's ARN, arn:PARTITION:iam::ACCOUNT:role/NAME, got '" + roleArn + "'");
        }
        if (!arn.group(1).equals(account)) {
            throw usageError("--role-arn names a role in account " + arn.group(1) + ", not in --account " + account
                    + ": the groups read are the role's account's");
        }
        return Optional.of(new Chosen(account, Optional.of(roleArn)));
    }

    /** {@code account}, when it is an AWS account id; else the usage error naming --account. */
    static String accountId(String account, Function<String, CommandLine.ParameterException> usageError) {
        if (!ACCOUNT_ID.matcher(account).matches()) {
            throw usageError.apply("--account must be a 12-digit AWS account id, got '" + account + "'");
        }
        return account;
    }

    /**
     * The account whose fleet is read: the central account with the caller's credentials when none
     * was chosen (or the central one was), else the chosen member through its role. The role is
     * assumed at the first call there, none before.
     */
    FleetAccount fleet(Settings settings, AwsClients central) {
        Optional<Chosen> chosen = chosen();
        if (chosen.isEmpty()) {
            return new FleetAccount(settings.accountId(), false, central, Optional.empty(), settings.accountId());
        }
        String id = chosen.get().account();
        AccountClients accounts = new AccountClients(central, settings, SESSION);
        Optional<String> role = chosen.get().roleArn()
                .or(() -> id.equals(settings.accountId()) ? Optional.empty() : Optional.of(accounts.roleArn(id)));
        return new FleetAccount(id, true, role.map(accounts::assuming).orElse(central), role, settings.accountId());
    }

    private CommandLine.ParameterException usageError(String message) {
        return new CommandLine.ParameterException(command.commandLine(), message);
    }

    /** What --account and --role-arn say, checked. */
    record Chosen(String account, Optional<String> roleArn) {
    }
}
