package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.AlarmsHandler;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.policy.StartedRefresh;
import io.driftdeploy.testing.AlarmEvents;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestGroup;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefreshStatus;
import software.amazon.awssdk.services.autoscaling.model.RefreshStrategy;

/**
 * A rollout guard alarm going to ALARM while the refresh it guards runs: the notification names
 * the group, the refresh and the image being rolled out, and the refresh is left to AWS.
 */
class AlarmsRolloutGuardIT {

    private final TestEnvironment env = TestEnvironment.create();
    /**
     * The groups' application, this environment's own: the CLI's demo (CliDemoIT) rolls its image out
     * to every group of its app "shop" in the account, and may run at the same time as this class.
     */
    private final String app = env.prefix + "-shop";
    private final String guardAlarm = env.prefix + "-shop-5xx";

    private AlarmsHandler handler() {
        return new AlarmsHandler(env.settings(Map.of(Settings.PREFIX + "DRIFT_RULES", env.prefix + "-drift-rule")),
                env.aws, Clock.systemUTC(), new Telemetry("alarms", new PrintStream(OutputStream.nullOutputStream()),
                Clock.systemUTC()));
    }

    private InstanceRefreshStatus status(TestGroup group, String refreshId) {
        return env.aws.autoScaling().describeInstanceRefreshes(r -> r.autoScalingGroupName(group.name)
                .instanceRefreshIds(refreshId)).instanceRefreshes().getFirst().status();
    }

    /**
     * Starts a refresh of the group to the template version, guarded by the alarm. One instance
     * is replaced per emulator step (min healthy 100 %), so it runs about one second per instance.
     */
    private String startGuardedRefresh(TestGroup group, long version) {
        return env.aws.autoScaling().startInstanceRefresh(r -> r
                .autoScalingGroupName(group.name)
                .strategy(RefreshStrategy.ROLLING)
                .desiredConfiguration(d -> d.launchTemplate(lt -> lt.launchTemplateId(group.launchTemplateId)
                        .version(Long.toString(version))))
                .preferences(p -> p.minHealthyPercentage(100).instanceWarmup(0).skipMatching(true).autoRollback(true)
                        .alarmSpecification(alarms -> alarms.alarms(guardAlarm))))
                .instanceRefreshId();
    }

    private Map<String, Object> guardAlarmFires() {
        return handler().handle(AlarmEvents.fromSample("alarms/composite-alarm-state-alarm.json", guardAlarm).bytes()).json();
    }

    @Test
    void theNotificationNamesTheGroupTheRunningRefreshAndTheImageAndTheRefreshIsLeftToAws() {
        TestGroup group = env.group("shop").instances(20).tag("drift-deploy:app", app).create();
        String newImage = env.otherImageId();
        long version = group.newTemplateVersion(newImage);
        String refreshId = startGuardedRefresh(group, version);

        Map<String, Object> result = guardAlarmFires();

        assertThat(status(group, refreshId)).as("drift-deploy does not race AWS's rollback")
                .isIn(InstanceRefreshStatus.PENDING, InstanceRefreshStatus.IN_PROGRESS);
        assertThat(result).containsEntry("decision", "notify").containsEntry("reason", "rollout-guard-alarm")
                .doesNotContainKey("found");
        assertThat(result.get("actions")).asList().isEmpty();
        ReceivedNotification received = env.awaitNotifications(1, Duration.ofSeconds(20)).getFirst();
        assertThat(received.attributes()).containsEntry("kind", "alarm").containsEntry("severity", "high")
                .containsEntry("group", group.name).containsEntry("app", app);
        assertThat(received.subject()).isEqualTo("drift-deploy: rollout guard " + guardAlarm + " in ALARM on " + group.name);
        assertThat(received.body().path("summary").asText())
                .contains("refresh " + refreshId + " (")
                .contains("on group " + group.name + " rolls out image " + newImage
                        + " (launch template " + group.launchTemplateId + " version " + version + ")")
                .contains("drift-deploy does not act");
        JsonNode refresh = received.body().path("facts").path("refreshes").get(0);
        assertThat(refresh.path("group").asText()).isEqualTo(group.name);
        assertThat(refresh.path("refreshId").asText()).isEqualTo(refreshId);
        assertThat(refresh.path("image").asText()).isEqualTo(newImage);
        assertThat(refresh.path("launchTemplateVersion").asText()).isEqualTo(Long.toString(version));
    }

    @Test
    void theImageIsTheOneDriftDeployRecordedWhenItStartedTheRefresh() {
        TestGroup group = env.group("shop").instances(10).tag("drift-deploy:app", app).create();
        long version = group.newTemplateVersion(env.otherImageId());
        String refreshId = startGuardedRefresh(group, version);
        // The rollout records the AMI it rolls; the template may name it through an SSM parameter.
        new DynamoRolloutLedger(new Ledger(env.aws.dynamoDb(), env.tableName)).recordStartedRefresh(
                new StartedRefresh(refreshId, group.name, "ami-0recorded00000001", app, group.launchTemplateId, version),
                Instant.now());

        guardAlarmFires();

        JsonNode refresh = env.awaitNotifications(1, Duration.ofSeconds(20)).getFirst().body().path("facts")
                .path("refreshes").get(0);
        assertThat(refresh.path("refreshId").asText()).isEqualTo(refreshId);
        assertThat(refresh.path("image").asText()).isEqualTo("ami-0recorded00000001");
    }

    @Test
    void anAlarmNoRunningRefreshNamesIsAnOrdinaryAlarm() {
        TestGroup group = env.group("shop").instances(1).tag("drift-deploy:app", app).create();

        Map<String, Object> result = guardAlarmFires();

        assertThat(result).containsEntry("reason", "alarm-state-change");
        assertThat(env.awaitNotifications(1, Duration.ofSeconds(20)).getFirst().attributes())
                .containsEntry("severity", "warning").doesNotContainKey("group");
        assertThat(group.describe().instances()).hasSize(1);
    }
}
