package io.driftdeploy.infra;

import io.driftdeploy.settings.InvalidSettingException;
import io.driftdeploy.settings.Setting;
import io.driftdeploy.settings.SettingReader;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Every deploy-time setting of the app, read once from CDK context ({@code -c key=value} or
 * {@code cdk.json}), by the definitions in {@link Setting} (docs/settings.md lists them all).
 *
 * <p>Reading is strict: a value that does not parse or is out of range fails synth with a message
 * that names the context key, so a typo never deploys a default silently.
 */
public record Settings(
        String stackPrefix,
        String functionsJar,
        List<String> notificationEmails,
        List<String> alarmTopicArns,
        // function settings the stack itself uses too (IAM conditions, event patterns, tags)
        String mode,
        String modeTag,
        TagPair optInTag,
        String protectTag,
        String appTag,
        String strategyTag,
        String guardAlarmsTag,
        String minHealthyTag,
        List<String> guardAlarms,
        List<String> trustedAccounts,
        int minHealthyPercent,
        int maxTerminationsPerGroup,
        int maxTerminationsPerAccount,
        int rateWindowMinutes,
        int instanceWarmupSeconds,
        // drift detection
        String driftRulePrefix,
        List<String> driftRuleNames,
        String driftAlarmName,
        String driftAlarmPrefix,
        String alarmNamePrefix,
        TagPair goldenImageTag,
        String blacklistedInventoryNames,
        boolean createConfigRecorder,
        // functions and their plumbing
        int functionMemoryMb,
        int functionTimeoutSeconds,
        int sweepTimeoutSeconds,
        String sweepSchedule,
        int sweepMaxConcurrency,
        String javaToolOptions,
        RetentionDays logRetention,
        int targetRetryAttempts,
        int targetMaxEventAgeMinutes,
        int archiveRetentionDays,
        String goldenImageEventSource,
        List<String> instanceRoleArns,
        String instanceRolePath,
        List<String> apps,
        List<String> quarantineVpcs,
        // an organization: the member accounts the functions act in, and how the members are set up
        List<String> memberAccounts,
        List<String> memberOrganizationUnits,
        String memberRoleName,
        String organizationId,
        String memberOf,
        String stackSetCallAs,
        // example fleet
        boolean exampleFleet,
        String fleetAppName,
        String goldenAmiId,
        String goldenAmiParameter,
        String fleetInstanceType,
        boolean fleetBlueActive,
        int fleetMinSize,
        int fleetDesiredCapacity,
        int fleetMaxSize,
        // every function setting from context, under the variable the functions read it from
        Map<String, String> functionEnvironment) {

    private static final Pattern CONFIG_RULE_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern AMI_ID = Pattern.compile("ami-[0-9a-f]{8,17}");
    /** What CloudFormation accepts as a stack name; the prefix also starts topic, rule and alarm names. */
    private static final Pattern STACK_PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,63}");
    /**
     * The longest prefix that leaves room for the names it starts when serving an organization,
     * each at most 64 characters: the longest function role name, {@code <prefix>-refreshes-function}
     * (IAM role names, DriftDeployFunction.roleName), and the longest forwarding rule name,
     * {@code <prefix>-ImageBuilderAvailable} (EventBridge rule names, MemberStack).
     */
    static final int ORGANIZATION_STACK_PREFIX_MAX = 42;
    /** An IAM path: starts and ends with '/' (IAM identifiers, "Friendly names and paths"). */
    private static final Pattern IAM_PATH = Pattern.compile("/([A-Za-z0-9+=,.@_-]+/)+");

    /**
     * Reads and validates all settings by their one definition ({@link Setting}: default, type,
     * range), the same the functions read their environment by; {@code context} answers a key with
     * its raw value or null.
     */
    public static Settings from(Function<String, Object> context) {
        try {
            return read(SettingReader.context(context));
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException("context '" + e.name() + "' " + e.problem(), e);
        }
    }

    private static Settings read(SettingReader r) {
        // Names an account can hold only once derive from the prefix, so two installs never collide.
        String stackPrefix = r.text(Setting.STACK_PREFIX);
        UnaryOperator<String> prefixed = value -> value.replace(Setting.STACK_PREFIX_PLACEHOLDER, stackPrefix);
        Settings s = new Settings(
                stackPrefix,
                r.text(Setting.FUNCTIONS_JAR),
                r.list(Setting.NOTIFICATION_EMAILS),
                r.list(Setting.ALARM_TOPIC_ARNS),
                r.text(Setting.MODE),
                r.text(Setting.MODE_TAG),
                TagPair.parse(r.text(Setting.OPT_IN_TAG)),
                r.text(Setting.PROTECT_TAG),
                r.text(Setting.APP_TAG),
                r.text(Setting.STRATEGY_TAG),
                r.text(Setting.GUARD_ALARMS_TAG),
                r.text(Setting.MIN_HEALTHY_TAG),
                r.list(Setting.GUARD_ALARMS),
                r.list(Setting.TRUSTED_ACCOUNTS),
                r.integer(Setting.MIN_HEALTHY_PERCENT),
                r.integer(Setting.MAX_TERMINATIONS_PER_GROUP),
                r.integer(Setting.MAX_TERMINATIONS_PER_ACCOUNT),
                r.integer(Setting.RATE_WINDOW_MINUTES),
                r.integer(Setting.INSTANCE_WARMUP_SECONDS),
                r.optionalText(Setting.DRIFT_RULE_NAME_PREFIX).map(prefixed).orElse(""),
                r.list(Setting.DRIFT_RULE_NAMES),
                prefixed.apply(r.text(Setting.DRIFT_ALARM_NAME)),
                r.optionalText(Setting.DRIFT_ALARM_PREFIX).orElse(""),
                prefixed.apply(r.text(Setting.ALARM_NAME_PREFIX)),
                TagPair.parse(r.text(Setting.GOLDEN_IMAGE_TAG)),
                r.text(Setting.BLACKLISTED_INVENTORY_NAMES),
                r.bool(Setting.CREATE_CONFIG_RECORDER),
                r.integer(Setting.FUNCTION_MEMORY_MB),
                r.integer(Setting.FUNCTION_TIMEOUT_SECONDS),
                r.integer(Setting.SWEEP_TIMEOUT_SECONDS),
                r.optionalText(Setting.SWEEP_SCHEDULE).orElse(""),
                r.integer(Setting.SWEEP_MAX_CONCURRENCY),
                r.text(Setting.JAVA_TOOL_OPTIONS),
                retention(r.text(Setting.LOG_RETENTION)),
                r.integer(Setting.TARGET_RETRY_ATTEMPTS),
                r.integer(Setting.TARGET_MAX_EVENT_AGE_MINUTES),
                r.integer(Setting.ARCHIVE_RETENTION_DAYS),
                r.text(Setting.GOLDEN_IMAGE_EVENT_SOURCE),
                r.list(Setting.INSTANCE_ROLE_ARNS),
                r.text(Setting.INSTANCE_ROLE_PATH),
                r.list(Setting.APPS),
                r.list(Setting.QUARANTINE_VPCS),
                r.list(Setting.MEMBER_ACCOUNTS),
                r.list(Setting.MEMBER_ORGANIZATION_UNITS),
                r.text(Setting.MEMBER_ROLE_NAME),
                r.optionalText(Setting.ORGANIZATION_ID).orElse(""),
                r.optionalText(Setting.MEMBER_OF).orElse(""),
                r.text(Setting.STACK_SET_CALL_AS),
                r.bool(Setting.EXAMPLE_FLEET),
                r.text(Setting.FLEET_APP_NAME),
                r.optionalText(Setting.GOLDEN_AMI_ID).orElse(""),
                r.text(Setting.GOLDEN_AMI_PARAMETER),
                r.text(Setting.FLEET_INSTANCE_TYPE),
                r.bool(Setting.FLEET_BLUE_ACTIVE),
                r.integer(Setting.FLEET_MIN_SIZE),
                r.integer(Setting.FLEET_DESIRED_CAPACITY),
                r.integer(Setting.FLEET_MAX_SIZE),
                functionEnvironment(r));
        s.validateCombinations();
        return s;
    }

    /** Sorted, so that the synthesized template is the same on every run. */
    private static Map<String, String> functionEnvironment(SettingReader r) {
        Map<String, String> env = new TreeMap<>();
        for (Setting setting : Setting.passedFromContext()) {
            r.asEnvironmentValue(setting).ifPresent(value -> env.put(setting.environmentVariable().orElseThrow(), value));
        }
        return Collections.unmodifiableMap(env);
    }

    private static RetentionDays retention(String name) {
        try {
            return RetentionDays.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(Setting.LOG_RETENTION.contextKey().orElseThrow(), "must be one of "
                    + Arrays.toString(RetentionDays.values()) + ", got '" + name + "'");
        }
    }

    /**
     * Name of an AWS Config rule this app creates: the managed rule's usual name (the seed's, for its
     * inventory rule) behind a prefix, by default {@code <stackPrefix>-}; an empty prefix gives the
     * seed's names.
     */
    public String driftRuleName(String suffix) {
        return driftRulePrefix + suffix;
    }

    /**
     * The accounts whose images the functions may roll out, and the images and refreshes roles may
     * launch (ec2:Owner): {@code trustedAccounts}, else the account the functions run in,
     * {@code functionsAccount} (a deploy-time token: the stack's own account, or in a member the central one).
     */
    public List<String> trustedImageOwners(String functionsAccount) {
        return trustedAccounts.isEmpty() ? List.of(functionsAccount) : trustedAccounts;
    }

    /** Whether the functions act in member accounts too: {@code memberAccounts} or {@code memberOrganizationUnits} set. */
    public boolean servesOrganization() {
        return !memberAccounts.isEmpty() || !memberOrganizationUnits.isEmpty();
    }

    /** Whether this synth is the member stack alone, for the member account a deploy runs in ({@code memberOf}). */
    public boolean synthesizesMemberOnly() {
        return !memberOf.isEmpty();
    }

    /** The notifications topic's name; its ARN follows from it, so no stack imports it. */
    public String topicName() {
        return stackPrefix + "-notifications";
    }

    /** The topic key's alias; the functions' key grant is conditioned on it (kms:ResourceAliases). */
    public String topicKeyAlias() {
        return "alias/" + stackPrefix + "-notifications";
    }

    private void validateCombinations() {
        for (String vpc : quarantineVpcs) {
            if (!vpc.matches("vpc-[0-9a-f]{8,17}")) {
                throw new IllegalArgumentException("context 'quarantineVpcs' holds '" + vpc + "', which is not a VPC id");
            }
        }
        if (quarantineVpcs.stream().distinct().count() != quarantineVpcs.size()) {
            throw new IllegalArgumentException("context 'quarantineVpcs' lists a VPC twice");
        }
        if (!STACK_PREFIX.matcher(stackPrefix).matches()) {
            throw new IllegalArgumentException("context 'stackPrefix' must start with a letter and hold only letters, "
                    + "digits and '-' (at most 64), as CloudFormation stack names do, got '" + stackPrefix + "'");
        }
        if ((servesOrganization() || synthesizesMemberOnly()) && organizationId.isEmpty()) {
            throw new IllegalArgumentException("context 'organizationId' is required with 'memberAccounts', "
                    + "'memberOrganizationUnits' or 'memberOf': the bus policy and the member role admit only that "
                    + "organization (o-...)");
        }
        if ((servesOrganization() || synthesizesMemberOnly()) && stackPrefix.length() > ORGANIZATION_STACK_PREFIX_MAX) {
            throw new IllegalArgumentException("context 'stackPrefix' must be at most " + ORGANIZATION_STACK_PREFIX_MAX
                    + " characters when serving an organization (it starts the function roles' names, which member "
                    + "roles trust, and the member accounts' forwarding rules' names, both at most 64), got '"
                    + stackPrefix + "'");
        }
        if (!IAM_PATH.matcher(instanceRolePath).matches()) {
            throw new IllegalArgumentException("context 'instanceRolePath' must be an IAM path such as /drift-deploy/ "
                    + "(starts and ends with '/'), got '" + instanceRolePath + "'");
        }
        if (!driftRulePrefix.isEmpty() && !CONFIG_RULE_NAME.matcher(driftRulePrefix).matches()) {
            throw new IllegalArgumentException("context 'driftRulePrefix' must be letters, digits, '-' or '_' "
                    + "(it prefixes AWS Config rule names), got '" + driftRulePrefix + "'");
        }
        if (goldenImageTag.key().contains(":")) {
            // APPROVED_AMIS_BY_TAG takes "key:value" pairs, so a colon inside the key is ambiguous.
            throw new IllegalArgumentException("context 'goldenImageTag' key must not contain ':' "
                    + "(AWS Config's approved-amis-by-tag rule reads it as key:value), got '" + goldenImageTag + "'");
        }
        if (!goldenAmiId.isEmpty() && !AMI_ID.matcher(goldenAmiId).matches()) {
            throw new IllegalArgumentException("context 'goldenAmiId' must look like ami-0123456789abcdef0, got '"
                    + goldenAmiId + "'");
        }
        if (!(fleetMinSize <= fleetDesiredCapacity && fleetDesiredCapacity <= fleetMaxSize)) {
            throw new IllegalArgumentException("context fleet sizes must satisfy fleetMinSize <= fleetDesiredCapacity"
                    + " <= fleetMaxSize, got " + fleetMinSize + " <= " + fleetDesiredCapacity + " <= " + fleetMaxSize);
        }
    }

    /** A tag key and value written {@code key=value}, as the functions read DRIFT_DEPLOY_OPT_IN_TAG. */
    public record TagPair(String key, String value) {
        /** {@code raw} is a value the settings reader accepted as a tag, so it has a key and a value. */
        static TagPair parse(String raw) {
            int eq = raw.indexOf('=');
            return new TagPair(raw.substring(0, eq).trim(), raw.substring(eq + 1).trim());
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }
}
