package io.driftdeploy.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InstanceRefreshEventTest {

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("refreshes/refresh-started.json", RefreshKind.STARTED),
                Arguments.of("refreshes/refresh-checkpoint-reached.json", RefreshKind.CHECKPOINT_REACHED),
                Arguments.of("refreshes/refresh-succeeded.json", RefreshKind.SUCCEEDED),
                Arguments.of("refreshes/refresh-failed.json", RefreshKind.FAILED),
                Arguments.of("refreshes/refresh-cancelled.json", RefreshKind.CANCELLED),
                Arguments.of("refreshes/refresh-rollback-started.json", RefreshKind.ROLLBACK_STARTED),
                Arguments.of("refreshes/refresh-rollback-succeeded.json", RefreshKind.ROLLBACK_SUCCEEDED),
                Arguments.of("refreshes/refresh-rollback-failed.json", RefreshKind.ROLLBACK_FAILED));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void eachDetailTypeMapsToItsKind(String file, RefreshKind kind) {
        InstanceRefreshEvent event = Events.parseRefresh(EventSamples.bytes(file));
        assertThat(event.kind()).isEqualTo(kind);
        assertThat(event.groupName()).isEqualTo("app-blue");
        assertThat(event.instanceRefreshId()).isEqualTo("08b91ee0-3c7d-4a2b-9e6f-5a4b3c2d1e0f");
    }

    @Test
    void checkpointCarriesPercentageAndDelay() {
        InstanceRefreshEvent event = Events.parseRefresh(EventSamples.bytes("refreshes/refresh-checkpoint-reached.json"));
        assertThat(event.checkpointPercentage()).hasValue(50);
        assertThat(event.checkpointDelay()).contains(Duration.ofSeconds(300));
    }

    @Test
    void otherKindsHaveNoCheckpoint() {
        InstanceRefreshEvent event = Events.parseRefresh(EventSamples.bytes("refreshes/refresh-succeeded.json"));
        assertThat(event.checkpointPercentage()).isEmpty();
        assertThat(event.checkpointDelay()).isEmpty();
    }

    @Test
    void startedBakingIsAnInstanceRefreshEventToo() {
        byte[] baking = EventSamples.with("refreshes/refresh-started.json", "detail-type",
                "EC2 Auto Scaling Instance Refresh Started Baking");
        assertThat(Events.parseRefresh(baking).kind()).isEqualTo(RefreshKind.STARTED_BAKING);
    }
}
