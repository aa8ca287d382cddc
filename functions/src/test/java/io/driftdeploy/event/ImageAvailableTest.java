package io.driftdeploy.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageAvailableTest {

    private static ImageAvailable parse(String file) {
        return Events.parseImage(EventSamples.bytes(file));
    }

    @Test
    void availableAmi() {
        assertThat(parse("images/ami-available.json")).isEqualTo(new ImageAvailable(
                "e1d2c3b4-a596-4877-8a9b-0c1d2e3f4a66", "123456789012", "us-east-1",
                Instant.parse("2025-06-12T07:42:19Z"), ImageSource.AMI_STATE_CHANGE,
                Optional.of("ami-0fedcba9876543210"), Optional.empty(), Optional.empty(), Optional.of("available")));
        assertThat(parse("images/ami-available.json").reportedAvailable()).isTrue();
    }

    @Test
    void failedAmiParsesButIsNotReportedAvailable() {
        ImageAvailable image = parse("images/ami-failed.json");
        assertThat(image.reportedState()).contains("failed");
        assertThat(image.reportedAvailable()).isFalse();
    }

    @Test
    void imageBuilderNamesTheBuildVersionNotTheAmi() {
        ImageAvailable image = parse("images/imagebuilder-available.json");
        assertThat(image.source()).isEqualTo(ImageSource.IMAGE_BUILDER);
        assertThat(image.imageBuilderImageArn())
                .contains("arn:aws:imagebuilder:us-east-1:123456789012:image/app-golden/1.4.0/3");
        assertThat(image.imageId()).isEmpty();
        assertThat(image.reportedAvailable()).isTrue();
    }

    @Test
    void failedImageBuilderBuildIsNotReportedAvailable() {
        ImageAvailable image = parse("images/imagebuilder-failed.json");
        assertThat(image.reportedState()).contains("FAILED");
        assertThat(image.reportedAvailable()).isFalse();
    }

    @Test
    void goldenImagePublishedNamesImageAndApp() {
        ImageAvailable image = parse("images/golden-image-published.json");
        assertThat(image.source()).isEqualTo(ImageSource.GOLDEN_IMAGE_PUBLISHED);
        assertThat(image.imageId()).contains("ami-0fedcba9876543210");
        assertThat(image.app()).contains("app");
        assertThat(image.reportedState()).isEmpty();
        assertThat(image.reportedAvailable()).isTrue();
    }
}
