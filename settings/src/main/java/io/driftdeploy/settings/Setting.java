package io.driftdeploy.settings;

import java.util.List;
import java.util.Optional;

/**
 * Every setting of drift-deploy, defined once: its CDK context key, the environment variable the
 * functions read, its default and what values it allows.
 *
 * <p>The functions read their environment through this definition, the CDK app reads its context
 * through it and passes each function setting on under its variable, and {@code docs/settings.md}
 * is rendered from it (a test fails when the document and this enum disagree). So a value the CDK
 * accepts is a value every function accepts at init, and the other way round.
 */
public enum Setting {

    // --- Set by the stack from the resources it creates (no context key) ---
    TOPIC_ARN(null, Variable.SET_BY_STACK, Type.TEXT, null,
            "the SNS topic every notification goes to"),
    TABLE(null, Variable.SET_BY_STACK, Type.TEXT, null,
            "the DynamoDB ledger table"),
    DRIFT_RULES(null, Variable.SET_BY_STACK, Type.LIST, null,
            "the AWS Config rules that count as drift: the rules the stack creates plus `driftRuleNames`"),
    DRIFT_ALARMS(null, Variable.SET_BY_STACK, Type.LIST, null,
            "the drift alarms whose ALARM starts a sweep: the stack's drift alarm (`driftAlarmName`)"),
    ACCOUNT_ID(null, Variable.SET_BY_STACK, Type.ACCOUNT, null,
            "the account the functions act in (the stack's `AWS::AccountId`): an event naming another account is "
                    + "rejected (`foreign-account`), the account-wide rate limit is kept under it, and images are "
                    + "trusted from it when `trustedAccounts` is empty"),
    SWEEP_QUEUE_URL(null, Variable.SET_BY_STACK, Type.TEXT, null,
            "the scheduled sweep's queue, which the sweep function lists onto and decides from (docs/sweep.md)"),
    TEMPLATE_INHERITED_RULES(null, Variable.SET_BY_STACK, Type.LIST, null,
            "drift rules whose finding the replacement inherits from its image (rule 9: not terminated while the "
                    + "launch template launches the same image); the stack declares its inventory rule so"),

    // --- Function settings: a context key, passed on as DRIFT_DEPLOY_<NAME> ---
    MODE("mode", Variable.FROM_CONTEXT, Type.choice("dry-run", "enforce"), "dry-run",
            "`enforce` acts; `dry-run` only reports what it would do (a group's mode tag overrides it, the CLI's "
                    + "`--dry-run` overrides both)"),
    MODE_TAG("modeTag", Variable.FROM_CONTEXT, Type.TAG_KEY, "drift-deploy:mode",
            "tag key by which a group sets its own mode"),
    OPT_IN_TAG("optInTag", Variable.FROM_CONTEXT, Type.TAG, "drift-deploy:remediation=terminate",
            "tag a group must carry before any instance of it is terminated; also the IAM condition on termination"),
    PROTECT_TAG("protectTag", Variable.FROM_CONTEXT, Type.TAG_KEY, "drift-deploy:protect",
            "tag key that protects an instance or group from termination"),
    MIN_HEALTHY_PERCENT("minHealthyPercent", Variable.FROM_CONTEXT, Type.INTEGER, "90", 0, 100,
            "share of desired capacity kept healthy and InService by the capacity guard and by instance refreshes"),
    MIN_HEALTHY_TAG("minHealthyTag", Variable.FROM_CONTEXT, Type.TAG_KEY, "drift-deploy:min-healthy-percent",
            "tag key by which a group overrides `minHealthyPercent` (a whole number 0-100; the example fleet sets 50)"),
    MAX_TERMINATIONS_PER_GROUP("maxTerminationsPerGroup", Variable.FROM_CONTEXT, Type.INTEGER, "2", 0, 10_000,
            "drift terminations per group per rate window (0: none)"),
    MAX_TERMINATIONS_PER_ACCOUNT("maxTerminationsPerAccount", Variable.FROM_CONTEXT, Type.INTEGER, "10", 0, 100_000,
            "drift terminations per account per rate window (0: none)"),
    MAX_TERMINATIONS_PER_ORGANIZATION("maxTerminationsPerOrganization", Variable.FROM_CONTEXT, Type.INTEGER, "10", 0,
            1_000_000, "drift terminations across the deploying account and every member account per rate window (0: none); "
                    + "its storm breaker pauses every account at once (docs/organization.md)"),
    RATE_WINDOW_MINUTES("rateWindowMinutes", Variable.FROM_CONTEXT, Type.INTEGER, "60", 1, 10_080,
            "length of the rate window, in minutes (at most a week)"),
    BUDGET_TAG("budgetTag", Variable.FROM_CONTEXT, Type.TAG_KEY, "drift-deploy:budget",
            "tag key of a group's disruption budgets: the key itself and `<key>/<name>` each hold one budget (e.g. "
                    + "`1`, `20pct at 0 22 @ @ 1-5 for 8h`); docs/safety-rules.md, \"Rule 6: disruption budgets\""),
    DEFAULT_BUDGETS("defaultBudgets", Variable.FROM_CONTEXT, Type.LIST, null,
            "disruption budgets of every group that carries no budget tag, in the tag's syntax (empty: none, only the "
                    + "capacity floor and the rate limits bound remediation and rollouts); a budget that cannot be read stops "
                    + "remediation and rollouts in those groups and is named in each notification"),
    ACTION_TAG("actionTag", Variable.FROM_CONTEXT, Type.TAG_KEY, "drift-deploy:action",
            "tag key by which a group chooses what drift remediation does to a drifted instance: `terminate` "
                    + "(absent: the same) or `quarantine` (isolate, snapshot, detach with replacement, terminate after "
                    + "`quarantineRetentionDays`); any other value stops remediation in the group (docs/quarantine.md)"),
    KEEP_TAG("keepTag", Variable.FROM_CONTEXT, Type.TAG_KEY, "drift-deploy:keep",
            "tag key a person sets on a quarantined instance to keep it past its retention (any value)"),
    QUARANTINE_RETENTION_DAYS("quarantineRetentionDays", Variable.FROM_CONTEXT, Type.INTEGER, "7", 1, 365,
            "days a quarantined instance is kept, isolated, before the retention sweep terminates it (unless kept)"),
    QUARANTINE_SECURITY_GROUPS(null, Variable.SET_BY_STACK, Type.LIST, null,
            "the quarantine security group of each VPC, as `vpc-id=sg-id` pairs: the groups the stack creates for "
                    + "`quarantineVpcs` (no ingress, no egress); an instance in another VPC is not quarantined"),
    REPLACEMENT_TAG("replacementTag", Variable.FROM_CONTEXT, Type.TAG_KEY, "drift-deploy:replacement",
            "tag key by which a group chooses how its drifted instances are replaced: `terminate` or `surge` (the "
                    + "replacement InService before the instance goes); any other value stops remediation in the group; "
                    + "docs/safety-rules.md, \"Rule 6: surge replacement\""),
    DEFAULT_REPLACEMENT("defaultReplacement", Variable.FROM_CONTEXT, Type.choice("terminate", "surge"), "terminate",
            "how drifted instances of a group without the replacement tag are replaced"),
    DRIFT_RULE_PREFIX(null, Variable.FROM_ENVIRONMENT_ONLY, Type.OPTIONAL_TEXT, null,
            "Config rules whose name starts with this also count as drift (for local runs and the CLI; the CDK "
                    + "app names its rules in `DRIFT_RULES`)"),
    DRIFT_ALARM_PREFIX("driftAlarmPrefix", Variable.FROM_CONTEXT, Type.OPTIONAL_TEXT, null,
            "alarms whose name starts with this also count as drift alarms"),
    APP_TAG("appTag", Variable.FROM_CONTEXT, Type.TAG_KEY, "drift-deploy:app",
            "tag key naming a group's (and an image's) application; also the IAM condition on rollouts"),
    STRATEGY_TAG("strategyTag", Variable.FROM_CONTEXT, Type.TAG_KEY, "drift-deploy:rollout",
            "tag key by which a group chooses its rollout strategy"),
    GOLDEN_IMAGE_TAG("goldenImageTag", Variable.FROM_CONTEXT, Type.TAG, Setting.GOLDEN_IMAGE_TAG_DEFAULT,
            "tag every golden image carries: AWS Config's approved-AMIs rule (`APPROVED_AMIS_BY_TAG`) requires it, "
                    + "the images function rolls out only images with it, and `publish-image` sets it (the key must not "
                    + "contain `:`)"),
    TRUSTED_ACCOUNTS("trustedAccounts", Variable.FROM_CONTEXT, Type.ACCOUNTS, null,
            "accounts whose images may be rolled out (12-digit ids); empty: the deploying account (`ACCOUNT_ID`, "
                    + "which the stack then passes explicitly; the rollout roles may launch only these owners' images)"),
    MEMBER_ACCOUNTS("memberAccounts", Variable.FROM_CONTEXT, Type.ACCOUNTS, null,
            "member accounts the functions act in besides their own, through `memberRoleName` (12-digit ids); an event "
                    + "of any other account is rejected (`foreign-account`) (docs/organization.md)"),
    MEMBER_ORGANIZATION_UNITS("memberOrganizationUnits", Variable.FROM_CONTEXT, Type.ORGANIZATION_UNITS, null,
            "organization units (or the root) whose accounts, at any depth, are member accounts too; the functions ask "
                    + "AWS Organizations where an account sits (docs/organization.md)"),
    MEMBER_ROLE_NAME("memberRoleName", Variable.FROM_CONTEXT, Type.ROLE_NAME, "drift-deploy-member",
            "the role the functions assume in a member account; the member stack creates it under this name"),
    ORGANIZATION_ID("organizationId", Variable.NONE, Type.ORGANIZATION_ID, null,
            "the organization (`o-...`) whose member accounts may send events to the central bus and assume nothing "
                    + "but the member role: the bus policy's and the member role's `aws:PrincipalOrgID`; required when "
                    + "`memberAccounts` or `memberOrganizationUnits` is set"),
    GUARD_ALARMS_TAG("guardAlarmsTag", Variable.FROM_CONTEXT, Type.TAG_KEY, "drift-deploy:guard-alarms",
            "tag key listing a group's own guard alarms"),
    GUARD_ALARMS("guardAlarms", Variable.FROM_CONTEXT, Type.LIST, null,
            "alarms that stop every rollout (instance refresh alarm specification)"),
    INSTANCE_WARMUP_SECONDS("instanceWarmupSeconds", Variable.FROM_CONTEXT, Type.INTEGER, "300", 0, 86_400,
            "instance refresh warmup, in seconds (AWS documents only a minimum of 0: RefreshPreferences, "
                    + "Amazon EC2 Auto Scaling API Reference; a day is drift-deploy's bound)"),
    AUDIT_RETENTION_DAYS("auditRetentionDays", Variable.FROM_CONTEXT, Type.INTEGER, "400", 1, 3_650,
            "days an audit record is kept in the ledger (its `expiresAt`; `drift-deploy history` reads them): long "
                    + "enough to answer \"why was this instance terminated\" after an incident review; a record keeps "
                    + "the retention it was written with"),

    // --- Deploy settings: context only ---
    STACK_PREFIX("stackPrefix", Variable.NONE, Type.TEXT, "DriftDeploy",
            "stack names are `<prefix>-Notifications`, `-DriftDetection`, `-Functions`, `-ExampleFleet`, `-Organization`, "
                    + "`-Member`; it also "
                    + "starts the topic, Config rule and alarm names (a letter, then letters, digits or `-`, at most 64)"),
    FUNCTIONS_JAR("functionsJar", Variable.NONE, Type.TEXT, "../functions/target/drift-deploy-functions.jar",
            "the shaded jar, relative to infra-cdk/"),
    NOTIFICATION_EMAILS("notificationEmails", Variable.NONE, Type.LIST, null,
            "e-mail addresses subscribed to the topic"),
    ALARM_TOPIC_ARNS("alarmTopicArns", Variable.NONE, Type.LIST, null,
            "existing alarm topics the alarms function subscribes to"),
    DRIFT_RULE_NAME_PREFIX("driftRulePrefix", Variable.NONE, Type.OPTIONAL_TEXT, "<stackPrefix>-",
            "prefix for the names of the Config rules this app creates, so two installs never collide; empty: the "
                    + "managed rules' usual names"),
    DRIFT_RULE_NAMES("driftRuleNames", Variable.NONE, Type.LIST, null,
            "existing Config rules that also count as drift (added to `DRIFT_RULES` and the drift rule's filter)"),
    DRIFT_ALARM_NAME("driftAlarmName", Variable.NONE, Type.TEXT, "<stackPrefix>-drift-detected",
            "name of the drift alarm (passed on as `DRIFT_DEPLOY_DRIFT_ALARMS`)"),
    ALARM_NAME_PREFIX("alarmNamePrefix", Variable.NONE, Type.TEXT, "<stackPrefix>-guard-",
            "alarms whose name starts with this reach the alarms function (name guard alarms so); the drift "
                    + "alarms and `guardAlarms` always do; must not start the dead-letter alarms' names"),
    BLACKLISTED_INVENTORY_NAMES("blacklistedInventoryNames", Variable.NONE, Type.TEXT, "AWS:Application",
            "the inventory rule's `inventoryNames`"),
    CREATE_CONFIG_RECORDER("createConfigRecorder", Variable.NONE, Type.BOOLEAN, "false",
            "create a Config recorder (EC2 instances and SSM inventory only); an account has at most one per region"),
    FUNCTION_MEMORY_MB("functionMemoryMb", Variable.NONE, Type.INTEGER, "1024", 128, 10_240,
            "memory of each function, in MB"),
    FUNCTION_TIMEOUT_SECONDS("functionTimeoutSeconds", Variable.NONE, Type.INTEGER, "120", 1, 900,
            "timeout of the drift, images and refreshes functions"),
    SWEEP_TIMEOUT_SECONDS("sweepTimeoutSeconds", Variable.NONE, Type.INTEGER, "900", 1, 900,
            "timeout of the alarms function, whose drift sweep decides every non-compliant instance in turn"),
    SWEEP_SCHEDULE("sweepSchedule", Variable.NONE, Type.OPTIONAL_TEXT, "rate(1 hour)",
            "how often the scheduled sweep decides every drift rule's non-compliant instances (events can be missed), "
                    + "an EventBridge Scheduler expression (`rate(...)`, `cron(...)`); empty: no schedule (docs/sweep.md)"),
    SWEEP_MAX_CONCURRENCY("sweepMaxConcurrency", Variable.NONE, Type.INTEGER, "5", 2, 1_000,
            "most concurrent invocations of the sweep function its queue starts (the event source mapping's "
                    + "MaximumConcurrency, 2 to 1,000): bounds the sweep's load on the AWS APIs it reads"),
    JAVA_TOOL_OPTIONS("javaToolOptions", Variable.NONE, Type.TEXT, "-XX:+TieredCompilation -XX:TieredStopAtLevel=1",
            "`JAVA_TOOL_OPTIONS` of the functions (faster start)"),
    LOG_RETENTION("logRetention", Variable.NONE, Type.TEXT, "THREE_MONTHS",
            "log group retention, a CDK `RetentionDays` name"),
    TARGET_RETRY_ATTEMPTS("targetRetryAttempts", Variable.NONE, Type.INTEGER, "8", 0, 185,
            "EventBridge retries per event before the dead-letter queue"),
    TARGET_MAX_EVENT_AGE_MINUTES("targetMaxEventAgeMinutes", Variable.NONE, Type.INTEGER, "120", 1, 1_440,
            "EventBridge event age limit (Lambda's asynchronous limit is at most 360 of it)"),
    ARCHIVE_RETENTION_DAYS("archiveRetentionDays", Variable.NONE, Type.INTEGER, "30", 0, 36_500,
            "archive retention in days (0: forever)"),
    GOLDEN_IMAGE_EVENT_SOURCE("goldenImageEventSource", Variable.NONE, Type.TEXT, "drift-deploy.images",
            "source of the custom `Golden Image Published` event"),
    INSTANCE_ROLE_ARNS("instanceRoleArns", Variable.NONE, Type.LIST, null,
            "further instance roles, outside `instanceRolePath`, that launch templates pass to EC2 (drift-deploy "
                    + "gets `iam:PassRole` on them too)"),
    APPS("apps", Variable.NONE, Type.LIST, null,
            "applications (values of `appTag`) the images and refreshes roles may roll out: when set, their "
                    + "CreateLaunchTemplateVersion, StartInstanceRefresh and RunInstances are conditioned on "
                    + "`aws:ResourceTag/<appTag>` being one of them; empty: any value of the app tag"),
    INSTANCE_ROLE_PATH("instanceRolePath", Variable.NONE, Type.TEXT, "/drift-deploy/",
            "IAM path of the instance roles the images and refreshes functions may pass to EC2 (`iam:PassRole`, "
                    + "only to ec2.amazonaws.com); put fleet instance roles under it"),
    QUARANTINE_VPCS("quarantineVpcs", Variable.NONE, Type.LIST, null,
            "VPCs (ids) in which the stack creates a quarantine security group (no ingress, no egress) and passes it "
                    + "on as `QUARANTINE_SECURITY_GROUPS`; empty: no group can quarantine"),
    MEMBER_OF("memberOf", Variable.NONE, Type.ACCOUNT, null,
            "the central account (12-digit id) whose functions act in this member account: the app then synthesizes "
                    + "only the member stack `<stackPrefix>-Member`, to deploy with the member account's credentials "
                    + "(needs `organizationId`; docs/organization.md)"),
    STACK_SET_CALL_AS("stackSetCallAs", Variable.NONE, Type.choice("delegated-admin", "self"), "delegated-admin",
            "how the central account creates the member StackSet for `memberOrganizationUnits`: `delegated-admin` "
                    + "(registered as a CloudFormation StackSets delegated administrator) or `self` (it is the management "
                    + "account)"),
    EXAMPLE_FLEET("exampleFleet", Variable.NONE, Type.BOOLEAN, "false",
            "deploy the example fleet"),
    FLEET_APP_NAME("fleetAppName", Variable.NONE, Type.TEXT, "app",
            "value of the app tag on the example fleet"),
    GOLDEN_AMI_ID("goldenAmiId", Variable.NONE, Type.OPTIONAL_TEXT, null,
            "the example fleet's AMI; when empty, the SSM parameter `goldenAmiParameter`, resolved at deploy time"),
    GOLDEN_AMI_PARAMETER("goldenAmiParameter", Variable.NONE, Type.TEXT, "/drift-deploy/golden-ami-id",
            "SSM parameter holding the example fleet's golden AMI id"),
    FLEET_INSTANCE_TYPE("fleetInstanceType", Variable.NONE, Type.TEXT, "t3.medium",
            "the example fleet's instance type"),
    FLEET_BLUE_ACTIVE("fleetBlueActive", Variable.NONE, Type.BOOLEAN, "true",
            "which colour of the example fleet has the capacity"),
    FLEET_MIN_SIZE("fleetMinSize", Variable.NONE, Type.INTEGER, "2", 0, 1_000,
            "the active colour's minimum size (the other has 0)"),
    FLEET_DESIRED_CAPACITY("fleetDesiredCapacity", Variable.NONE, Type.INTEGER, "2", 0, 1_000,
            "the active colour's desired capacity"),
    FLEET_MAX_SIZE("fleetMaxSize", Variable.NONE, Type.INTEGER, "4", 1, 1_000,
            "the active colour's maximum size");

    /** {@link #GOLDEN_IMAGE_TAG}'s default, as a constant so command-line help can quote it. */
    public static final String GOLDEN_IMAGE_TAG_DEFAULT = "drift-deploy-golden=true";

    /** Stands for the stack prefix in a default that derives from it. */
    public static final String STACK_PREFIX_PLACEHOLDER = "<stackPrefix>";

    /** The prefix of every environment variable the functions read. */
    public static final String ENVIRONMENT_PREFIX = "DRIFT_DEPLOY_";

    /** Whether the functions read the setting from the environment, and who sets it there. */
    public enum Variable {
        /** A deploy-time setting only. */
        NONE,
        /** The CDK app passes the context value on. */
        FROM_CONTEXT,
        /** The CDK app sets it from the resources it creates. */
        SET_BY_STACK,
        /** Only for runs outside the stack (the CLI, local runs); the CDK app does not set it. */
        FROM_ENVIRONMENT_ONLY
    }

    private final String contextKey;
    private final Variable variable;
    private final Type type;
    private final String defaultValue;
    private final int min;
    private final int max;
    private final String meaning;

    Setting(String contextKey, Variable variable, Type type, String defaultValue, String meaning) {
        this(contextKey, variable, type, defaultValue, 0, 0, meaning);
    }

    Setting(String contextKey, Variable variable, Type type, String defaultValue, int min, int max, String meaning) {
        this.contextKey = contextKey;
        this.variable = variable;
        this.type = type;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.meaning = meaning;
    }

    /** The CDK context key ({@code -c key=value}), if the setting has one. */
    public Optional<String> contextKey() {
        return Optional.ofNullable(contextKey);
    }

    /** The environment variable the functions read it from, if they read it. */
    public Optional<String> environmentVariable() {
        return variable == Variable.NONE ? Optional.empty() : Optional.of(ENVIRONMENT_PREFIX + name());
    }

    public Variable variable() {
        return variable;
    }

    public Type type() {
        return type;
    }

    /** The value used when the setting is absent; empty when absent means "none". */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** Smallest allowed value of an {@link Type#INTEGER} setting. */
    public int min() {
        return min;
    }

    /** Largest allowed value of an {@link Type#INTEGER} setting. */
    public int max() {
        return max;
    }

    public String meaning() {
        return meaning;
    }

    /** The settings the CDK app hands to the functions from its context. */
    public static List<Setting> passedFromContext() {
        return java.util.Arrays.stream(values()).filter(setting -> setting.variable == Variable.FROM_CONTEXT).toList();
    }
}
