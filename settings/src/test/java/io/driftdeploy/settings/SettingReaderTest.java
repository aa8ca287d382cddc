package io.driftdeploy.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingReaderTest {

    private static SettingReader environment(Map<String, String> env) {
        return SettingReader.environment(env::get);
    }

    private static SettingReader context(Map<String, Object> context) {
        return SettingReader.context(context::get);
    }

    @Test
    void absentSettingsTakeTheirDefaults() {
        SettingReader read = environment(Map.of());
        assertThat(read.integer(Setting.MIN_HEALTHY_PERCENT)).isEqualTo(90);
        assertThat(read.text(Setting.MODE)).isEqualTo("dry-run");
        assertThat(read.list(Setting.GUARD_ALARMS)).isEmpty();
        assertThat(read.optionalText(Setting.DRIFT_ALARM_PREFIX)).isEmpty();
    }

    @Test
    void theEnvironmentAndTheContextAcceptExactlyTheSameValues() {
        // The defect this contract exists for: the CDK accepted a warmup the functions refused at init.
        for (String value : List.of("0", "3600", "86400", "86401", "-1", "x")) {
            Object fromContext = outcome(() -> context(Map.of("instanceWarmupSeconds", value))
                    .integer(Setting.INSTANCE_WARMUP_SECONDS));
            Object fromEnvironment = outcome(() -> environment(Map.of("DRIFT_DEPLOY_INSTANCE_WARMUP_SECONDS", value))
                    .integer(Setting.INSTANCE_WARMUP_SECONDS));
            assertThat(fromEnvironment).as(value).isEqualTo(fromContext);
        }
    }

    private static Object outcome(java.util.function.Supplier<Object> read) {
        try {
            return read.get();
        } catch (InvalidSettingException e) {
            return e.problem();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT|101|must be between 0 and 100, got 101",
            "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT|ninety|must be a whole number, got 'ninety'",
            "DRIFT_DEPLOY_MODE|on|must be one of [dry-run, enforce], got 'on'",
            "DRIFT_DEPLOY_OPT_IN_TAG|justakey|must be key=value, got 'justakey'",
            "DRIFT_DEPLOY_OPT_IN_TAG|=x|must be key=value, got '=x'",
            "DRIFT_DEPLOY_TRUSTED_ACCOUNTS|123456789012,12345|'12345' is not a 12-digit AWS account id",
            "DRIFT_DEPLOY_ACCOUNT_ID|12345678901|'12345678901' is not a 12-digit AWS account id",
            "DRIFT_DEPLOY_MEMBER_ORGANIZATION_UNITS|ou-ab12-cdefgh12,o-abcdefghij|'o-abcdefghij' is not an organization unit id (ou-...) or root id (r-...)",
            "DRIFT_DEPLOY_MEMBER_ORGANIZATION_UNITS|ou-AB12-cdefgh12|'ou-AB12-cdefgh12' is not an organization unit id (ou-...) or root id (r-...)",
            "DRIFT_DEPLOY_MEMBER_ROLE_NAME|arn:aws:iam::123456789012:role/x|'arn:aws:iam::123456789012:role/x' is not an IAM role name (1 to 64 letters, digits or +=,.@_-)",
            "DRIFT_DEPLOY_ACCOUNT_ID|123456789012,210987654321|'123456789012,210987654321' is not a 12-digit AWS account id",
    })
    void aMalformedValueIsRefusedNamingTheVariable(String variable, String value, String problem) {
        Setting setting = Setting.valueOf(variable.substring(Setting.ENVIRONMENT_PREFIX.length()));
        SettingReader read = environment(Map.of(variable, value));
        assertThatThrownBy(() -> {
            if (setting.type().kind() == Type.Kind.ACCOUNTS || setting.type().kind() == Type.Kind.ORGANIZATION_UNITS) {
                read.list(setting);
            } else {
                read.text(setting);
            }
        })
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage(variable + ": " + problem);
    }

    @Test
    void contextErrorsNameTheContextKey() {
        assertThatThrownBy(() -> context(Map.of("rateWindowMinutes", "0")).integer(Setting.RATE_WINDOW_MINUTES))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("rateWindowMinutes: must be between 1 and 10080, got 0");
    }

    @Test
    void aBlankValueIsRefusedUnlessTheSettingMayBeEmpty() {
        assertThatThrownBy(() -> environment(Map.of("DRIFT_DEPLOY_MODE", " ")).text(Setting.MODE))
                .hasMessage("DRIFT_DEPLOY_MODE: must not be empty (leave it unset for the default, dry-run)");
        assertThat(environment(Map.of("DRIFT_DEPLOY_DRIFT_ALARM_PREFIX", " ")).optionalText(Setting.DRIFT_ALARM_PREFIX))
                .isEmpty();
    }

    @Test
    void aHugeBadValueIsEchoedAsAShortPrefix() {
        String huge = "9".repeat(100_000);
        assertThatThrownBy(() -> environment(Map.of("DRIFT_DEPLOY_MODE", huge)).text(Setting.MODE))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200).contains("(100000 characters)"));
    }

    @Test
    void listsComeCommaSeparatedOrAsJsonArrays() {
        assertThat(context(Map.of("guardAlarms", List.of(" a ", "b"))).list(Setting.GUARD_ALARMS)).containsExactly("a", "b");
        assertThat(context(Map.of("guardAlarms", "a, ,b")).list(Setting.GUARD_ALARMS)).containsExactly("a", "b");
    }

    @Test
    void whatTheStackPassesOnIsWhatTheFunctionsReadBack() {
        Map<String, Object> context = Map.of(
                "guardAlarms", List.of("a", "b"),
                "mode", "ENFORCE",
                "minHealthyPercent", "50");
        SettingReader fromContext = context(context);
        Map<String, String> env = new HashMap<>();
        for (Setting setting : Setting.passedFromContext()) {
            fromContext.asEnvironmentValue(setting)
                    .ifPresent(value -> env.put(setting.environmentVariable().orElseThrow(), value));
        }
        SettingReader fromEnvironment = environment(env);
        assertThat(fromEnvironment.list(Setting.GUARD_ALARMS)).containsExactly("a", "b");
        assertThat(fromEnvironment.text(Setting.MODE)).isEqualTo("enforce");
        assertThat(fromEnvironment.integer(Setting.MIN_HEALTHY_PERCENT)).isEqualTo(50);
        assertThat(env).doesNotContainKey("DRIFT_DEPLOY_TRUSTED_ACCOUNTS");
    }

    @Test
    void everyDefaultIsItselfAValidValue() {
        for (Setting setting : Setting.values()) {
            setting.defaultValue().ifPresent(value -> {
                SettingReader read = SettingReader.environment(name -> value);
                assertThat(read.asEnvironmentValue(setting)).as(setting.name()).isPresent();
            });
        }
    }

    @Test
    void organizationSettingsAcceptWhatAwsNamesAndRefuseTheRest() {
        SettingReader good = SettingReader.context(key -> switch (key) {
            case "memberOrganizationUnits" -> List.of("r-ab12", "ou-ab12-cdefgh12");
            case "organizationId" -> "o-a1b2c3d4e5";
            case "memberRoleName" -> "drift-deploy_member+1";
            default -> null;
        });
        assertThat(good.list(Setting.MEMBER_ORGANIZATION_UNITS)).containsExactly("r-ab12", "ou-ab12-cdefgh12");
        assertThat(good.text(Setting.ORGANIZATION_ID)).isEqualTo("o-a1b2c3d4e5");
        assertThat(good.text(Setting.MEMBER_ROLE_NAME)).isEqualTo("drift-deploy_member+1");
        SettingReader bad = SettingReader.context(key -> key.equals("organizationId") ? "o-short" : null);
        assertThatThrownBy(() -> bad.text(Setting.ORGANIZATION_ID))
                .hasMessageContaining("organizationId").hasMessageContaining("'o-short' is not an organization id");
        assertThat(SettingReader.context(key -> null).text(Setting.MEMBER_ROLE_NAME)).isEqualTo("drift-deploy-member");
        assertThatThrownBy(() -> SettingReader.context(key -> key.equals("memberRoleName") ? "x".repeat(65) : null)
                .text(Setting.MEMBER_ROLE_NAME)).hasMessageContaining("is not an IAM role name");
    }
}
