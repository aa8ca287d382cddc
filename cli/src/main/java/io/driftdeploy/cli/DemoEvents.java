package io.driftdeploy.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.EventSamples;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

/**
 * The demo's events: the samples from events/, exactly as AWS sends them, with only the ids
 * rewritten to the seeded resources, a fresh event id and the current time (testkit's builders,
 * which the tests use too).
 */
final class DemoEvents {

    /** events/drift/config-noncompliant-ec2.json for this instance and rule, evaluated now. */
    byte[] nonCompliant(String ruleName, String instanceId, Instant now) {
        return ComplianceEvents.nonCompliant(ruleName, instanceId).orderedAt(now).recordedAt(now).bytes();
    }

    /** events/images/golden-image-published.json: the Packer pipeline announcing a new image of the app. */
    byte[] goldenImagePublished(String imageId, String app, Instant now) {
        return sample("images/golden-image-published.json", now, event -> ((ObjectNode) event.get("detail"))
                .put("imageId", imageId).put("app", app).put("buildName", app)
                .put("buildTime", now.getEpochSecond()).put("artifactId", event.get("region").asText() + ":" + imageId));
    }

    /** events/images/ami-available.json: EC2 saying that an image became available. */
    byte[] amiAvailable(String imageId, Instant now) {
        return sample("images/ami-available.json", now, event -> {
            ((ObjectNode) event.get("detail")).put("ImageId", imageId);
            ((ArrayNode) event.get("resources")).removeAll().add("arn:aws:ec2:" + event.get("region").asText() + "::image/" + imageId);
        });
    }

    /** events/refreshes/refresh-succeeded.json for this group and refresh. */
    byte[] refreshSucceeded(String groupName, String refreshId, Instant now) {
        return sample("refreshes/refresh-succeeded.json", now, event -> {
            ((ObjectNode) event.get("detail")).put("AutoScalingGroupName", groupName).put("InstanceRefreshId", refreshId);
            String groupArn = event.get("resources").get(0).asText().replaceFirst("autoScalingGroupName/.*$", "autoScalingGroupName/" + groupName);
            ((ArrayNode) event.get("resources")).removeAll().add(groupArn);
        });
    }

    /** The sample with a fresh event id, sent now, edited. */
    private static byte[] sample(String file, Instant now, Consumer<ObjectNode> edit) {
        return EventSamples.sample(file, event -> {
            event.put("time", now.truncatedTo(ChronoUnit.SECONDS).toString());
            edit.accept(event);
        });
    }
}
