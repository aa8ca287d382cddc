package io.driftdeploy.policy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An image marked bad, with the evidence it was marked on: the refresh that failed and what Auto
 * Scaling said about it when it was read. Marks written before the evidence was kept have only
 * the refresh, the group, the status and the time.
 *
 * @param status the refresh status the mark was made on (AWS's, e.g. {@code RollbackSuccessful})
 * @param statusReason AWS's StatusReason of the refresh, when it gave one
 * @param readAt when Auto Scaling was read, when known
 * @param markedAt when the mark was written (as stored: the conditional delete names it)
 */
public record BadMark(String imageId, String refreshId, String group, String status, Optional<String> statusReason,
                      Optional<Instant> readAt, String markedAt) {
    public BadMark {
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(refreshId, "refreshId");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(statusReason, "statusReason");
        Objects.requireNonNull(readAt, "readAt");
        Objects.requireNonNull(markedAt, "markedAt");
    }
}
