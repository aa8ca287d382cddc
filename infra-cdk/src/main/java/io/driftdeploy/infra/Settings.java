package io.driftdeploy.infra;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Every deploy-time setting of the app, read once from CDK context ({@code -c key=value} or
 * {@code cdk.json}), with the documented defaults (the README's "Context settings" lists them all).
 *
 * <p>Reading is strict: a value that does not parse or is out of range fails synth with a message
 * that names the context key, so a typo never deploys a default silently.
 */
public record Settings(
        String stackPrefix,
        String functionsJar,
        List<String> notificationEmails,
        List<String> alarmTopicArns,
        // settings the functions read (COMMON.md table), passed as environment variables
        String mode,
        String modeTag,
        TagPair optInTag,
        String protectTag,
        String appTag,
        String strategyTag,
        String guardAlarmsTag,
        List<String> guardAlarms,
        List<String> trustedAccounts,
        int minHealthyPercent,
        String minHealthyTag,
        int maxTerminationsPerGroup,
        int maxTerminationsPerAccount,
        int rateWindowMinutes,
        int instanceWarmupSeconds,
        // drift detection
        String driftRulePrefix,
        List<String> driftRuleNames,
        String driftAlarmName,
        String driftAlarmPrefix,
        TagPair goldenImageTag,
        String blacklistedInventoryNames,
        boolean createConfigRecorder,
        // functions and their plumbing
        int functionMemoryMb,
        int functionTimeoutSeconds,
        int sweepTimeoutSeconds,
        String javaToolOptions,
        RetentionDays logRetention,
        int targetRetryAttempts,
        int targetMaxEventAgeMinutes,
        int archiveRetentionDays,
        String goldenImageEventSource,
        List<String> instanceRoleArns,
        // example fleet
        boolean exampleFleet,
        String fleetAppName,
        String goldenAmiId,
        String goldenAmiParameter,
        String fleetInstanceType,
        boolean fleetBlueActive,
        int fleetMinSize,
        int fleetDesiredCapacity,
        int fleetMaxSize) {

    public static final String DRY_RUN = "dry-run";
    public static final String ENFORCE = "enforce";

    private static final Pattern CONFIG_RULE_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern AMI_ID = Pattern.compile("ami-[0-9a-f]{8,17}");

    /** Reads and validates all settings; {@code context} answers a key with its raw value or null. */
    public static Settings from(Function<String, Object> context) {
        Reader r = new Reader(context);
        Settings s = new Settings(
                r.text("stackPrefix", "DriftDeploy"),
                r.text("functionsJar", "../functions/target/drift-deploy-functions.jar"),
                r.list("notificationEmails"),
                r.list("alarmTopicArns"),
                r.oneOf("mode", DRY_RUN, Set.of(DRY_RUN, ENFORCE)),
                r.text("modeTag", "drift-deploy:mode"),
                r.tagPair("optInTag", "drift-deploy:remediation=terminate"),
                r.text("protectTag", "drift-deploy:protect"),
                r.text("appTag", "drift-deploy:app"),
                r.text("strategyTag", "drift-deploy:rollout"),
                r.text("guardAlarmsTag", "drift-deploy:guard-alarms"),
                r.list("guardAlarms"),
                r.list("trustedAccounts"),
                r.integer("minHealthyPercent", 90, 0, 100),
                r.text("minHealthyTag", "drift-deploy:min-healthy-percent"),
                r.integer("maxTerminationsPerGroup", 2, 1, 10_000),
                r.integer("maxTerminationsPerAccount", 10, 1, 100_000),
                r.integer("rateWindowMinutes", 60, 1, 10_080),
                r.integer("instanceWarmupSeconds", 300, 0, 86_400),
                r.optionalText("driftRulePrefix"),
                r.list("driftRuleNames"),
                r.text("driftAlarmName", "drift-deploy-drift-detected"),
                r.optionalText("driftAlarmPrefix"),
                r.tagPair("goldenImageTag", "drift-deploy-golden=true"),
                r.text("blacklistedInventoryNames", "AWS:Application"),
                r.bool("createConfigRecorder", false),
                r.integer("functionMemoryMb", 1024, 128, 10_240),
                r.integer("functionTimeoutSeconds", 120, 1, 900),
                r.integer("sweepTimeoutSeconds", 900, 1, 900),
                r.text("javaToolOptions", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"),
                r.retention("logRetention", RetentionDays.THREE_MONTHS),
                r.integer("targetRetryAttempts", 8, 0, 185),
                r.integer("targetMaxEventAgeMinutes", 120, 1, 1_440),
                r.integer("archiveRetentionDays", 30, 0, 36_500),
                r.text("goldenImageEventSource", "drift-deploy.images"),
                r.list("instanceRoleArns"),
                r.bool("exampleFleet", false),
                r.text("fleetAppName", "app"),
                r.optionalText("goldenAmiId"),
                r.text("goldenAmiParameter", "/drift-deploy/golden-ami-id"),
                r.text("fleetInstanceType", "t3.medium"),
                r.bool("fleetBlueActive", true),
                r.integer("fleetMinSize", 2, 0, 1_000),
                r.integer("fleetDesiredCapacity", 2, 0, 1_000),
                r.integer("fleetMaxSize", 4, 1, 1_000));
        s.validateCombinations();
        return s;
    }

    /**
     * Name of an AWS Config rule this app creates: the managed rule's usual name (the seed's, for its
     * inventory rule), behind an optional prefix for accounts where such a name is taken.
     */
    public String driftRuleName(String suffix) {
        return driftRulePrefix + suffix;
    }

    private void validateCombinations() {
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
        static TagPair parse(String contextKey, String raw) {
            int eq = raw.indexOf('=');
            if (eq <= 0 || eq == raw.length() - 1) {
                throw new IllegalArgumentException(
                        "context '" + contextKey + "' must be key=value, got '" + raw + "'");
            }
            return new TagPair(raw.substring(0, eq), raw.substring(eq + 1));
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }

    /** Turns raw context values (strings from {@code -c}, JSON values from cdk.json) into typed settings. */
    private record Reader(Function<String, Object> context) {

        private String raw(String key) {
            Object value = context.apply(key);
            return value == null ? null : value.toString().trim();
        }

        String optionalText(String key) {
            String value = raw(key);
            return value == null ? "" : value;
        }

        String text(String key, String defaultValue) {
            String value = raw(key);
            if (value == null) {
                return defaultValue;
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("context '" + key + "' must not be empty");
            }
            return value;
        }

        String oneOf(String key, String defaultValue, Set<String> allowed) {
            String value = text(key, defaultValue);
            if (!allowed.contains(value)) {
                throw new IllegalArgumentException(
                        "context '" + key + "' must be one of " + allowed.stream().sorted().toList() + ", got '" + value + "'");
            }
            return value;
        }

        TagPair tagPair(String key, String defaultValue) {
            return TagPair.parse(key, text(key, defaultValue));
        }

        /** A list is a JSON array in cdk.json or a comma-separated string on the command line. */
        List<String> list(String key) {
            Object value = context.apply(key);
            if (value == null) {
                return List.of();
            }
            List<String> items = value instanceof List<?> values
                    ? values.stream().map(String::valueOf).toList()
                    : Arrays.asList(value.toString().split(","));
            return items.stream().map(String::trim).filter(item -> !item.isEmpty()).toList();
        }

        int integer(String key, int defaultValue, int min, int max) {
            String value = raw(key);
            if (value == null) {
                return defaultValue;
            }
            int parsed;
            try {
                parsed = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("context '" + key + "' must be a whole number, got '" + value + "'", e);
            }
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(
                        "context '" + key + "' must be between " + min + " and " + max + ", got " + parsed);
            }
            return parsed;
        }

        boolean bool(String key, boolean defaultValue) {
            String value = raw(key);
            if (value == null) {
                return defaultValue;
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(
                        "context '" + key + "' must be true or false, got '" + value + "'");
            };
        }

        RetentionDays retention(String key, RetentionDays defaultValue) {
            String value = raw(key);
            if (value == null) {
                return defaultValue;
            }
            try {
                return RetentionDays.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("context '" + key + "' must be one of "
                        + Arrays.toString(RetentionDays.values()) + ", got '" + value + "'", e);
            }
        }
    }
}
