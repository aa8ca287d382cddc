package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MinHealthyTest {

    private static final String TAG = "drift-deploy:min-healthy-percent";

    @Test
    void withoutTheTagTheSettingApplies() {
        assertThat(MinHealthy.of(Map.of("other", "50"), TAG, 90)).isEqualTo(new MinHealthy.Percent(90, null));
        assertThat(MinHealthy.of(Map.of(), TAG, 90).facts())
                .containsEntry("minHealthyPercent", 90).containsEntry("minHealthyFrom", "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT");
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource({"0, 0", "50, 50", "100, 100", "' 75 ', 75", "007, 7"})
    void aWholeNumberFrom0To100InTheTagApplies(String value, int percent) {
        MinHealthy minHealthy = MinHealthy.of(Map.of(TAG, value), TAG, 90);

        assertThat(minHealthy).isEqualTo(new MinHealthy.Percent(percent, TAG));
        assertThat(minHealthy.facts()).containsEntry("minHealthyPercent", percent).containsEntry("minHealthyFrom", "group tag " + TAG);
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @CsvSource({"101", "-1", "+50", "50%", "50.5", "half", "''", "1000", "' '"})
    void anythingElseIsInvalidAndNamedNeverGuessed(String value) {
        MinHealthy minHealthy = MinHealthy.of(Map.of(TAG, value), TAG, 90);

        assertThat(minHealthy).isEqualTo(new MinHealthy.Invalid(TAG, value));
        assertThat(minHealthy.facts()).containsEntry("minHealthyTag", TAG).containsEntry("minHealthyTagValue", value);
        assertThat(((MinHealthy.Invalid) minHealthy).detail("shop-blue"))
                .contains("group shop-blue carries " + TAG + "='" + value + "'").contains("not a whole number from 0 to 100");
    }
}
