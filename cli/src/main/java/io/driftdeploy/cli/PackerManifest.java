package io.driftdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The file Packer's {@code manifest} post-processor writes: {@code builds[]}, each with
 * {@code name}, {@code builder_type}, {@code build_time} (epoch seconds; absent with
 * {@code strip_time}), {@code artifact_id} and {@code packer_run_uuid}, and {@code last_run_uuid}
 * naming the latest run. Without {@code -force} every run appends its builds, so the file holds
 * history; for AMI builders {@code artifact_id} is {@code region:ami-id}, comma-separated when
 * the AMI was copied to several regions.
 */
final class PackerManifest {

    /** A manifest that cannot be published from; the message names the field. */
    static final class InvalidManifestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidManifestException(String field, String problem) {
            super(field + ": " + problem);
        }
    }

    /**
     * The build chosen from the manifest, with its AMI in the region being published to.
     *
     * @param artifactId the build's whole artifact_id, every region's AMI
     */
    record Build(String name, OptionalLong buildTime, String artifactId, String imageId) {
    }

    private static final Pattern AMI_ID = Pattern.compile("ami-(?:[0-9a-f]{8}|[0-9a-f]{17})");

    private PackerManifest() {
    }

    /**
     * Picks the build to publish: the one named by {@code buildName}, else the one the last run
     * produced; the newest (last written) wins when several match.
     */
    static Build select(Path manifest, Optional<String> buildName, String region) {
        JsonNode root = read(manifest);
        JsonNode builds = root.path("builds");
        if (!builds.isArray() || builds.isEmpty()) {
            throw new InvalidManifestException("builds", "expected a non-empty list of builds in " + manifest);
        }
        Optional<String> lastRun = text(root, "last_run_uuid");
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < builds.size(); i++) {
            JsonNode build = builds.get(i);
            boolean wanted = buildName.isPresent()
                    ? buildName.get().equals(build.path("name").asText(null))
                    : lastRun.isEmpty() || lastRun.get().equals(build.path("packer_run_uuid").asText(null));
            if (wanted) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            throw buildName.isPresent()
                    ? new InvalidManifestException("builds[].name", "no build named " + buildName.get()
                            + " (builds: " + names(builds, IntStream.range(0, builds.size()).boxed().toList()) + ")")
                    : new InvalidManifestException("last_run_uuid", "no build has packer_run_uuid " + lastRun.orElseThrow());
        }
        if (buildName.isEmpty() && distinctNames(builds, candidates) > 1) {
            throw new InvalidManifestException("builds", "the last run produced several builds (" + names(builds, candidates)
                    + "); choose one with --build");
        }
        int index = candidates.get(candidates.size() - 1);
        return build(builds.get(index), "builds[" + index + "]", region);
    }

    private static Build build(JsonNode build, String path, String region) {
        String name = text(build, "name").orElseThrow(() -> new InvalidManifestException(path + ".name", "missing"));
        String artifactId = text(build, "artifact_id")
                .orElseThrow(() -> new InvalidManifestException(path + ".artifact_id", "missing"));
        Map<String, String> amiByRegion = new LinkedHashMap<>();
        for (String entry : artifactId.split(",")) {
            String[] parts = entry.strip().split(":", 2);
            if (parts.length != 2 || !AMI_ID.matcher(parts[1]).matches()) {
                throw new InvalidManifestException(path + ".artifact_id",
                        "expected region:ami-id[,region:ami-id...], got " + artifactId);
            }
            amiByRegion.put(parts[0], parts[1]);
        }
        String imageId = amiByRegion.get(region);
        if (imageId == null) {
            throw new InvalidManifestException(path + ".artifact_id",
                    "no AMI for region " + region + " (has " + String.join(", ", amiByRegion.keySet()) + ")");
        }
        JsonNode time = build.path("build_time");
        if (!time.isMissingNode() && !time.isNull() && !time.canConvertToLong()) {
            throw new InvalidManifestException(path + ".build_time", "expected epoch seconds, got " + time);
        }
        OptionalLong buildTime = time.canConvertToLong() ? OptionalLong.of(time.asLong()) : OptionalLong.empty();
        return new Build(name, buildTime, artifactId, imageId);
    }

    private static JsonNode read(Path manifest) {
        try {
            JsonNode root = CliJson.mapper().readTree(Files.readAllBytes(manifest));
            if (root == null || !root.isObject()) {
                throw new InvalidManifestException("$", manifest + " is not a JSON object");
            }
            return root;
        } catch (NoSuchFileException missing) {
            throw new InvalidManifestException("--manifest", "no such file: " + manifest);
        } catch (IOException unreadable) {
            throw new InvalidManifestException("$", manifest + " is not valid JSON: " + unreadable.getMessage());
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText().strip()) : Optional.empty();
    }

    private static long distinctNames(JsonNode builds, List<Integer> indexes) {
        return indexes.stream().map(i -> builds.get(i).path("name").asText("")).distinct().count();
    }

    private static String names(JsonNode builds, List<Integer> indexes) {
        return String.join(", ", indexes.stream().map(i -> builds.get(i).path("name").asText("?")).distinct().toList());
    }
}
