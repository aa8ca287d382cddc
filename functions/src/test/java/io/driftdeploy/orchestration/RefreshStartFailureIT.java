package io.driftdeploy.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.AutoScalingRolloutFleet;
import io.driftdeploy.aws.DynamoEventClaims;
import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ec2ImageCatalog;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.SnsNotifier;
import io.driftdeploy.config.Settings;
import io.driftdeploy.policy.RolloutTrigger;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefresh;
import software.amazon.awssdk.services.autoscaling.model.StartInstanceRefreshRequest;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import io.driftdeploy.handler.ImagesHandler;
import io.driftdeploy.handler.HandlerIo;

/**
 * A rollout whose StartInstanceRefresh fails after the launch template version was created, on
 * the emulator, with the failure injected into the Auto Scaling client: a refusal is a reported
 * decision naming what was left, a lost answer is settled by reading the group's refreshes again.
 */
class RefreshStartFailureIT {

    private static final String APP_TAG = "drift-deploy:app";

    private final TestEnvironment env = TestEnvironment.create();
    private final String app = env.prefix + "-shop";
    private final Clock clock = Clock.systemUTC();
    private final Ledger ledger = new Ledger(env.aws.dynamoDb(), env.tableName);

    @Test
    void aRefusedStartIsReportedNamingTheVersionLeftAndARetryReusesIt() {
        TestGroup group = groupRunningAGoldenImage();
        String golden = goldenImage("v2");
        String eventId = UUID.randomUUID().toString();

        Map<String, Object> decision = single(imagePublished(rollouts(failing(new AccessDeniedOnStart())), eventId, golden));

        assertThat(decision).containsEntry("decision", "notify").containsEntry("reason", "refresh-not-started")
                .containsEntry("launchTemplateId", group.launchTemplateId).containsEntry("newVersion", 2L)
                .containsEntry("groupVersion", "1").containsEntry("errorCode", "AccessDenied");
        assertThat(decision.get("actions")).asList().singleElement().asString().startsWith("ec2:CreateLaunchTemplateVersion");
        assertThat(group.describe().launchTemplate().version()).as("the group still runs its version").isEqualTo("1");
        assertThat(versions(group)).hasSize(2);
        assertThat(refreshes(group)).isEmpty();
        ReceivedNotification told = env.awaitNotifications(1, Duration.ofSeconds(30)).get(0);
        assertThat(told.attributes()).containsEntry("severity", "high").containsEntry("action", "notify")
                .containsEntry("group", group.name);
        assertThat(told.body().path("summary").asText())
                .contains("AccessDenied", "iam:PassRole", "Launch template " + group.launchTemplateId + " version 2",
                        "the group still runs version 1", "reuses version 2");

        // The cause fixed, the same event again: it was released, and the version is reused, not made again.
        Map<String, Object> retried = single(imagePublished(rollouts(env.aws.autoScaling()), eventId, golden));

        assertThat(retried).containsEntry("decision", "refresh").containsEntry("newVersion", 2L);
        assertThat(versions(group)).hasSize(2);
        assertThat(refreshes(group)).singleElement()
                .satisfies(refresh -> assertThat(refresh.instanceRefreshId()).isEqualTo(retried.get("refreshId")));
    }

    @Test
    void aStartWhoseAnswerWasLostIsFoundAndRecordedLikeAnyStart() {
        TestGroup group = groupRunningAGoldenImage();
        String golden = goldenImage("v2");

        Map<String, Object> decision = single(imagePublished(rollouts(failing(new AnswerLostAfterStart())),
                UUID.randomUUID().toString(), golden));

        InstanceRefresh started = refreshes(group).get(0);
        assertThat(refreshes(group)).hasSize(1);
        assertThat(decision).containsEntry("decision", "refresh").containsEntry("reason", "newer-image")
                .containsEntry("refreshId", started.instanceRefreshId()).containsKey("startConfirmedBy");
        assertThat(started.desiredConfiguration().launchTemplate().version()).isEqualTo(String.valueOf(decision.get("newVersion")));
        assertThat(new DynamoRolloutLedger(ledger).startedRefresh(started.instanceRefreshId()))
                .hasValueSatisfying(recorded -> assertThat(recorded.imageId()).isEqualTo(golden));
    }

    /**
     * The defect: an images event whose attempt died (a crash or a timeout: no cleanup runs, here
     * an Error no handler catches) stayed claimed for its retention, so its image never rolled
     * out. Now the claim lapses at the attempt's deadline and Lambda's retry rolls the image out.
     */
    @Test
    void anEventWhoseAttemptDiedIsActedOnByTheRetryAfterItsDeadline() {
        TestGroup group = groupRunningAGoldenImage();
        String golden = goldenImage("v2");
        String eventId = UUID.randomUUID().toString();
        Rollouts dying = rollouts(env.aws.autoScaling(), clock);
        Instant deadline = clock.instant().plusSeconds(60);

        assertThatThrownBy(() -> dying.once(ImagesHandler.FUNCTION, eventId, golden, deadline, () -> {
            throw new OutOfMemoryError("the attempt dies");
        })).isInstanceOf(OutOfMemoryError.class);
        assertThatThrownBy(() -> imagePublished(rollouts(env.aws.autoScaling(), clock), eventId, golden))
                .isInstanceOf(EventInProgressException.class);
        Map<String, Object> retried = single(imagePublished(
                rollouts(env.aws.autoScaling(), Clock.offset(clock, Duration.ofSeconds(61))), eventId, golden));

        assertThat(retried).containsEntry("decision", "refresh");
        assertThat(refreshes(group)).hasSize(1);
    }

    @Test
    void noAnswerAndNoRefreshFoundIsReportedAsNotStarted() {
        TestGroup group = groupRunningAGoldenImage();
        String golden = goldenImage("v2");

        Map<String, Object> decision = single(imagePublished(rollouts(failing(new NoConnectionOnStart())),
                UUID.randomUUID().toString(), golden));

        assertThat(decision).containsEntry("decision", "notify").containsEntry("reason", "refresh-not-started")
                .containsEntry("errorCode", "no-answer").containsEntry("newVersion", 2L);
        assertThat(String.valueOf(decision.get("detail"))).contains("got no answer", "shows no refresh to the new version");
        assertThat(refreshes(group)).isEmpty();
        assertThat(group.describe().launchTemplate().version()).isEqualTo("1");
    }

    // --- failures injected into StartInstanceRefresh -------------------------------------------

    /** What IAM answers when the role lacks iam:PassRole for the template's instance profile. */
    private static final class AccessDeniedOnStart implements ExecutionInterceptor {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.request() instanceof StartInstanceRefreshRequest) {
                throw AutoScalingException.builder().statusCode(403).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("AccessDenied")
                        .errorMessage("User: arn:aws:sts::123456789012:assumed-role/images/fn is not authorized to perform:"
                                + " iam:PassRole on resource: arn:aws:iam::123456789012:role/app-instance")
                        .build()).build();
            }
        }
    }

    /** The request reaches AWS and the refresh starts, but every answer is lost on the way back. */
    private static final class AnswerLostAfterStart implements ExecutionInterceptor {
        @Override
        public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            if (context.request() instanceof StartInstanceRefreshRequest) {
                throw SdkClientException.create("Read timed out", new SocketTimeoutException("Read timed out"));
            }
            return context.httpResponse();
        }
    }

    /** The request never reaches AWS. */
    private static final class NoConnectionOnStart implements ExecutionInterceptor {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.request() instanceof StartInstanceRefreshRequest) {
                throw SdkClientException.create("Unable to execute HTTP request: connect timed out");
            }
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private static AutoScalingClient failing(ExecutionInterceptor failure) {
        return AutoScalingClient.builder()
                .region(Emulator.REGION)
                .endpointOverride(Emulator.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(config -> config.addExecutionInterceptor(failure))
                .build();
    }

    private Rollouts rollouts(AutoScalingClient autoScaling) {
        return rollouts(autoScaling, clock);
    }

    private Rollouts rollouts(AutoScalingClient autoScaling, Clock clock) {
        Settings settings = env.settings(Map.of("DRIFT_DEPLOY_MODE", "enforce", "DRIFT_DEPLOY_INSTANCE_WARMUP_SECONDS", "0"));
        Telemetry telemetry = new Telemetry(ImagesHandler.FUNCTION, new PrintStream(new ByteArrayOutputStream()), clock);
        Reporter reporter = new Reporter(AuditTrail.in(ledger, settings.auditRetention()), new SnsNotifier(env.aws.sns(), env.topicArn), telemetry, clock);
        return new Rollouts(settings, new Ec2ImageCatalog(env.aws.ec2(), env.aws.imageBuilder()),
                new AutoScalingRolloutFleet(autoScaling, env.aws.ec2()), new DynamoRolloutLedger(ledger),
                new DynamoEventClaims(ledger), reporter, clock);
    }

    /** The images function's path for a Golden Image Published event, handled once per event id. */
    private static Map<String, Object> imagePublished(Rollouts rollouts, String eventId, String imageId) {
        RolloutTrigger trigger = new RolloutTrigger(ImagesHandler.FUNCTION, eventId, Emulator.ACCOUNT, Emulator.REGION.id(),
                "drift-deploy.images");
        return rollouts.once(ImagesHandler.FUNCTION, eventId, imageId, HandlerIo.deadlineWithoutContext(rollouts.clock()), () -> rollouts.rollOut(trigger,
                new Rollouts.Announcement(Optional.of(imageId), Optional.empty(), Optional.empty(), true, Optional.empty()),
                group -> true)).json();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> single(Map<String, Object> result) {
        List<Map<String, Object>> decisions = (List<Map<String, Object>>) result.get("decisions");
        assertThat(decisions).as("decisions in %s", result).hasSize(1);
        return decisions.get(0);
    }

    private TestGroup groupRunningAGoldenImage() {
        return env.group("blue").instances(2).tag(APP_TAG, app).image(goldenImage("v1")).create();
    }

    private String goldenImage(String version) {
        return env.registerImage(app + "-" + version, Map.of(APP_TAG, app, "drift-deploy-golden", "true"));
    }

    private List<LaunchTemplateVersion> versions(TestGroup group) {
        return env.aws.ec2().describeLaunchTemplateVersions(r -> r.launchTemplateId(group.launchTemplateId)).launchTemplateVersions();
    }

    private List<InstanceRefresh> refreshes(TestGroup group) {
        return env.aws.autoScaling().describeInstanceRefreshes(r -> r.autoScalingGroupName(group.name)).instanceRefreshes();
    }
}
