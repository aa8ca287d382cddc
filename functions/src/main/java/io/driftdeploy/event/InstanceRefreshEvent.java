package io.driftdeploy.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An Auto Scaling instance refresh changed status.
 *
 * @param eventId EventBridge event id
 * @param account account of the event
 * @param region region of the event
 * @param eventTime when the event was emitted
 * @param kind which status change
 * @param groupName the Auto Scaling group
 * @param instanceRefreshId the refresh
 * @param checkpointPercentage share of instances replaced at the checkpoint (Checkpoint Reached)
 * @param checkpointDelay how long the refresh waits at the checkpoint (Checkpoint Reached)
 */
public record InstanceRefreshEvent(
        String eventId,
        String account,
        String region,
        Instant eventTime,
        RefreshKind kind,
        String groupName,
        String instanceRefreshId,
        OptionalInt checkpointPercentage,
        Optional<Duration> checkpointDelay) {

    static InstanceRefreshEvent from(EventEnvelope envelope) {
        envelope.requireSource(RefreshKind.SOURCE);
        RefreshKind kind = Arrays.stream(RefreshKind.values())
                .filter(candidate -> candidate.detailType().equals(envelope.detailType()))
                .findFirst()
                .orElseThrow(() -> new InvalidEventException("detail-type",
                        "expected an instance refresh event (" + RefreshKind.STARTED.detailType()
                                + ", ...), got " + FieldLimits.echo(envelope.detailType())));
        JsonField detail = envelope.detailField();
        OptionalInt delaySeconds = detail.optionalInt("CheckpointDelay", 0, FieldLimits.MAX_CHECKPOINT_DELAY_SECONDS);
        return new InstanceRefreshEvent(
                envelope.id(),
                envelope.account(),
                envelope.region(),
                envelope.time(),
                kind,
                detail.text("AutoScalingGroupName", FieldLimits.GROUP_NAME),
                detail.text("InstanceRefreshId", FieldLimits.INSTANCE_REFRESH_ID),
                detail.optionalInt("CheckpointPercentage", 0, FieldLimits.MAX_CHECKPOINT_PERCENTAGE),
                delaySeconds.isPresent() ? Optional.of(Duration.ofSeconds(delaySeconds.getAsInt())) : Optional.empty());
    }
}
