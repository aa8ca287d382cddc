package io.driftdeploy.config;

import io.driftdeploy.settings.InvalidSettingException;
import io.driftdeploy.settings.Setting;
import io.driftdeploy.settings.SettingReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every setting drift-deploy reads, parsed and validated once at init from the environment.
 * A missing or malformed value fails with a {@link SettingsException} naming the variable.
 *
 * @param accountId      the function's own account, known at init (the stack's AWS::AccountId), never
 *                       taken from an event: it and the member accounts are the only ones served, and
 *                       the organization-wide guards are kept under it
 * @param mode           the global mode; a group's mode tag overrides it
 * @param dryRunForced   a person asked for a dry run (the CLI's --dry-run): no group tag can
 *                       turn that back into enforce
 * @param auditRetention how long an audit record is kept in the ledger before TTL deletes it
 * @param members        the other accounts the functions act in (docs/organization.md)
 */
public record Settings(
        String topicArn,
        String tableName,
        String accountId,
        Mode mode,
        boolean dryRunForced,
        String modeTag,
        Drift drift,
        Rollout rollout,
        Alarms alarms,
        Duration auditRetention,
        Members members) {

    public static final String PREFIX = Setting.ENVIRONMENT_PREFIX;
    /** The golden-image tag by default: the CDK app's {@code goldenImageTag} default, which the drift rule checks. */
    public static final String DEFAULT_GOLDEN_IMAGE_TAG = Setting.GOLDEN_IMAGE_TAG_DEFAULT;

    /**
     * Which Config rules count as drift, and the guards a termination must pass.
     *
     * @param templateInheritedRules Config rules whose drift comes with the image: a replacement
     *                               launched from the instance's own image brings it back
     * @param goldenImageTag         the tag that approves an image, when an APPROVED_AMIS_BY_TAG rule
     *                               names none of its own
     * @param budgetTag              the tag key of a group's disruption budgets
     * @param defaultBudgets         the budgets of a group without budget tags, unparsed: a malformed one
     *                               stops remediation in those groups rather than the function's start
     * @param replacementTag         the tag key by which a group chooses how its drifted instances are replaced
     * @param defaultReplacement     how drifted instances of a group without that tag are replaced
     * @param quarantine             how a group that chose quarantine has its drifted instances quarantined
     */
    public record Drift(
            List<String> ruleNames,
            Optional<String> rulePrefix,
            TagMatcher optInTag,
            String protectTag,
            int minHealthyPercent,
            String minHealthyTag,
            int maxTerminationsPerGroup,
            int maxTerminationsPerAccount,
            int maxTerminationsPerOrganization,
            Duration rateWindow,
            List<String> templateInheritedRules,
            TagMatcher goldenImageTag,
            String budgetTag,
            List<String> defaultBudgets,
            String replacementTag,
            ReplacementStrategy defaultReplacement,
            Quarantine quarantine) {

        public boolean isDriftRule(String configRuleName) {
            return ruleNames.contains(configRuleName)
                    || rulePrefix.map(configRuleName::startsWith).orElse(false);
        }

        /** drift and alarms need to know the drift rules; images and refreshes do not. */
        public void requireRules() {
            if (ruleNames.isEmpty() && rulePrefix.isEmpty()) {
                throw new SettingsException(PREFIX + "DRIFT_RULES",
                        "set it (comma list of AWS Config rule names) or " + PREFIX + "DRIFT_RULE_PREFIX");
            }
        }
    }

    /**
     * Quarantine instead of termination (docs/quarantine.md).
     *
     * @param actionTag              the group tag key that chooses {@code terminate} or {@code quarantine}
     * @param keepTag                the instance tag key a person sets to keep a quarantined instance
     * @param retention              how long a quarantined instance is kept before it is terminated
     * @param securityGroupsByVpc    the quarantine security group of each VPC the stack made one in
     */
    public record Quarantine(String actionTag, String keepTag, Duration retention, Map<String, String> securityGroupsByVpc) {
        public Quarantine {
            securityGroupsByVpc = Map.copyOf(securityGroupsByVpc);
        }
    }

    /**
     * How golden images are validated and rolled out.
     *
     * @param trustedAccounts the accounts whose images may be rolled out: {@code DRIFT_DEPLOY_TRUSTED_ACCOUNTS},
     *     or else the function's own account, never an account an event names
     * @param goldenImageTag the tag a golden image must carry to be rolled out: the same tag the
     *     drift rule (AWS Config APPROVED_AMIS_BY_TAG) requires of every instance's AMI, so that an
     *     image rolled out never makes its own instances drift
     * @param minHealthyTag the group tag whose value (0 to 100) replaces {@code minHealthyPercent}
     *     for that group
     */
    public record Rollout(
            String appTag,
            String strategyTag,
            List<String> trustedAccounts,
            String guardAlarmsTag,
            List<String> guardAlarms,
            int minHealthyPercent,
            String minHealthyTag,
            int instanceWarmupSeconds,
            TagMatcher goldenImageTag) {
    }

    /**
     * The accounts besides its own that the functions act in, each through the role
     * {@code roleName} there (docs/organization.md).
     *
     * @param accounts          member accounts listed by id
     * @param organizationUnits organization units (or the root) whose accounts, at any depth, are members too
     * @param roleName          the member role's name, the same in every member account
     */
    public record Members(List<String> accounts, List<String> organizationUnits, String roleName) {
        public Members {
            accounts = List.copyOf(accounts);
            organizationUnits = List.copyOf(organizationUnits);
        }

        /** True when the functions act in their own account only, as before organizations. */
        public boolean none() {
            return accounts.isEmpty() && organizationUnits.isEmpty();
        }
    }

    /** Which CloudWatch alarms mean "drift" and trigger a sweep. */
    public record Alarms(List<String> driftAlarmNames, Optional<String> driftAlarmPrefix) {
        public boolean isDriftAlarm(String alarmName) {
            return driftAlarmNames.contains(alarmName)
                    || driftAlarmPrefix.map(alarmName::startsWith).orElse(false);
        }
    }

    public static Settings fromEnvironment() {
        return from(System.getenv());
    }

    /**
     * Reads every setting by its one definition ({@link Setting}: default, type, range), which the
     * CDK app reads its context by too; a malformed value is a {@link SettingsException} naming the variable.
     */
    public static Settings from(Map<String, String> env) {
        return readEnvironment(env, Settings::read);
    }

    private static Settings read(SettingReader read) {
        String topicArn = read.text(Setting.TOPIC_ARN);
        String tableName = read.text(Setting.TABLE);
        String accountId = read.text(Setting.ACCOUNT_ID);
        int minHealthy = read.integer(Setting.MIN_HEALTHY_PERCENT);
        String minHealthyTag = read.text(Setting.MIN_HEALTHY_TAG);
        TagMatcher goldenImageTag = tag(read, Setting.GOLDEN_IMAGE_TAG);
        List<String> trustedAccounts = read.list(Setting.TRUSTED_ACCOUNTS);
        Drift drift = new Drift(
                read.list(Setting.DRIFT_RULES),
                read.optionalText(Setting.DRIFT_RULE_PREFIX),
                tag(read, Setting.OPT_IN_TAG),
                read.text(Setting.PROTECT_TAG),
                minHealthy,
                minHealthyTag,
                read.integer(Setting.MAX_TERMINATIONS_PER_GROUP),
                read.integer(Setting.MAX_TERMINATIONS_PER_ACCOUNT),
                read.integer(Setting.MAX_TERMINATIONS_PER_ORGANIZATION),
                Duration.ofMinutes(read.integer(Setting.RATE_WINDOW_MINUTES)),
                read.list(Setting.TEMPLATE_INHERITED_RULES),
                goldenImageTag,
                read.text(Setting.BUDGET_TAG),
                read.list(Setting.DEFAULT_BUDGETS),
                read.text(Setting.REPLACEMENT_TAG),
                ReplacementStrategy.parse(read.text(Setting.DEFAULT_REPLACEMENT)).orElseThrow(),
                new Quarantine(
                        read.text(Setting.ACTION_TAG),
                        read.text(Setting.KEEP_TAG),
                        Duration.ofDays(read.integer(Setting.QUARANTINE_RETENTION_DAYS)),
                        securityGroupsByVpc(read.list(Setting.QUARANTINE_SECURITY_GROUPS))));
        Rollout rollout = new Rollout(
                read.text(Setting.APP_TAG),
                read.text(Setting.STRATEGY_TAG),
                trustedAccounts.isEmpty() ? List.of(accountId) : trustedAccounts,
                read.text(Setting.GUARD_ALARMS_TAG),
                read.list(Setting.GUARD_ALARMS),
                minHealthy,
                minHealthyTag,
                read.integer(Setting.INSTANCE_WARMUP_SECONDS),
                goldenImageTag);
        Alarms alarms = new Alarms(read.list(Setting.DRIFT_ALARMS), read.optionalText(Setting.DRIFT_ALARM_PREFIX));
        return new Settings(
                topicArn,
                tableName,
                accountId,
                Mode.parse(read.text(Setting.MODE)).orElseThrow(),
                false,
                read.text(Setting.MODE_TAG),
                drift,
                rollout,
                alarms,
                auditRetention(read),
                new Members(read.list(Setting.MEMBER_ACCOUNTS), read.list(Setting.MEMBER_ORGANIZATION_UNITS),
                        read.text(Setting.MEMBER_ROLE_NAME)));
    }

    /**
     * {@code DRIFT_DEPLOY_GOLDEN_IMAGE_TAG} alone ({@code key=value}): publish-image writes this tag onto
     * the AMI, and the drift rule is configured with the same pair. Read by the CLI too, which has no
     * topic or table.
     */
    public static TagMatcher goldenImageTag(Map<String, String> env) {
        return readEnvironment(env, read -> tag(read, Setting.GOLDEN_IMAGE_TAG));
    }

    /**
     * {@code DRIFT_DEPLOY_AUDIT_RETENTION_DAYS} alone: the CLI writes audit records too (a person
     * clearing a guard) and keeps them as long as the functions keep theirs.
     */
    public static Duration auditRetention(Map<String, String> env) {
        return readEnvironment(env, Settings::auditRetention);
    }

    /** {@code DRIFT_DEPLOY_SWEEP_QUEUE_URL} alone: only the sweep function has a queue. */
    public static String sweepQueueUrl(Map<String, String> env) {
        return readEnvironment(env, read -> read.text(Setting.SWEEP_QUEUE_URL));
    }

    /** What {@code reading} reads from {@code env}; a malformed value is a {@link SettingsException} naming the variable. */
    private static <T> T readEnvironment(Map<String, String> env, Function<SettingReader, T> reading) {
        try {
            return reading.apply(SettingReader.environment(env::get));
        } catch (InvalidSettingException e) {
            throw new SettingsException(e.name(), e.problem());
        }
    }

    private static Duration auditRetention(SettingReader read) {
        return Duration.ofDays(read.integer(Setting.AUDIT_RETENTION_DAYS));
    }

    /** {@code vpc-id=sg-id} pairs, one security group per VPC. */
    private static Map<String, String> securityGroupsByVpc(List<String> pairs) {
        String variable = Setting.QUARANTINE_SECURITY_GROUPS.environmentVariable().orElseThrow();
        Map<String, String> groups = new java.util.LinkedHashMap<>();
        for (String pair : pairs) {
            String[] parts = pair.split("=", -1);
            if (parts.length != 2 || !parts[0].startsWith("vpc-") || !parts[1].startsWith("sg-")) {
                throw new SettingsException(variable, "'" + pair + "' is not vpc-id=sg-id");
            }
            if (groups.put(parts[0], parts[1]) != null) {
                throw new SettingsException(variable, "VPC " + parts[0] + " is listed twice");
            }
        }
        return groups;
    }

    private static TagMatcher tag(SettingReader read, Setting setting) {
        return TagMatcher.parse(setting.environmentVariable().orElseThrow(), read.text(setting));
    }

    /** The same settings in a dry run that no group's mode tag overrides, as {@code --dry-run} asks. */
    public Settings forceDryRun() {
        return new Settings(topicArn, tableName, accountId, Mode.DRY_RUN, true, modeTag, drift, rollout, alarms, auditRetention,
                members);
    }
}
