package io.driftdeploy.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.testing.Storm;
import io.driftdeploy.testing.StormInvariants;
import io.driftdeploy.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

/**
 * A drift storm small enough for every build (the full size is scripts/bench-storm's): duplicate
 * deliveries, several rules per instance and concurrent invocations must not break any safety rule.
 */
class StormIT {

    @Test
    void aStormOfDuplicatedEventsOnSeveralGroupsKeepsEverySafetyRule() throws Exception {
        try (TestEnvironment env = TestEnvironment.create()) {
            Storm storm = Storm.prepare(env, new Storm.Shape(200, 4, 8, 8, 20), 1);

            StormInvariants.Outcome outcome = StormInvariants.assertHold(storm, storm.run());

            assertThat(outcome.stormAlerts()).as("the storm reaches the account's limit: %s", outcome)
                    .containsKey("account 123456789012");
            assertThat(outcome.terminations()).isEqualTo(storm.shape().maxTerminationsPerAccount());
        }
    }
}
