package io.driftdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The demo's events: the samples from events/, exactly as AWS sends them, with only the ids
 * rewritten to the seeded resources, a fresh event id and the current time.
 */
final class DemoEvents {

    /** The account every sample names, and the emulator's own (moto's default account): the demo acts in it. */
    static final String ACCOUNT_ID = "123456789012";


    private final Path eventsDir;

    DemoEvents(Path eventsDir) {
        this.eventsDir = eventsDir;
    }

    /** events/drift/config-noncompliant-ec2.json for this instance and rule, evaluated now. */
    byte[] nonCompliant(String ruleName, String instanceId, Instant now) {
        ObjectNode event = sample("drift/config-noncompliant-ec2.json", now);
        ObjectNode detail = (ObjectNode) event.get("detail");
        detail.put("configRuleName", ruleName).put("resourceId", instanceId);
        for (String evaluation : new String[] {"newEvaluationResult", "oldEvaluationResult"}) {
            ObjectNode identifier = (ObjectNode) detail.get(evaluation).get("evaluationResultIdentifier");
            ((ObjectNode) identifier.get("evaluationResultQualifier")).put("configRuleName", ruleName).put("resourceId", instanceId);
        }
        ((ObjectNode) detail.get("newEvaluationResult").get("evaluationResultIdentifier")).put("orderingTimestamp", now.toString());
        ((ObjectNode) detail.get("newEvaluationResult")).put("resultRecordedTime", now.toString());
        return bytes(event);
    }

    /** events/images/golden-image-published.json: the Packer pipeline announcing a new image of the app. */
    byte[] goldenImagePublished(String imageId, String app, Instant now) {
        ObjectNode event = sample("images/golden-image-published.json", now);
        ((ObjectNode) event.get("detail")).put("imageId", imageId).put("app", app).put("buildName", app)
                .put("buildTime", now.getEpochSecond()).put("artifactId", event.get("region").asText() + ":" + imageId);
        return bytes(event);
    }

    /** events/images/ami-available.json: EC2 saying that an image became available. */
    byte[] amiAvailable(String imageId, Instant now) {
        ObjectNode event = sample("images/ami-available.json", now);
        ((ObjectNode) event.get("detail")).put("ImageId", imageId);
        ((ArrayNode) event.get("resources")).removeAll().add("arn:aws:ec2:" + event.get("region").asText() + "::image/" + imageId);
        return bytes(event);
    }

    /** events/refreshes/refresh-succeeded.json for this group and refresh. */
    byte[] refreshSucceeded(String groupName, String refreshId, Instant now) {
        ObjectNode event = sample("refreshes/refresh-succeeded.json", now);
        ((ObjectNode) event.get("detail")).put("AutoScalingGroupName", groupName).put("InstanceRefreshId", refreshId);
        String groupArn = event.get("resources").get(0).asText().replaceFirst("autoScalingGroupName/.*$", "autoScalingGroupName/" + groupName);
        ((ArrayNode) event.get("resources")).removeAll().add(groupArn);
        return bytes(event);
    }

    private ObjectNode sample(String file, Instant now) {
        Path path = eventsDir.resolve(file);
        JsonNode sample;
        try {
            sample = CliJson.mapper().readTree(path.toFile());
        } catch (IOException e) {
            throw new CliFailure("cannot read the sample event " + path + ": " + e.getMessage());
        }
        return ((ObjectNode) sample).put("id", UUID.randomUUID().toString()).put("time", now.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static byte[] bytes(JsonNode event) {
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }
}
