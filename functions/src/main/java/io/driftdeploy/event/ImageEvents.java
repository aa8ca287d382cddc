package io.driftdeploy.event;

import io.driftdeploy.event.ImageAvailable.AmiStateChange;
import io.driftdeploy.event.ImageAvailable.GoldenImagePublished;
import io.driftdeploy.event.ImageAvailable.ImageBuilderStateChange;
import java.util.Arrays;
import java.util.List;

/** Parses the three events that announce an image into the {@link ImageAvailable} each stands for. */
final class ImageEvents {

    private ImageEvents() {
    }

    static ImageAvailable parse(EventEnvelope envelope) {
        ImageSource source = sourceOf(envelope);
        JsonField detail = envelope.detailField();
        return switch (source) {
            case AMI_STATE_CHANGE -> new AmiStateChange(envelope.id(), envelope.account(), envelope.region(),
                    envelope.time(), detail.text("ImageId", FieldLimits.AMI_ID), detail.text("State", FieldLimits.IMAGE_STATE));
            case IMAGE_BUILDER -> new ImageBuilderStateChange(envelope.id(), envelope.account(), envelope.region(),
                    envelope.time(), imageBuilderArn(envelope), detail.object("state").text("status", FieldLimits.IMAGE_STATE));
            case GOLDEN_IMAGE_PUBLISHED -> new GoldenImagePublished(envelope.id(), envelope.account(), envelope.region(),
                    envelope.time(), detail.text("imageId", FieldLimits.AMI_ID), detail.text("app", FieldLimits.TAG_VALUE));
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
