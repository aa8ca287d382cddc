package io.driftdeploy.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting drift-deploy reads, parsed and validated once at init from the environment.
 * A missing or malformed value fails with a {@link SettingsException} naming the variable.
 *
 * @param mode           the global mode; a group's mode tag overrides it
 * @param dryRunForced   a person asked for a dry run (the CLI's --dry-run): no group tag can
 *                       turn that back into enforce
 */
public record Settings(
        String topicArn,
        String tableName,
        Mode mode,
        boolean dryRunForced,
        String modeTag,
        Drift drift,
        Rollout rollout,
        Alarms alarms) {

    public static final String PREFIX = "DRIFT_DEPLOY_";

    /**
     * Which Config rules count as drift, and the guards a termination must pass.
     *
     * @param templateInheritedRules Config rules whose drift comes with the image: a replacement
     *                               launched from the instance's own image brings it back
     * @param goldenImageTag         the tag that approves an image, when an APPROVED_AMIS_BY_TAG rule
     *                               names none of its own
     */
    public record Drift(
            List<String> ruleNames,
            Optional<String> rulePrefix,
            TagMatcher optInTag,
            String protectTag,
            int minHealthyPercent,
            int maxTerminationsPerGroup,
            int maxTerminationsPerAccount,
            Duration rateWindow,
            List<String> templateInheritedRules,
            TagMatcher goldenImageTag) {

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

    /** How golden images are validated and rolled out. */
    public record Rollout(
            String appTag,
            String strategyTag,
            List<String> trustedAccounts,
            String guardAlarmsTag,
            List<String> guardAlarms,
            int minHealthyPercent,
            int instanceWarmupSeconds) {

        /** Trusted image owners: the configured list, or else the account the event came from. */
        public List<String> trustedAccountsFor(String eventAccount) {
            return trustedAccounts.isEmpty() ? List.of(eventAccount) : trustedAccounts;
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

    public static Settings from(Map<String, String> env) {
        Reader read = new Reader(env);
        int minHealthy = read.integer("MIN_HEALTHY_PERCENT", 90, 0, 100);
        Drift drift = new Drift(
                read.list("DRIFT_RULES"),
                read.optional("DRIFT_RULE_PREFIX"),
                TagMatcher.parse(PREFIX + "OPT_IN_TAG", read.text("OPT_IN_TAG", "drift-deploy:remediation=terminate")),
                read.text("PROTECT_TAG", "drift-deploy:protect"),
                minHealthy,
                read.integer("MAX_TERMINATIONS_PER_GROUP", 2, 0, 10_000),
                read.integer("MAX_TERMINATIONS_PER_ACCOUNT", 10, 0, 100_000),
                Duration.ofMinutes(read.integer("RATE_WINDOW_MINUTES", 60, 1, 7 * 24 * 60)),
                read.list("TEMPLATE_INHERITED_RULES"),
                TagMatcher.parse(PREFIX + "GOLDEN_IMAGE_TAG", read.text("GOLDEN_IMAGE_TAG", "drift-deploy-golden=true")));
        Rollout rollout = new Rollout(
                read.text("APP_TAG", "drift-deploy:app"),
                read.text("STRATEGY_TAG", "drift-deploy:rollout"),
                read.accountList("TRUSTED_ACCOUNTS"),
                read.text("GUARD_ALARMS_TAG", "drift-deploy:guard-alarms"),
                read.list("GUARD_ALARMS"),
                minHealthy,
                read.integer("INSTANCE_WARMUP_SECONDS", 300, 0, 3600));
        Alarms alarms = new Alarms(read.list("DRIFT_ALARMS"), read.optional("DRIFT_ALARM_PREFIX"));
        return new Settings(
                read.required("TOPIC_ARN"),
                read.required("TABLE"),
                read.mode("MODE", Mode.DRY_RUN),
                false,
                read.text("MODE_TAG", "drift-deploy:mode"),
                drift,
                rollout,
                alarms);
    }

    /** The same settings in a dry run that no group's mode tag overrides, as {@code --dry-run} asks. */
    public Settings forceDryRun() {
        return new Settings(topicArn, tableName, Mode.DRY_RUN, true, modeTag, drift, rollout, alarms);
    }

    private record Reader(Map<String, String> env) {

        Optional<String> optional(String name) {
            String value = env.get(PREFIX + name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        String required(String name) {
            return optional(name).orElseThrow(() -> new SettingsException(PREFIX + name, "is required but not set"));
        }

        String text(String name, String fallback) {
            return optional(name).orElse(fallback);
        }

        List<String> list(String name) {
            return optional(name)
                    .map(value -> Arrays.stream(value.split(","))
                            .map(String::trim)
                            .filter(item -> !item.isEmpty())
                            .toList())
                    .orElse(List.of());
        }

        List<String> accountList(String name) {
            List<String> accounts = list(name);
            for (String account : accounts) {
                if (!account.matches("\\d{12}")) {
                    throw new SettingsException(PREFIX + name, "'" + account + "' is not a 12-digit AWS account id");
                }
            }
            return accounts;
        }

        int integer(String name, int fallback, int min, int max) {
            Optional<String> raw = optional(name);
            if (raw.isEmpty()) {
                return fallback;
            }
            int value;
            try {
                value = Integer.parseInt(raw.get());
            } catch (NumberFormatException e) {
                throw new SettingsException(PREFIX + name, "expected a whole number, got '" + raw.get() + "'");
            }
            if (value < min || value > max) {
                throw new SettingsException(PREFIX + name, "must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        }

        Mode mode(String name, Mode fallback) {
            Optional<String> raw = optional(name);
            if (raw.isEmpty()) {
                return fallback;
            }
            return Mode.parse(raw.get()).orElseThrow(() ->
                    new SettingsException(PREFIX + name, "expected enforce or dry-run, got '" + raw.get() + "'"));
        }
    }
}
