package io.driftdeploy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:drift-deploy");
        env.put("DRIFT_DEPLOY_TABLE", "drift-deploy-ledger");
        env.put("DRIFT_DEPLOY_ACCOUNT_ID", "123456789012");
        return env;
    }

    @Test
    void defaultsAreTheSafeOnes() {
        Settings settings = Settings.from(minimal());

        assertThat(settings.mode()).isEqualTo(Mode.DRY_RUN);
        assertThat(settings.drift().minHealthyPercent()).isEqualTo(90);
        assertThat(settings.drift().optInTag()).isEqualTo(new TagMatcher("drift-deploy:remediation", "terminate"));
        assertThat(settings.drift().protectTag()).isEqualTo("drift-deploy:protect");
        assertThat(settings.drift().rateWindow()).isEqualTo(Duration.ofMinutes(60));
        assertThat(settings.rollout().minHealthyPercent()).isEqualTo(90);
        assertThat(settings.accountId()).isEqualTo("123456789012");
        assertThat(settings.rollout().trustedAccounts()).as("the function's own account, not any event's")
                .containsExactly("123456789012");
        assertThat(settings.rollout().goldenImageTag()).isEqualTo(new TagMatcher("drift-deploy-golden", "true"));
        assertThat(settings.rollout().minHealthyTag()).isEqualTo("drift-deploy:min-healthy-percent");
        assertThat(settings.drift().minHealthyTag()).isEqualTo("drift-deploy:min-healthy-percent");
    }

    @Test
    void theGoldenImageTagAndTheMinHealthyTagCanBeRenamed() {
        Map<String, String> env = minimal();
        env.put("DRIFT_DEPLOY_GOLDEN_IMAGE_TAG", " approved = yes ");
        env.put("DRIFT_DEPLOY_MIN_HEALTHY_TAG", "team:min-healthy");
        Settings settings = Settings.from(env);

        assertThat(settings.rollout().goldenImageTag()).isEqualTo(new TagMatcher("approved", "yes"));
        assertThat(Settings.goldenImageTag(env)).isEqualTo(new TagMatcher("approved", "yes"));
        assertThat(settings.rollout().minHealthyTag()).isEqualTo("team:min-healthy");
        assertThat(settings.drift().minHealthyTag()).isEqualTo("team:min-healthy");
    }

    @Test
    void driftRulesMatchByNameOrPrefix() {
        Map<String, String> env = minimal();
        env.put("DRIFT_DEPLOY_DRIFT_RULES", "ec2-managedinstance-inventory-blacklisted, approved-amis ");
        env.put("DRIFT_DEPLOY_DRIFT_RULE_PREFIX", "drift-deploy-");
        Settings.Drift drift = Settings.from(env).drift();

        assertThat(drift.ruleNames()).containsExactly("ec2-managedinstance-inventory-blacklisted", "approved-amis");
        assertThat(drift.isDriftRule("approved-amis")).isTrue();
        assertThat(drift.isDriftRule("drift-deploy-imdsv2")).isTrue();
        assertThat(drift.isDriftRule("s3-bucket-public-read")).isFalse();
    }

    @Test
    void rule9ReadsTheInheritedRulesAndTheGoldenImageTag() {
        Settings.Drift defaults = Settings.from(minimal()).drift();
        assertThat(defaults.templateInheritedRules()).isEmpty();
        assertThat(defaults.goldenImageTag()).isEqualTo(new TagMatcher("drift-deploy-golden", "true"));

        Map<String, String> env = minimal();
        env.put("DRIFT_DEPLOY_TEMPLATE_INHERITED_RULES", "ec2-managedinstance-inventory-blacklisted, org-baseline ");
        env.put("DRIFT_DEPLOY_GOLDEN_IMAGE_TAG", "hardened=yes");
        Settings.Drift drift = Settings.from(env).drift();
        assertThat(drift.templateInheritedRules()).containsExactly("ec2-managedinstance-inventory-blacklisted", "org-baseline");
        // key=value only: publish-image writes the pair onto the AMI (a bare key is refused, see above).
        assertThat(drift.goldenImageTag()).isEqualTo(new TagMatcher("hardened", "yes"));
    }

    @Test
    void driftNeedsRules() {
        assertThatThrownBy(() -> Settings.from(minimal()).drift().requireRules())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("DRIFT_DEPLOY_DRIFT_RULES");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "DRIFT_DEPLOY_TOPIC_ARN|''|is required",
            "DRIFT_DEPLOY_TABLE|'  '|is required",
            "DRIFT_DEPLOY_MODE|terminate-all|must be one of [dry-run, enforce]",
            "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT|ninety|must be a whole number",
            "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT|101|between 0 and 100",
            "DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP|-1|between 0 and",
            "DRIFT_DEPLOY_RATE_WINDOW_MINUTES|0|between 1 and",
            "DRIFT_DEPLOY_TRUSTED_ACCOUNTS|12345|not a 12-digit AWS account id",
            "DRIFT_DEPLOY_ACCOUNT_ID|''|is required",
            "DRIFT_DEPLOY_ACCOUNT_ID|12345678901x|not a 12-digit AWS account id",
            "DRIFT_DEPLOY_ACCOUNT_ID|1234567890123|not a 12-digit AWS account id",
            "DRIFT_DEPLOY_OPT_IN_TAG|=terminate|must be key=value",
            "DRIFT_DEPLOY_OPT_IN_TAG|drift-deploy:remediation=|must be key=value",
            "DRIFT_DEPLOY_GOLDEN_IMAGE_TAG|drift-deploy-golden|must be key=value",
            "DRIFT_DEPLOY_GOLDEN_IMAGE_TAG|=true|must be key=value",
    })
    void aBadSettingFailsNamingTheVariable(String variable, String value, String problem) {
        Map<String, String> env = minimal();
        env.put(variable, value);

        assertThatThrownBy(() -> Settings.from(env))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(variable)
                .hasMessageContaining(problem)
                .extracting(e -> ((SettingsException) e).variable()).isEqualTo(variable);
    }

    @Test
    void theFunctionsOwnAccountIsRequiredAndNeverDefaulted() {
        Map<String, String> env = minimal();
        env.remove("DRIFT_DEPLOY_ACCOUNT_ID");

        assertThatThrownBy(() -> Settings.from(env))
                .isInstanceOf(SettingsException.class)
                .hasMessage("setting DRIFT_DEPLOY_ACCOUNT_ID: is required but not set");
    }

    @Test
    void configuredTrustedAccountsReplaceTheOwnAccount() {
        Map<String, String> env = minimal();
        env.put("DRIFT_DEPLOY_TRUSTED_ACCOUNTS", "111111111111,222222222222");

        assertThat(Settings.from(env).rollout().trustedAccounts()).containsExactly("111111111111", "222222222222");
    }

    @Test
    void modeParsesBothSpellingsAndForcingDryRunKeepsEverythingElse() {
        Map<String, String> env = minimal();
        env.put("DRIFT_DEPLOY_MODE", "Enforce");
        Settings enforce = Settings.from(env);
        Settings forced = enforce.forceDryRun();

        assertThat(enforce.mode()).isEqualTo(Mode.ENFORCE);
        assertThat(enforce.dryRunForced()).isFalse();
        assertThat(forced.mode()).isEqualTo(Mode.DRY_RUN);
        assertThat(forced.dryRunForced()).isTrue();
        assertThat(forced.drift()).isEqualTo(enforce.drift());
        assertThat(Mode.parse("dry-run")).contains(Mode.DRY_RUN);
        assertThat(Mode.parse("dryrun")).isEmpty();
    }

    @Test
    void tagMatcherWithoutValueMeansPresent() {
        TagMatcher present = TagMatcher.parse("X", "drift-deploy:protect");
        TagMatcher exact = TagMatcher.parse("X", "drift-deploy:remediation=terminate");

        assertThat(present.matches(Map.of("drift-deploy:protect", "anything"))).isTrue();
        assertThat(present.matches(Map.of("other", "x"))).isFalse();
        assertThat(exact.matches(Map.of("drift-deploy:remediation", "terminate"))).isTrue();
        assertThat(exact.matches(Map.of("drift-deploy:remediation", "notify"))).isFalse();
        assertThat(List.of(present.toString(), exact.toString()))
                .containsExactly("drift-deploy:protect", "drift-deploy:remediation=terminate");
    }
}
