package io.driftdeploy.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A new image was announced, by one of the three {@link ImageSource}s, each of which says
 * something different about it: an AMI id and its state, an Image Builder build and its status,
 * or an AMI id and the application a publisher names.
 *
 * <p>States that are valid but not actionable (an AMI that {@code failed}, an Image Builder build
 * that is not {@code AVAILABLE}) parse fine and carry their state: the policy decides to skip
 * them with a reason ({@link #reportedAvailable()} is false), rather than the parser failing.
 */
public sealed interface ImageAvailable {

    /** The EventBridge event id. */
    String eventId();

    /** The account of the event. */
    String account();

    /** The region of the event. */
    String region();

    /** When the event was emitted. */
    Instant eventTime();

    ImageSource source();

    /**
     * Whether the event itself says the image can be used. The AWS adapter verifies every image
     * (exists, available, trusted owner, app tag) whatever the event says.
     */
    boolean reportedAvailable();

    /**
     * EC2's {@code EC2 AMI State Change}.
     *
     * @param state {@code available}, {@code failed}, ...
     */
    record AmiStateChange(String eventId, String account, String region, Instant eventTime, String imageId, String state)
            implements ImageAvailable {

        public AmiStateChange {
            Objects.requireNonNull(imageId, "imageId");
            Objects.requireNonNull(state, "state");
        }

        @Override
        public ImageSource source() {
            return ImageSource.AMI_STATE_CHANGE;
        }

        @Override
        public boolean reportedAvailable() {
            return state.equals("available");
        }
    }

    /**
     * EC2 Image Builder's {@code EC2 Image Builder Image State Change}: it names the image build
     * version, whose AMI the AWS adapter resolves with GetImage.
     *
     * @param status {@code AVAILABLE}, {@code FAILED}, ...
     */
    record ImageBuilderStateChange(String eventId, String account, String region, Instant eventTime,
                                   String imageBuilderImageArn, String status) implements ImageAvailable {

        public ImageBuilderStateChange {
            Objects.requireNonNull(imageBuilderImageArn, "imageBuilderImageArn");
            Objects.requireNonNull(status, "status");
        }

        @Override
        public ImageSource source() {
            return ImageSource.IMAGE_BUILDER;
        }

        @Override
        public boolean reportedAvailable() {
            return status.equals("AVAILABLE");
        }
    }

    /**
     * drift-deploy's {@code Golden Image Published}: by definition the announcement of a finished
     * image.
     *
     * @param app the application the publisher says the image is for; the image's own app tag
     *     stays the authority
     */
    record GoldenImagePublished(String eventId, String account, String region, Instant eventTime, String imageId,
                                String app) implements ImageAvailable {

        public GoldenImagePublished {
            Objects.requireNonNull(imageId, "imageId");
            Objects.requireNonNull(app, "app");
        }

        @Override
        public ImageSource source() {
            return ImageSource.GOLDEN_IMAGE_PUBLISHED;
        }

        @Override
        public boolean reportedAvailable() {
            return true;
        }
    }
}
