package io.driftdeploy.event;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A new image was announced, from any of the three {@link ImageSource}s.
 *
 * <p>States that are valid but not actionable (an AMI that {@code failed}, an Image Builder build
 * that is not {@code AVAILABLE}) parse fine and carry their state: the policy decides to skip
 * them with a reason ({@link #reportedAvailable()} is false), rather than the parser failing.
 *
 * @param eventId EventBridge event id
 * @param account account of the event
 * @param region region of the event
 * @param eventTime when the event was emitted
 * @param source which event announced the image
 * @param imageId the AMI id, when the event names it (AMI state change, Golden Image Published);
 *     for Image Builder the AWS adapter resolves it with GetImage
 * @param imageBuilderImageArn the image build version ARN, for Image Builder only
 * @param app the application the publisher says the image is for (Golden Image Published only);
 *     the image's own app tag stays the authority
 * @param reportedState the state the event reports ({@code available}/{@code failed}/... for AMIs,
 *     {@code AVAILABLE}/{@code FAILED}/... for Image Builder); empty for Golden Image Published
 */
public record ImageAvailable(
        String eventId,
        String account,
        String region,
        Instant eventTime,
        ImageSource source,
        Optional<String> imageId,
        Optional<String> imageBuilderImageArn,
        Optional<String> app,
        Optional<String> reportedState) {

    /**
     * Whether the event itself says the image can be used. A Golden Image Published event is by
     * definition an announcement of a finished image; the AWS adapter verifies every image
     * (exists, available, trusted owner, app tag) whatever the event says.
     */
    public boolean reportedAvailable() {
        return switch (source) {
            case AMI_STATE_CHANGE -> reportedState.equals(Optional.of("available"));
            case IMAGE_BUILDER -> reportedState.equals(Optional.of("AVAILABLE"));
            case GOLDEN_IMAGE_PUBLISHED -> true;
        };
    }

    static ImageAvailable from(EventEnvelope envelope) {
        ImageSource source = sourceOf(envelope);
        JsonField detail = envelope.detailField();
        return switch (source) {
            case AMI_STATE_CHANGE -> new ImageAvailable(
                    envelope.id(), envelope.account(), envelope.region(), envelope.time(), source,
                    Optional.of(detail.text("ImageId", FieldLimits.AMI_ID)),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(detail.text("State", FieldLimits.IMAGE_STATE)));
            case IMAGE_BUILDER -> new ImageAvailable(
                    envelope.id(), envelope.account(), envelope.region(), envelope.time(), source,
                    Optional.empty(),
                    Optional.of(imageBuilderArn(envelope)),
                    Optional.empty(),
                    Optional.of(detail.object("state").text("status", FieldLimits.IMAGE_STATE)));
            case GOLDEN_IMAGE_PUBLISHED -> new ImageAvailable(
                    envelope.id(), envelope.account(), envelope.region(), envelope.time(), source,
                    Optional.of(detail.text("imageId", FieldLimits.AMI_ID)),
                    Optional.empty(),
                    Optional.of(detail.text("app", FieldLimits.TAG_VALUE)),
                    Optional.empty());
        };
    }

    private static ImageSource sourceOf(EventEnvelope envelope) {
        ImageSource source = Arrays.stream(ImageSource.values())
                .filter(candidate -> candidate.source().equals(envelope.source()))
                .findFirst()
                .orElseThrow(() -> new InvalidEventException("source", "expected one of "
                        + Arrays.stream(ImageSource.values()).map(ImageSource::source).toList()
                        + ", got " + FieldLimits.echo(envelope.source())));
        envelope.requireDetailType(source.detailType());
        return source;
    }

    /**
     * The image build version ARN Image Builder puts first in {@code resources}, parsed whole: it is
     * passed to GetImage, so no {@code ..}, no extra path segment and no trailing text gets through.
     */
    private static String imageBuilderArn(EventEnvelope envelope) {
        List<String> resources = envelope.resources();
        if (resources.isEmpty()) {
            throw new InvalidEventException("resources", "expected the image build version ARN, got none");
        }
        return FieldLimits.IMAGE_BUILDER_ARN.check(resources.getFirst(), "resources[0]");
    }
}
