package io.driftdeploy.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.event.ImageAvailable.AmiStateChange;
import io.driftdeploy.event.ImageAvailable.GoldenImagePublished;
import io.driftdeploy.event.ImageAvailable.ImageBuilderStateChange;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageAvailableTest {

    private static ImageAvailable parse(String file) {
        return Events.parseImage(EventSamples.bytes(file));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "images/ami-available.json, AMI_STATE_CHANGE, io.driftdeploy.event.ImageAvailable$AmiStateChange",
            "images/ami-failed.json, AMI_STATE_CHANGE, io.driftdeploy.event.ImageAvailable$AmiStateChange",
            "images/imagebuilder-available.json, IMAGE_BUILDER, io.driftdeploy.event.ImageAvailable$ImageBuilderStateChange",
            "images/imagebuilder-failed.json, IMAGE_BUILDER, io.driftdeploy.event.ImageAvailable$ImageBuilderStateChange",
            "images/golden-image-published.json, GOLDEN_IMAGE_PUBLISHED, io.driftdeploy.event.ImageAvailable$GoldenImagePublished"})
    void eachSourceParsesIntoItsOwnKindOfAnnouncement(String file, ImageSource source, Class<?> kind) {
        ImageAvailable image = parse(file);

        assertThat(image).isInstanceOf(kind);
        assertThat(image.source()).isEqualTo(source);
    }

    @Test
    void availableAmi() {
        assertThat(parse("images/ami-available.json")).isEqualTo(new AmiStateChange(
                "e1d2c3b4-a596-4877-8a9b-0c1d2e3f4a66", "123456789012", "us-east-1",
                Instant.parse("2025-06-12T07:42:19Z"), "ami-0fedcba9876543210", "available"));
        assertThat(parse("images/ami-available.json").reportedAvailable()).isTrue();
    }

    @Test
    void failedAmiParsesButIsNotReportedAvailable() {
        ImageAvailable image = parse("images/ami-failed.json");
        assertThat(image).isInstanceOfSatisfying(AmiStateChange.class, ami -> assertThat(ami.state()).isEqualTo("failed"));
        assertThat(image.reportedAvailable()).isFalse();
    }

    @Test
    void imageBuilderNamesTheBuildVersionNotTheAmi() {
        ImageAvailable image = parse("images/imagebuilder-available.json");
        assertThat(image).isInstanceOfSatisfying(ImageBuilderStateChange.class, build -> assertThat(build.imageBuilderImageArn())
                .isEqualTo("arn:aws:imagebuilder:us-east-1:123456789012:image/app-golden/1.4.0/3"));
        assertThat(image.reportedAvailable()).isTrue();
    }

    @Test
    void failedImageBuilderBuildIsNotReportedAvailable() {
        ImageAvailable image = parse("images/imagebuilder-failed.json");
        assertThat(image).isInstanceOfSatisfying(ImageBuilderStateChange.class,
                build -> assertThat(build.status()).isEqualTo("FAILED"));
        assertThat(image.reportedAvailable()).isFalse();
    }

    @Test
    void goldenImagePublishedNamesImageAndApp() {
        ImageAvailable image = parse("images/golden-image-published.json");
        assertThat(image).isInstanceOfSatisfying(GoldenImagePublished.class, golden -> {
            assertThat(golden.imageId()).isEqualTo("ami-0fedcba9876543210");
            assertThat(golden.app()).isEqualTo("app");
        });
        assertThat(image.reportedAvailable()).isTrue();
    }

    @Test
    void onlyTheStateThatMeansAvailableIsReportedAvailable() {
        Instant at = Instant.parse("2025-06-12T07:42:19Z");
        assertThat(new AmiStateChange("e", "a", "r", at, "ami-1", "AVAILABLE").reportedAvailable()).isFalse();
        assertThat(new ImageBuilderStateChange("e", "a", "r", at, "arn", "available").reportedAvailable()).isFalse();
    }
}
