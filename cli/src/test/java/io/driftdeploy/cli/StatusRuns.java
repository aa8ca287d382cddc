package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;

/**
 * What the status ITs share: status run on the emulator, the real drift handler's decision before
 * it, and what status printed, taken apart (each group's block, its rows and its last decisions).
 */
final class StatusRuns {

    private StatusRuns() {
    }

    /** status with these arguments in the emulator's region, run as a person would; it must exit 0. */
    static CliRun status(Map<String, String> environment, String... args) {
        CliRun run = run(environment, args);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return run;
    }

    /** status with these arguments in the emulator's region, whatever its exit status. */
    static CliRun run(Map<String, String> environment, String... args) {
        List<String> all = new ArrayList<>(List.of("status"));
        all.addAll(List.of(args));
        all.addAll(List.of("--region", Emulator.REGION.id()));
        return CliRun.of(environment, all.toArray(String[]::new));
    }

    /** The drift function's decision on the event, by invoke as a person pipes it in; it must exit 0. */
    static JsonNode driftDecision(Map<String, String> environment, byte[] event) throws IOException {
        CliRun run = CliRun.withInput(environment, new String(event, StandardCharsets.UTF_8),
                "invoke", "drift", "-", "--region", Emulator.REGION.id());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return CliJson.mapper().readTree(run.out());
    }

    /** An image's creation time as status prints it. */
    static String created(Sandbox env, String imageId) {
        return Instant.parse(env.clients.ec2().describeImages(request -> request.imageIds(imageId)).images().get(0).creationDate())
                .toString();
    }

    /** Each group's block of lines, by the group it starts with ("GROUP name"). */
    static Map<String, List<String>> blocks(CliRun run) {
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        List<String> block = null;
        for (String line : run.out().lines().toList()) {
            if (line.startsWith("GROUP ")) {
                block = new ArrayList<>();
                blocks.put(line.substring("GROUP ".length()), block);
            } else if (!line.isEmpty()) {
                assertThat(block).as(run.toString()).isNotNull();
                block.add(line);
            }
        }
        return blocks;
    }

    /** The rows above the last decisions, as label|value (labels are padded to their column). */
    static List<String> rows(List<String> block) {
        return block.stream().takeWhile(line -> !line.equals("  last decisions"))
                .map(line -> line.substring(2, 2 + StatusTable.LABEL_WIDTH).strip() + "|" + line.substring(3 + StatusTable.LABEL_WIDTH))
                .toList();
    }

    /** The history table under "last decisions": FUNCTION|SUBJECT|DECISION|REASON|ACTIONS|EVENT ID of each row. */
    static List<String> decisions(List<String> block) {
        List<String> table = block.subList(block.indexOf("  last decisions") + 1, block.size());
        assertThat(table.get(0).strip().split(" {2,}"))
                .containsExactly("WHEN", "FUNCTION", "SUBJECT", "DECISION", "REASON", "ACTIONS", "EVENT ID");
        return table.stream().skip(1).map(line -> {
            List<String> cells = List.of(line.strip().split(" {2,}"));
            assertThat(Instant.parse(cells.get(0))).isBefore(Instant.now());
            return String.join("|", cells.subList(1, cells.size()));
        }).toList();
    }

    /** What the capacity row counts: the group's InService instances that are Healthy. */
    static int healthyInService(AutoScalingGroup group) {
        return (int) group.instances().stream()
                .filter(instance -> "InService".equals(instance.lifecycleStateAsString()) && "Healthy".equals(instance.healthStatus()))
                .count();
    }
}
