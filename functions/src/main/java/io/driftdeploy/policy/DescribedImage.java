package io.driftdeploy.policy;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An AMI as EC2 describes it, reduced to what the rollout rules look at.
 *
 * @param state EC2's image state: pending, available, invalid, deregistered, transient, failed,
 *     error, disabled
 */
public record DescribedImage(String imageId, String state, String ownerId, Instant created, Map<String, String> tags) {

    public static final String AVAILABLE = "available";

    public DescribedImage {
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(created, "created");
        tags = Map.copyOf(tags);
    }

    public boolean available() {
        return AVAILABLE.equals(state);
    }

    /** The tag's value, when present and not blank. */
    public Optional<String> tag(String key) {
        return Optional.ofNullable(tags.get(key)).map(String::strip).filter(value -> !value.isEmpty());
    }

    public ImageRef ref() {
        return new ImageRef(imageId, created);
    }
}
