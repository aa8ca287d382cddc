package io.driftdeploy.it;

import static io.driftdeploy.testing.EventSamples.detail;
import static io.driftdeploy.testing.EventSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.RolloutLedger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.ImageSource;
import io.driftdeploy.handler.ImagesHandler;
import io.driftdeploy.handler.RefreshesHandler;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.policy.BadMark;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefresh;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefreshStatus;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.ResponseLaunchTemplateData;

/** The images and refreshes functions against the emulator: a golden image rolls out by instance refresh. */
class RolloutIT {

    private static final String APP_TAG = "drift-deploy:app";
    /** The default DRIFT_DEPLOY_GOLDEN_IMAGE_TAG, which the drift rule checks too. */
    private static final String GOLDEN_TAG = "drift-deploy-golden";
    private static final String MIN_HEALTHY_TAG = "drift-deploy:min-healthy-percent";
    private static final String BUDGET_TAG = "drift-deploy:budget";
    private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(90);

    private final TestEnvironment env = TestEnvironment.create();
    private final String app = env.prefix + "-shop";
    private final Clock clock = Clock.systemUTC();
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    // --- the tests -----------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ImageSource.class)
    void eachImageSourceRefreshesTheTaggedGroupOnlyOntoATemplateVersionWithTheNewImage(ImageSource source) {
        String running = goldenImage("v1");
        TestGroup target = env.group("blue").instances(2).tag(APP_TAG, app).image(running).create();
        TestGroup otherApp = env.group("other").instances(1).tag(APP_TAG, app + "-other").image(running).create();
        TestGroup untagged = env.group("plain").instances(1).image(running).create();
        String golden = goldenImage("v2");

        Map<String, Object> decision = single(images(enforce()).handle(announce(source, golden)).json());

        assertThat(decision).containsEntry("decision", "refresh").containsEntry("reason", "newer-image")
                .containsEntry("group", target.name).containsEntry("image", golden).containsEntry("mode", "enforce");
        InstanceRefresh refresh = awaitEnd(target, (String) decision.get("refreshId"));
        assertThat(refresh.status()).isEqualTo(InstanceRefreshStatus.SUCCESSFUL);
        assertThat(refresh.strategyAsString()).isEqualTo("Rolling");
        assertThat(refresh.preferences().minHealthyPercentage()).isEqualTo(90);
        assertThat(refresh.preferences().instanceWarmup()).isZero();
        assertThat(refresh.preferences().skipMatching()).isTrue();
        assertThat(refresh.preferences().autoRollback()).isTrue();
        String newVersion = String.valueOf(decision.get("newVersion"));
        assertThat(refresh.desiredConfiguration().launchTemplate().version()).isEqualTo(newVersion);
        assertThat(target.describe().launchTemplate().version()).isEqualTo(newVersion);
        assertThat(versions(target)).hasSize(2);
        ResponseLaunchTemplateData before = version(target, "1").launchTemplateData();
        ResponseLaunchTemplateData after = version(target, newVersion).launchTemplateData();
        assertThat(after.imageId()).isEqualTo(golden);
        assertThat(after.toBuilder().imageId(before.imageId()).build()).as("only ImageId changed").isEqualTo(before);
        assertThat(instanceImages(target)).containsOnly(golden);
        for (TestGroup bystander : List.of(otherApp, untagged)) {
            assertThat(refreshes(bystander)).isEmpty();
            assertThat(versions(bystander)).hasSize(1);
        }
        ReceivedNotification told = notification("newer-image");
        assertThat(told.attributes()).containsEntry("kind", "rollout").containsEntry("action", "refresh")
                .containsEntry("app", app).containsEntry("group", target.name);
    }

    @Test
    void anImageOwnedByAnUntrustedAccountChangesNothing() {
        TestGroup group = groupRunning(goldenImage("v1"));
        String foreign = env.otherImageId();
        env.aws.ec2().createTags(r -> r.resources(foreign).tags(t -> t.key(APP_TAG).value(app)));

        assertRejected(images(enforce()).handle(amiAvailable(foreign)).json(), "untrusted-owner", group);
    }

    @Test
    void anImageWithoutTheAppTagChangesNothing() {
        TestGroup group = groupRunning(goldenImage("v1"));
        String untagged = env.registerImage("untagged", Map.of());

        assertRejected(images(enforce()).handle(amiAvailable(untagged)).json(), "missing-app-tag", group);
    }

    @Test
    void anImageWithoutTheGoldenTagTheDriftRuleChecksChangesNothingAndSaysWhichTagToSet() {
        TestGroup group = groupRunning(goldenImage("v1"));
        String notGolden = env.registerImage("not-golden", Map.of(APP_TAG, app));

        Map<String, Object> result = images(enforce()).handle(amiAvailable(notGolden)).json();

        assertRejected(result, "not-golden-image", group);
        ReceivedNotification told = notification("not-golden-image");
        assertThat(told.attributes()).containsEntry("severity", "warning").containsEntry("app", app);
        assertThat(told.body().path("facts").path("detail").asText()).contains("golden-image tag drift-deploy-golden=true");
    }

    @Test
    void theGroupsMinHealthyTagIsTheRefreshsMinimumHealthyPercentage() {
        TestGroup group = env.group("blue").instances(2).tag(APP_TAG, app).tag(MIN_HEALTHY_TAG, "50").image(goldenImage("v1")).create();
        String golden = goldenImage("v2");

        Map<String, Object> decision = single(images(enforce()).handle(amiAvailable(golden)).json());

        assertThat(decision).containsEntry("decision", "refresh").containsEntry("minHealthyPercent", 50)
                .containsEntry("minHealthyFrom", "group tag " + MIN_HEALTHY_TAG);
        assertThat(refresh(group, (String) decision.get("refreshId")).preferences().minHealthyPercentage()).isEqualTo(50);
    }

    @Test
    void aBudgetOfOneRefreshesAGroupOfFourOneInstanceAtATime() {
        TestGroup group = env.group("blue").instances(4).tag(APP_TAG, app).tag(MIN_HEALTHY_TAG, "0").tag(BUDGET_TAG, "1")
                .image(goldenImage("v1")).create();

        Map<String, Object> decision = single(images(enforce()).handle(amiAvailable(goldenImage("v2"))).json());

        assertThat(decision).containsEntry("decision", "refresh").containsEntry("minHealthyPercent", 0)
                .containsEntry("refreshMinHealthyPercent", 75).containsEntry("budget", BUDGET_TAG + "='1'")
                .containsEntry("budgetAllows", 1);
        assertThat(refresh(group, (String) decision.get("refreshId")).preferences().minHealthyPercentage()).isEqualTo(75);
    }

    @Test
    void outsideItsOnlyBudgetWindowAGroupGetsNoRefreshAndIsToldWhenTheWindowOpens() {
        // One minute a year, on 1 January: never the minute this test runs in, unless it runs then.
        TestGroup group = env.group("blue").instances(2).tag(APP_TAG, app).tag(BUDGET_TAG, "1 at 0 0 1 1 @ for 1m reasons rollout")
                .image(goldenImage("v1")).create();

        assertRejected(images(enforce()).handle(amiAvailable(goldenImage("v2"))).json(), "budget-closed", group);
        ReceivedNotification told = notification("budget-closed");
        assertThat(told.body().path("facts").path("budgetNextWindowOpens").asText()).endsWith("-01-01T00:00:00Z");
        assertThat(told.body().path("summary").asText()).contains("default-deny");
    }

    @Test
    void aMalformedBudgetStartsNoRefreshAndNamesTheTagAndTheProblem() {
        TestGroup group = env.group("blue").instances(2).tag(APP_TAG, app).tag(BUDGET_TAG, "10%").image(goldenImage("v1")).create();

        assertRejected(images(enforce()).handle(amiAvailable(goldenImage("v2"))).json(), "invalid-budget-tag", group);
        assertThat(notification("invalid-budget-tag").body().path("facts").path("budgetTagValue").asText()).isEqualTo("10%");
    }

    @Test
    void aMalformedMinHealthyTagStartsNoRefreshAndNamesTheTagAndItsValue() {
        TestGroup group = env.group("blue").instances(2).tag(APP_TAG, app).tag(MIN_HEALTHY_TAG, "ninety").image(goldenImage("v1")).create();

        assertRejected(images(enforce()).handle(amiAvailable(goldenImage("v2"))).json(), "invalid-group-tag", group);
        assertThat(notification("invalid-group-tag").body().path("facts").path("detail").asText())
                .contains(MIN_HEALTHY_TAG + "='ninety'");
    }

    @Test
    void anUnavailableImageChangesNothing() {
        TestGroup group = groupRunning(goldenImage("v1"));
        String disabled = goldenImage("v2");
        env.aws.ec2().disableImage(r -> r.imageId(disabled));

        assertRejected(images(enforce()).handle(amiAvailable(disabled)).json(), "image-not-available", group);
    }

    @Test
    void anImageBuilderImageWithoutAnAmiHereChangesNothing() {
        TestGroup group = groupRunning(goldenImage("v1"));
        String unknown = "arn:aws:imagebuilder:" + Emulator.REGION.id() + ":" + Emulator.ACCOUNT + ":image/" + env.prefix
                + "-never-built/1.0.0/1";

        assertRejected(images(enforce()).handle(sample("images/imagebuilder-available.json",
                event -> event.putArray("resources").add(unknown))).json(), "image-not-found", group);
    }

    @Test
    void anImageOlderThanTheRunningOneChangesNothing() {
        String older = goldenImage("v1");
        TestGroup group = groupRunning(goldenImage("v2"));

        Map<String, Object> result = images(enforce()).handle(amiAvailable(older)).json();

        assertThat(single(result)).containsEntry("decision", "skip").containsEntry("reason", "older-than-running");
        assertUnchanged(group);
        assertThat(notification("older-than-running").attributes()).containsEntry("group", group.name);
    }

    @Test
    void aSecondImageDuringARefreshWaitsAndStartsOnSucceededWhileAFailedRefreshMarksItsImageBad() {
        // Five instances replaced one at a time keep the first refresh running while the second image arrives.
        TestGroup group = env.group("blue").instances(5).tag(APP_TAG, app).image(goldenImage("v1")).create();
        String second = goldenImage("v2");
        String third = goldenImage("v3");
        ImagesHandler images = images(enforce());
        RefreshesHandler refreshes = refreshes(enforce());

        Map<String, Object> started = single(images.handle(goldenPublished(second)).json());
        Map<String, Object> waiting = single(images.handle(goldenPublished(third)).json());

        assertThat(started).containsEntry("decision", "refresh");
        String firstRefresh = (String) started.get("refreshId");
        assertThat(waiting).containsEntry("decision", "pending").containsEntry("reason", "refresh-in-progress")
                .containsEntry("image", third).containsEntry("activeRefresh", firstRefresh);
        assertThat(versions(group)).hasSize(2);
        assertThat(rolloutLedger().pending(group.name)).hasValueSatisfying(p -> assertThat(p.imageId()).isEqualTo(third));
        assertThat(awaitEnd(group, firstRefresh).status()).isEqualTo(InstanceRefreshStatus.SUCCESSFUL);

        List<Map<String, Object>> onSucceeded = decisions(refreshes.handle(refreshEvent("refresh-succeeded.json", group, firstRefresh)).json());

        assertThat(onSucceeded).hasSize(2);
        assertThat(onSucceeded.get(0)).containsEntry("decision", "notify").containsEntry("reason", "refresh-succeeded")
                .containsEntry("image", second).containsEntry("pendingImage", third);
        assertThat(onSucceeded.get(1)).containsEntry("decision", "refresh").containsEntry("image", third)
                .containsEntry("runningImage", second);
        String secondRefresh = (String) onSucceeded.get(1).get("refreshId");
        assertThat(awaitEnd(group, secondRefresh).status()).isEqualTo(InstanceRefreshStatus.SUCCESSFUL);
        assertThat(version(group, group.describe().launchTemplate().version()).launchTemplateData().imageId()).isEqualTo(third);
        assertThat(rolloutLedger().pending(group.name)).isEmpty();

        String bad = goldenImage("v4");
        Map<String, Object> doomed = single(images.handle(amiAvailable(bad)).json());
        // New instances cannot launch from a disabled image: the refresh fails and AutoRollback undoes it.
        env.aws.ec2().disableImage(r -> r.imageId(bad));
        String badRefresh = (String) doomed.get("refreshId");
        assertThat(awaitEnd(group, badRefresh).status()).isEqualTo(InstanceRefreshStatus.ROLLBACK_SUCCESSFUL);
        env.aws.ec2().enableImage(r -> r.imageId(bad));

        // With AutoRollback, AWS announces the failure as a rollback: Rollback Succeeded once it is undone.
        Map<String, Object> onFailed = single(refreshes.handle(refreshEvent("refresh-rollback-succeeded.json", group, badRefresh)).json());

        assertThat(onFailed).containsEntry("decision", "mark-bad").containsEntry("reason", "refresh-rollback-succeeded")
                .containsEntry("image", bad).containsEntry("imageMarkedBad", true).containsEntry("awsStatus", "RollbackSuccessful");
        assertThat(notification("refresh-rollback-succeeded").attributes()).containsEntry("severity", "high").containsEntry("group", group.name);
        int versionsBefore = versions(group).size();

        Map<String, Object> replay = single(images.handle(goldenPublished(bad)).json());

        assertThat(replay).containsEntry("decision", "skip").containsEntry("reason", "image-marked-bad");
        assertThat(versions(group)).hasSize(versionsBefore);
        assertThat(refreshes(group)).hasSize(3);
    }

    @Test
    void theSameEventTwiceMakesOneTemplateVersionAndOneRefresh() {
        TestGroup group = groupRunning(goldenImage("v1"));
        String golden = goldenImage("v2");
        byte[] event = amiAvailable(golden);
        ImagesHandler images = images(enforce());

        Map<String, Object> first = images.handle(event).json();
        Map<String, Object> again = images.handle(event).json();

        assertThat(single(first)).containsEntry("decision", "refresh");
        assertThat(again).containsEntry("decision", "skip").containsEntry("reason", "duplicate-event");
        assertThat(versions(group)).hasSize(2);
        assertThat(refreshes(group)).hasSize(1);
    }

    // --- an event only says where to look: the refresh's status is read from Auto Scaling ----

    @Test
    void aCraftedFailedEventForARefreshStillInProgressMarksNothingAndTheImageStillRollsOut() {
        // Five instances replaced one at a time keep the refresh running while the crafted event arrives.
        String older = goldenImage("v1");
        TestGroup group = env.group("blue").instances(5).tag(APP_TAG, app).image(older).create();
        String golden = goldenImage("v2");
        Map<String, Object> started = single(images(enforce()).handle(goldenPublished(golden)).json());
        String refreshId = (String) started.get("refreshId");

        Map<String, Object> crafted = single(refreshes(enforce()).handle(refreshEvent("refresh-failed.json", group, refreshId)).json());

        assertThat(crafted).containsEntry("decision", "notify").containsEntry("reason", "refresh-status-mismatch")
                .containsEntry("status", "EC2 Auto Scaling Instance Refresh Failed").containsEntry("check", "mismatch")
                .containsEntry("image", golden).containsEntry("imageMarkedBad", false).containsEntry("actions", List.of());
        assertThat((String) crafted.get("awsStatus")).isIn("Pending", "InProgress");
        assertThat(rolloutLedger().isBad(golden)).isFalse();
        ReceivedNotification told = notification("refresh-status-mismatch");
        assertThat(told.body().path("summary").asText()).contains("The event says: EC2 Auto Scaling Instance Refresh Failed")
                .contains("Auto Scaling says: " + crafted.get("awsStatus"));
        assertThat(awaitEnd(group, refreshId).status()).isEqualTo(InstanceRefreshStatus.SUCCESSFUL);
        assertThat(instanceImages(group)).containsOnly(golden);

        TestGroup another = env.group("green").instances(1).tag(APP_TAG, app).image(older).create();
        Map<String, Object> again = images(enforce()).handle(goldenPublished(golden)).json();

        assertThat(decisions(again)).anySatisfy(decision -> assertThat(decision).containsEntry("group", another.name)
                .containsEntry("decision", "refresh").containsEntry("reason", "newer-image"));
    }

    @Test
    void aCraftedEventForARefreshAutoScalingDoesNotKnowOnThatGroupIsRefused() {
        TestGroup group = groupRunning(goldenImage("v1"));
        TestGroup elsewhere = env.group("green").instances(1).image(goldenImage("v1")).create();
        String golden = goldenImage("v2");
        String refreshId = (String) single(images(enforce()).handle(goldenPublished(golden)).json()).get("refreshId");
        RefreshesHandler refreshes = refreshes(enforce());

        Map<String, Object> unknownId = single(refreshes.handle(refreshEvent("refresh-failed.json", group,
                "5f3a0c7e-0000-4000-8000-000000000000")).json());
        Map<String, Object> otherGroup = single(refreshes.handle(refreshEvent("refresh-failed.json", elsewhere, refreshId)).json());

        for (Map<String, Object> refused : List.of(unknownId, otherGroup)) {
            assertThat(refused).containsEntry("decision", "refuse").containsEntry("reason", "refresh-not-found")
                    .containsEntry("imageMarkedBad", false).containsEntry("actions", List.of()).doesNotContainKey("awsStatus");
        }
        assertThat(rolloutLedger().isBad(golden)).isFalse();
        assertThat(notification("refresh-not-found").attributes()).containsEntry("kind", "refresh").containsEntry("action", "refuse");
        assertThat(refreshes(elsewhere)).isEmpty();
    }

    @Test
    void aGenuineFailureMarksTheImageBadWithAwsEvidenceAndClearingItLetsItRollOutAgain() {
        TestGroup group = groupRunning(goldenImage("v1"));
        String bad = goldenImage("v2");
        ImagesHandler images = images(enforce());
        String refreshId = (String) single(images.handle(goldenPublished(bad)).json()).get("refreshId");
        // New instances cannot launch from a disabled image: the refresh fails and AutoRollback undoes it.
        env.aws.ec2().disableImage(r -> r.imageId(bad));
        InstanceRefresh ended = awaitEnd(group, refreshId);
        assertThat(ended.status()).isEqualTo(InstanceRefreshStatus.ROLLBACK_SUCCESSFUL);
        env.aws.ec2().enableImage(r -> r.imageId(bad));

        Map<String, Object> marked = single(refreshes(enforce()).handle(refreshEvent("refresh-rollback-succeeded.json", group, refreshId)).json());

        assertThat(marked).containsEntry("decision", "mark-bad").containsEntry("reason", "refresh-rollback-succeeded")
                .containsEntry("check", "confirmed").containsEntry("image", bad).containsEntry("refreshId", refreshId)
                .containsEntry("group", group.name).containsEntry("awsStatus", "RollbackSuccessful")
                .containsEntry("awsStatusReason", ended.statusReason()).containsKey("awsReadAt");
        BadMark mark = rolloutLedger().badMark(bad).orElseThrow();
        assertThat(mark.refreshId()).isEqualTo(refreshId);
        assertThat(mark.group()).isEqualTo(group.name);
        assertThat(mark.status()).isEqualTo("RollbackSuccessful");
        assertThat(mark.statusReason()).contains(ended.statusReason());
        assertThat(mark.readAt()).hasValueSatisfying(readAt -> assertThat(readAt.toString()).isEqualTo(marked.get("awsReadAt")));
        ReceivedNotification told = notification("refresh-rollback-succeeded");
        assertThat(told.body().path("facts").path("awsStatusReason").asText()).isEqualTo(ended.statusReason());
        assertThat(told.body().path("summary").asText()).contains("drift-deploy clear-bad-image --image " + bad);
        assertThat(single(images.handle(goldenPublished(bad)).json())).containsEntry("reason", "image-marked-bad");

        // What the CLI's clear-bad-image does to the ledger (the cli module's CliClearIT runs the command itself).
        assertThat(rolloutLedger().clearBadMark(bad)).hasValueSatisfying(cleared -> assertThat(cleared.refreshId()).isEqualTo(refreshId));
        assertThat(rolloutLedger().isBad(bad)).isFalse();

        Map<String, Object> rolledOutAgain = single(images.handle(goldenPublished(bad)).json());

        assertThat(rolledOutAgain).containsEntry("decision", "refresh").containsEntry("reason", "newer-image");
        assertThat(awaitEnd(group, (String) rolledOutAgain.get("refreshId")).status()).isEqualTo(InstanceRefreshStatus.SUCCESSFUL);
        assertThat(instanceImages(group)).containsOnly(bad);
    }

    // --- the rules around them ---------------------------------------------------------------

    @Test
    void anotherEventForTheImageBeingRolledOutChangesNothing() {
        TestGroup group = groupRunning(goldenImage("v1"));
        String golden = goldenImage("v2");
        ImagesHandler images = images(enforce());

        images.handle(amiAvailable(golden));
        Map<String, Object> published = single(images.handle(goldenPublished(golden)).json());

        assertThat(published).containsEntry("decision", "skip").containsEntry("reason", "older-than-refreshing");
        assertThat(versions(group)).hasSize(2);
        assertThat(refreshes(group)).hasSize(1);
    }

    @Test
    void aGroupInDryRunIsToldWhatWouldHappenAndNothingChanges() {
        TestGroup group = env.group("blue").instances(2).tag(APP_TAG, app).tag("drift-deploy:mode", "dry-run")
                .image(goldenImage("v1")).create();
        String golden = goldenImage("v2");

        Map<String, Object> decision = single(images(enforce()).handle(amiAvailable(golden)).json());

        assertThat(decision).containsEntry("decision", "refresh").containsEntry("mode", "dry-run")
                .containsEntry("actions", List.of());
        assertUnchanged(group);
        assertThat(notification("newer-image").body().path("summary").asText()).startsWith("Dry run, nothing changed: would roll out");
    }

    @Test
    void aManualGroupIsToldAndNotChanged() {
        TestGroup group = env.group("blue").instances(1).tag(APP_TAG, app).tag("drift-deploy:rollout", "manual")
                .image(goldenImage("v1")).create();

        Map<String, Object> decision = single(images(enforce()).handle(amiAvailable(goldenImage("v2"))).json());

        assertThat(decision).containsEntry("decision", "notify").containsEntry("reason", "manual-strategy");
        assertUnchanged(group);
    }

    @Test
    void aGroupWhoseLaunchTemplateLacksTheAppTagIsToldWhatToTagAndNotChanged() {
        TestGroup group = env.group("blue").instances(1).tag(APP_TAG, app).untaggedTemplate()
                .image(goldenImage("v1")).create();

        assertRejected(images(enforce()).handle(amiAvailable(goldenImage("v2"))).json(), "template-not-app-tagged", group);
        assertThat(notification("template-not-app-tagged").body().path("summary").asText())
                .contains(group.launchTemplateId).contains(APP_TAG + "=" + app);
    }

    @Test
    void aMalformedEventIsRejectedNamingTheFieldAndChangesNothing() {
        TestGroup group = groupRunning(goldenImage("v1"));
        byte[] noImage = sample("images/golden-image-published.json", event -> detail(event).remove("imageId"));

        Map<String, Object> result = images(enforce()).handle(noImage).json();

        assertThat(result).containsEntry("decision", "rejected").containsEntry("field", "detail.imageId");
        assertUnchanged(group);
        assertThat(env.awaitNotifications(1, Duration.ofSeconds(30))).anySatisfy(n -> assertThat(n.kind()).isEqualTo("rejected"));
        assertThat(logs.toString(StandardCharsets.UTF_8)).contains("\"RejectedEvents\":1");
    }

    // --- helpers -----------------------------------------------------------------------------

    private Settings enforce() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("DRIFT_DEPLOY_MODE", "enforce");
        overrides.put("DRIFT_DEPLOY_INSTANCE_WARMUP_SECONDS", "0");
        return env.settings(overrides);
    }

    private ImagesHandler images(Settings settings) {
        return new ImagesHandler(settings, env.aws, clock, new Telemetry(ImagesHandler.FUNCTION, new PrintStream(logs, true), clock));
    }

    private RefreshesHandler refreshes(Settings settings) {
        return new RefreshesHandler(settings, env.aws, clock, new Telemetry(RefreshesHandler.FUNCTION, new PrintStream(logs, true), clock));
    }

    private RolloutLedger rolloutLedger() {
        return new DynamoRolloutLedger(new Ledger(env.aws.dynamoDb(), env.tableName));
    }

    private String goldenImage(String version) {
        return env.registerImage(app + "-" + version, Map.of(APP_TAG, app, GOLDEN_TAG, "true"));
    }

    private TestGroup groupRunning(String image) {
        return env.group("blue").instances(2).tag(APP_TAG, app).image(image).create();
    }

    private byte[] announce(ImageSource source, String imageId) {
        return switch (source) {
            case AMI_STATE_CHANGE -> amiAvailable(imageId);
            case GOLDEN_IMAGE_PUBLISHED -> goldenPublished(imageId);
            case IMAGE_BUILDER -> {
                String arn = "arn:aws:imagebuilder:" + Emulator.REGION.id() + ":" + Emulator.ACCOUNT + ":image/" + env.prefix
                        + "-golden/1.0.0/1";
                // What Image Builder's distribution does to every AMI it makes; GetImage lists them.
                env.aws.ec2().createTags(r -> r.resources(imageId).tags(
                        t -> t.key("Ec2ImageBuilderArn").value(arn), t -> t.key("CreatedBy").value("EC2 Image Builder")));
                yield sample("images/imagebuilder-available.json", event -> event.putArray("resources").add(arn));
            }
        };
    }

    private static byte[] amiAvailable(String imageId) {
        return sample("images/ami-available.json", event -> {
            detail(event).put("ImageId", imageId);
            event.putArray("resources").add("arn:aws:ec2:" + Emulator.REGION.id() + "::image/" + imageId);
        });
    }

    private byte[] goldenPublished(String imageId) {
        return sample("images/golden-image-published.json", event -> detail(event)
                .put("imageId", imageId).put("app", app).put("artifactId", Emulator.REGION.id() + ":" + imageId));
    }

    private static byte[] refreshEvent(String file, TestGroup group, String refreshId) {
        return sample("refreshes/" + file, event -> detail(event)
                .put("AutoScalingGroupName", group.name).put("InstanceRefreshId", refreshId));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> decisions(Map<String, Object> result) {
        assertThat(result).containsKey("decisions");
        return (List<Map<String, Object>>) result.get("decisions");
    }

    private static Map<String, Object> single(Map<String, Object> result) {
        List<Map<String, Object>> decisions = decisions(result);
        assertThat(decisions).hasSize(1);
        return decisions.get(0);
    }

    private void assertRejected(Map<String, Object> result, String reason, TestGroup group) {
        assertThat(single(result)).containsEntry("decision", "skip").containsEntry("reason", reason);
        assertUnchanged(group);
        assertThat(notification(reason).attributes()).containsEntry("kind", "rollout").containsEntry("action", "skip");
    }

    private void assertUnchanged(TestGroup group) {
        assertThat(versions(group)).hasSize(1);
        assertThat(refreshes(group)).isEmpty();
        assertThat(group.describe().launchTemplate().version()).isEqualTo("1");
    }

    /** The notification whose facts carry this reason, published before now (see notificationsSoFar). */
    private ReceivedNotification notification(String reason) {
        List<ReceivedNotification> told = env.notificationsSoFar();
        return told.stream().filter(n -> hasReason(n, reason)).findFirst()
                .orElseThrow(() -> new AssertionError("no notification with reason " + reason + " among " + told));
    }

    private static boolean hasReason(ReceivedNotification notification, String reason) {
        return reason.equals(notification.body().path("facts").path("reason").asText());
    }

    private List<LaunchTemplateVersion> versions(TestGroup group) {
        return env.aws.ec2().describeLaunchTemplateVersions(r -> r.launchTemplateId(group.launchTemplateId)).launchTemplateVersions();
    }

    private LaunchTemplateVersion version(TestGroup group, String version) {
        return env.aws.ec2().describeLaunchTemplateVersions(r -> r.launchTemplateId(group.launchTemplateId).versions(version))
                .launchTemplateVersions().get(0);
    }

    private List<InstanceRefresh> refreshes(TestGroup group) {
        return env.aws.autoScaling().describeInstanceRefreshes(r -> r.autoScalingGroupName(group.name)).instanceRefreshes();
    }

    private InstanceRefresh awaitEnd(TestGroup group, String refreshId) {
        List<InstanceRefreshStatus> active = List.of(InstanceRefreshStatus.PENDING, InstanceRefreshStatus.IN_PROGRESS,
                InstanceRefreshStatus.CANCELLING, InstanceRefreshStatus.ROLLBACK_IN_PROGRESS, InstanceRefreshStatus.BAKING);
        TestEnvironment.awaitTrue("refresh " + refreshId + " ends", REFRESH_TIMEOUT, () -> !active.contains(refresh(group, refreshId).status()));
        return refresh(group, refreshId);
    }

    private InstanceRefresh refresh(TestGroup group, String refreshId) {
        return env.aws.autoScaling().describeInstanceRefreshes(r -> r.autoScalingGroupName(group.name).instanceRefreshIds(refreshId))
                .instanceRefreshes().get(0);
    }

    private List<String> instanceImages(TestGroup group) {
        List<String> ids = group.instanceIds();
        return env.aws.ec2().describeInstances(r -> r.instanceIds(ids)).reservations().stream()
                .flatMap(reservation -> reservation.instances().stream()).map(instance -> instance.imageId()).toList();
    }
}
