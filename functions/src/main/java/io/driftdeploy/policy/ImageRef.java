package io.driftdeploy.policy;

import java.time.Instant;
import java.util.Objects;

/** An AMI and when it was created: all that the ordering rule needs to know about an image. */
public record ImageRef(String imageId, Instant created) {

    public ImageRef {
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(created, "created");
    }

    /**
     * Strictly newer, by creation time. The same image, or one created at the same instant, is not
     * newer: a replayed event must never start a second rollout of what a group already has.
     */
    public boolean newerThan(ImageRef other) {
        return !imageId.equals(other.imageId) && created.isAfter(other.created);
    }
}
