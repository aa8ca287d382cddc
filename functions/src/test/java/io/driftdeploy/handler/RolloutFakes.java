package io.driftdeploy.handler;

import static io.driftdeploy.testing.EventSamples.detail;
import static io.driftdeploy.testing.EventSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.Notifier;
import io.driftdeploy.config.Settings;
import io.driftdeploy.fakes.FakeAuditTrail;
import io.driftdeploy.fakes.FakeClock;
import io.driftdeploy.fakes.FakeEventClaims;
import io.driftdeploy.fakes.FakeImageCatalog;
import io.driftdeploy.fakes.FakeNotifier;
import io.driftdeploy.fakes.FakeRolloutFleet;
import io.driftdeploy.fakes.FakeRolloutLedger;
import io.driftdeploy.policy.DescribedImage;
import io.driftdeploy.policy.ImageRef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.driftdeploy.orchestration.Rollouts;
import io.driftdeploy.orchestration.Reporter;
import io.driftdeploy.orchestration.Telemetry;

/**
 * The images and refreshes functions built on in-memory fakes, as their fast tests use them: one
 * fleet, image catalog, ledger and set of event claims shared by both (as the real ones share AWS
 * and the table), an application "shop" with golden images made a day apart, and the events that
 * drive them.
 */
final class RolloutFakes {

    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    static final String APP_TAG = "drift-deploy:app";
    static final String STRATEGY_TAG = "drift-deploy:rollout";
    static final String APP = "shop";
    static final Map<String, String> SHOP = Map.of(APP_TAG, APP);
    static final Instant NOW = Instant.parse("2025-06-12T08:00:00Z");
    /** Golden images of the shop, oldest first: each was made a day after the one before, the last a day ago. */
    static final String V1 = "ami-0000000000000000a";
    static final String V2 = "ami-0000000000000000b";
    static final String V3 = "ami-0000000000000000c";
    static final String V4 = "ami-0000000000000000d";
    private static final List<String> GOLDEN = List.of(V1, V2, V3, V4);

    final FakeClock clock = new FakeClock(NOW);
    final FakeImageCatalog images = new FakeImageCatalog();
    final FakeRolloutFleet fleet = new FakeRolloutFleet(clock);
    final FakeRolloutLedger ledger = new FakeRolloutLedger();
    final FakeEventClaims events = new FakeEventClaims();
    final FakeNotifier notifier = new FakeNotifier();
    final FakeAuditTrail audit = new FakeAuditTrail();
    /** What both functions log, one JSON line each. */
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    final Settings settings = Settings.from(Map.of(
            "DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:drift-deploy",
            "DRIFT_DEPLOY_TABLE", "drift-deploy-ledger",
            "DRIFT_DEPLOY_ACCOUNT_ID", ACCOUNT,
            "DRIFT_DEPLOY_MODE", "enforce"));
    final ImagesHandler imagesFunction = new ImagesHandler(settings, rollouts(ImagesHandler.FUNCTION));
    final RefreshesHandler refreshesFunction = new RefreshesHandler(settings, rollouts(RefreshesHandler.FUNCTION));

    RolloutFakes() {
        GOLDEN.forEach(image -> images.register(new DescribedImage(image, DescribedImage.AVAILABLE, ACCOUNT,
                ref(image).created(), Map.of(APP_TAG, APP, "drift-deploy-golden", "true"))));
    }

    /** A golden image of the shop and when it was made. */
    static ImageRef ref(String golden) {
        return new ImageRef(golden, NOW.minus(Duration.ofDays(GOLDEN.size() - GOLDEN.indexOf(golden))));
    }

    /** The function's rollout path on the fakes. */
    Rollouts rollouts(String function) {
        return new Rollouts(settings, images, fleet, ledger, events, new Reporter(audit, notifier,
                new Telemetry(function, new PrintStream(logs, true, StandardCharsets.UTF_8), clock), clock), clock);
    }

    /** A group of the shop on a template of its own whose version 1 holds {@code image}; returns the template id. */
    String group(String name, String image) {
        String template = fleet.launchTemplate(SHOP, image);
        fleet.group(name, SHOP, template, "1");
        return template;
    }

    /** What the images function decides on a Golden Image Published event for the image, a fresh event each time. */
    Map<String, Object> publish(String imageId) {
        return imagesFunction.handle(published(imageId)).json();
    }

    /** A Golden Image Published event for the image, with a fresh event id. */
    static byte[] published(String imageId) {
        return published(imageId, UUID.randomUUID().toString());
    }

    static byte[] published(String imageId, String eventId) {
        return sample("images/golden-image-published.json", event -> {
            event.put("id", eventId);
            detail(event).put("imageId", imageId).put("app", APP).put("artifactId", REGION + ":" + imageId);
        });
    }

    /** What the refreshes function decides on the sample event {@code refreshes/<file>} for the group's refresh. */
    Map<String, Object> refreshEvent(String file, String group, String refreshId) {
        return refreshesFunction.handle(sample("refreshes/" + file, event -> detail(event)
                .put("AutoScalingGroupName", group).put("InstanceRefreshId", refreshId))).json();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> decisions(Map<String, Object> result) {
        assertThat(result).containsKey("decisions");
        return (List<Map<String, Object>>) result.get("decisions");
    }

    static Map<String, Object> single(Map<String, Object> result) {
        List<Map<String, Object>> decisions = decisions(result);
        assertThat(decisions).as("decisions in %s", result).hasSize(1);
        return decisions.get(0);
    }

    /** The reason of each audit record written, in order. */
    List<String> auditedReasons() {
        return audit.records().stream().map(Ledger.Put::attributes).map(record -> record.get("reason").s()).toList();
    }

    /** The action attribute of each notification published, in order. */
    List<String> notifiedActions() {
        return notifier.published().stream().map(Notifier.Rendered::attributes).map(attributes -> attributes.get("action")).toList();
    }
}
