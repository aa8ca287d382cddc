package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.Mode;
import io.driftdeploy.config.Settings;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroupModesTest {

    private static Settings settings(Mode global, boolean forceDryRun) {
        Settings settings = Settings.from(Map.of(
                "DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:t",
                "DRIFT_DEPLOY_TABLE", "ledger", "DRIFT_DEPLOY_ACCOUNT_ID", "123456789012",
                "DRIFT_DEPLOY_MODE", global.label()));
        return forceDryRun ? settings.forceDryRun() : settings;
    }

    @ParameterizedTest(name = "global {0}, forced dry run {1}, group tag {2} -> {3}")
    @CsvSource(nullValues = "none", value = {
            "ENFORCE, false, none,     ENFORCE",
            "DRY_RUN, false, none,     DRY_RUN",
            "DRY_RUN, false, enforce,  ENFORCE",
            "ENFORCE, false, dry-run,  DRY_RUN",
            "ENFORCE, false, Dry-Run,  DRY_RUN",
            "ENFORCE, false, enforced, DRY_RUN",   // a typo must not turn remediation on
            "ENFORCE, false, '',       DRY_RUN",
            "ENFORCE, true,  none,     DRY_RUN",
            "ENFORCE, true,  enforce,  DRY_RUN",   // a person's --dry-run beats every tag
            "DRY_RUN, true,  enforce,  DRY_RUN"})
    void theGroupTagOverridesTheGlobalModeButNeverAForcedDryRun(Mode global, boolean forced, String tag, Mode expected) {
        Map<String, String> tags = tag == null ? Map.of() : Map.of("drift-deploy:mode", tag);

        assertThat(GroupModes.effective(settings(global, forced), tags)).isEqualTo(expected);
    }
}
