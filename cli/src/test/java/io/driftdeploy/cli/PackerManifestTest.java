package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackerManifestTest {

    @TempDir
    Path dir;

    /** Four builds over three runs, as the manifest post-processor appends them without -force. */
    static Path sample() {
        try {
            return Path.of(PackerManifestTest.class.getResource("/packer/manifest.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("manifest.json"), json);
    }

    @Test
    void takesTheLastRunsBuildAndItsAmiInTheRegion() {
        PackerManifest.Build build = PackerManifest.select(sample(), Optional.empty(), "us-east-1");

        assertThat(build).isEqualTo(new PackerManifest.Build("app", OptionalLong.of(1749714058),
                "us-east-1:ami-0a1b2c3d4e5f60004,eu-west-1:ami-0f9e8d7c6b5a40004", "ami-0a1b2c3d4e5f60004"));
        assertThat(PackerManifest.select(sample(), Optional.empty(), "eu-west-1").imageId()).isEqualTo("ami-0f9e8d7c6b5a40004");
    }

    @Test
    void aNamedBuildIsTheNewestWithThatName() {
        assertThat(PackerManifest.select(sample(), Optional.of("app-arm64"), "us-east-1").imageId())
                .isEqualTo("ami-0a1b2c3d4e5f60003");
        assertThat(PackerManifest.select(sample(), Optional.of("app"), "us-east-1").imageId())
                .isEqualTo("ami-0a1b2c3d4e5f60004");
    }

    @Test
    void aRunWithSeveralBuildsNeedsOneChosen() throws IOException {
        Path manifest = write(Files.readString(sample()).replace("d5e6f7a8-b9c0-4d1e-8f2a-4b5c6d7e8f04\"\n}",
                "8c2d4f1e-3a5b-4e77-8b90-2d4f6a8c0e02\"\n}"));

        assertThatThrownBy(() -> PackerManifest.select(manifest, Optional.empty(), "us-east-1"))
                .hasMessage("builds: the last run produced several builds (app, app-arm64); choose one with --build");
    }

    @Test
    void errorsNameTheField() throws IOException {
        assertThatThrownBy(() -> PackerManifest.select(sample(), Optional.empty(), "ap-south-1"))
                .hasMessage("builds[3].artifact_id: no AMI for region ap-south-1 (has us-east-1, eu-west-1)");
        assertThatThrownBy(() -> PackerManifest.select(sample(), Optional.of("windows"), "us-east-1"))
                .hasMessage("builds[].name: no build named windows (builds: app, app-arm64)");
        assertThatThrownBy(() -> PackerManifest.select(write("{\"builds\": []}"), Optional.empty(), "us-east-1"))
                .hasMessageStartingWith("builds: expected a non-empty list of builds");
        assertThatThrownBy(() -> PackerManifest.select(write("{\"builds\": [{\"name\": \"app\", \"artifact_id\": \"us-east-1:sha256:abc\"}]}"),
                Optional.empty(), "us-east-1"))
                .hasMessage("builds[0].artifact_id: expected region:ami-id[,region:ami-id...], got us-east-1:sha256:abc");
        assertThatThrownBy(() -> PackerManifest.select(write("{\"builds\": [{\"name\": \"app\"}]}"), Optional.empty(), "us-east-1"))
                .hasMessage("builds[0].artifact_id: missing");
        assertThatThrownBy(() -> PackerManifest.select(write("{\"builds\": [{\"name\": \"app\", \"build_time\": \"yesterday\","
                + " \"artifact_id\": \"us-east-1:ami-0a1b2c3d4e5f60004\"}]}"), Optional.empty(), "us-east-1"))
                .hasMessage("builds[0].build_time: expected epoch seconds, got \"yesterday\"");
        assertThatThrownBy(() -> PackerManifest.select(write("not json"), Optional.empty(), "us-east-1"))
                .hasMessageStartingWith("$: ");
        assertThatThrownBy(() -> PackerManifest.select(dir.resolve("absent.json"), Optional.empty(), "us-east-1"))
                .hasMessageStartingWith("--manifest: no such file");
    }

    @Test
    void aStrippedBuildTimeIsLeftOut() throws IOException {
        Path manifest = write("{\"builds\": [{\"name\": \"app\", \"artifact_id\": \"us-east-1:ami-0a1b2c3d4e5f60004\","
                + " \"packer_run_uuid\": \"r1\"}], \"last_run_uuid\": \"r1\"}");

        assertThat(PackerManifest.select(manifest, Optional.empty(), "us-east-1").buildTime()).isEmpty();
    }
}
