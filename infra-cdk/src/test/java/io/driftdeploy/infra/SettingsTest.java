package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.services.logs.RetentionDays;

class SettingsTest {

    private static Settings read(Map<String, Object> context) {
        return Settings.from(context::get);
    }

    @Test
    void defaultsAreSafeForAFreshDeploy() {
        Settings settings = read(Map.of());
        assertThat(settings.mode()).isEqualTo("dry-run");
        assertThat(settings.exampleFleet()).isFalse();
        assertThat(settings.createConfigRecorder()).isFalse();
        assertThat(settings.optInTag()).isEqualTo(new Settings.TagPair("drift-deploy:remediation", "terminate"));
        assertThat(settings.minHealthyPercent()).isEqualTo(90);
        assertThat(settings.minHealthyTag()).isEqualTo("drift-deploy:min-healthy-percent");
        assertThat(settings.logRetention()).isEqualTo(RetentionDays.THREE_MONTHS);
        assertThat(settings.driftRuleName("ec2-imdsv2-check")).isEqualTo("DriftDeploy-ec2-imdsv2-check");
        assertThat(settings.driftAlarmName()).isEqualTo("DriftDeploy-drift-detected");
        assertThat(settings.alarmNamePrefix()).isEqualTo("DriftDeploy-guard-");
        assertThat(settings.instanceRolePath()).isEqualTo("/drift-deploy/");
    }

    @Test
    void namesAnAccountHoldsOnceDeriveFromTheStackPrefixSoTwoInstallsDoNotCollide() {
        Settings first = read(Map.of());
        Settings second = read(Map.of("stackPrefix", "Staging"));
        assertThat(second.driftRuleName("ec2-imdsv2-check")).isEqualTo("Staging-ec2-imdsv2-check");
        assertThat(second.driftAlarmName()).isEqualTo("Staging-drift-detected");
        assertThat(second.alarmNamePrefix()).isEqualTo("Staging-guard-");
        assertThat(second.topicName()).isEqualTo("Staging-notifications");
        assertThat(second.topicKeyAlias()).isEqualTo("alias/Staging-notifications");
        assertThat(List.of(second.driftRuleName("x"), second.driftAlarmName(), second.topicName()))
                .doesNotContainAnyElementsOf(List.of(first.driftRuleName("x"), first.driftAlarmName(), first.topicName()));
    }

    @Test
    void contextOverridesTheDerivedNamesAndAnEmptyRulePrefixGivesTheSeedsNames() {
        Settings settings = read(Map.of("driftRulePrefix", "", "driftAlarmName", "config-drift-detected",
                "alarmNamePrefix", "app-"));
        assertThat(settings.driftRuleName("ec2-imdsv2-check")).isEqualTo("ec2-imdsv2-check");
        assertThat(settings.driftAlarmName()).isEqualTo("config-drift-detected");
        assertThat(settings.alarmNamePrefix()).isEqualTo("app-");
    }

    @Test
    void listsComeAsJsonArraysOrCommaSeparatedStrings() {
        assertThat(read(Map.of("guardAlarms", " a, b ,,c")).guardAlarms()).containsExactly("a", "b", "c");
        assertThat(read(Map.of("guardAlarms", List.of("a", "b"))).guardAlarms()).containsExactly("a", "b");
    }

    @Test
    void numbersAndBooleansComeAsStringsFromTheCommandLineOrJsonValues() {
        Settings settings = read(Map.of("functionMemoryMb", 2048, "exampleFleet", "TRUE", "fleetMaxSize", "6"));
        assertThat(settings.functionMemoryMb()).isEqualTo(2048);
        assertThat(settings.exampleFleet()).isTrue();
        assertThat(settings.fleetMaxSize()).isEqualTo(6);
    }

    @Test
    void badValuesFailNamingTheContextKey() {
        assertThatThrownBy(() -> read(Map.of("mode", "on"))).hasMessageContaining("'mode'").hasMessageContaining("enforce");
        assertThatThrownBy(() -> read(Map.of("minHealthyPercent", "120"))).hasMessageContaining("'minHealthyPercent'");
        assertThatThrownBy(() -> read(Map.of("functionTimeoutSeconds", "ten"))).hasMessageContaining("'functionTimeoutSeconds'");
        assertThatThrownBy(() -> read(Map.of("optInTag", "terminate"))).hasMessageContaining("'optInTag'");
        assertThatThrownBy(() -> read(Map.of("exampleFleet", "yes"))).hasMessageContaining("'exampleFleet'");
        assertThatThrownBy(() -> read(Map.of("logRetention", "FOREVER"))).hasMessageContaining("'logRetention'");
        assertThatThrownBy(() -> read(Map.of("appTag", ""))).hasMessageContaining("'appTag'");
        assertThatThrownBy(() -> read(Map.of("minHealthyTag", " "))).hasMessageContaining("'minHealthyTag'");
        assertThatThrownBy(() -> read(Map.of("goldenImageTag", "golden:image=true"))).hasMessageContaining("'goldenImageTag'");
        assertThatThrownBy(() -> read(Map.of("goldenAmiId", "my-ami"))).hasMessageContaining("'goldenAmiId'");
        assertThatThrownBy(() -> read(Map.of("driftRulePrefix", "bad prefix"))).hasMessageContaining("'driftRulePrefix'");
        assertThatThrownBy(() -> read(Map.of("stackPrefix", "1-bad"))).hasMessageContaining("'stackPrefix'");
        assertThatThrownBy(() -> read(Map.of("instanceRolePath", "drift-deploy"))).hasMessageContaining("'instanceRolePath'");
        assertThatThrownBy(() -> read(Map.of("alarmNamePrefix", ""))).hasMessageContaining("'alarmNamePrefix'");
        assertThatThrownBy(() -> read(Map.of("fleetMinSize", "3", "fleetDesiredCapacity", "2")))
                .hasMessageContaining("fleetMinSize");
    }
}
