package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.AlarmsHandler;
import io.driftdeploy.handler.Telemetry;
import io.driftdeploy.testing.AlarmEvents;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestGroup;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
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

    @Test
    void theNotificationNamesTheGroupTheRunningRefreshAndTheImageAndTheRefreshIsLeftToAws() {
        // One instance replaced per emulator step (min healthy 100 %): the refresh runs ~20 s.
        TestGroup group = env.group("shop").instances(20).tag("drift-deploy:app", "shop").create();
        String newImage = env.otherImageId();
        long version = group.newTemplateVersion(newImage);
        String refreshId = env.aws.autoScaling().startInstanceRefresh(r -> r
                .autoScalingGroupName(group.name)
                .strategy(RefreshStrategy.ROLLING)
                .desiredConfiguration(d -> d.launchTemplate(lt -> lt.launchTemplateId(group.launchTemplateId)
                        .version(Long.toString(version))))
                .preferences(p -> p.minHealthyPercentage(100).instanceWarmup(0).skipMatching(true).autoRollback(true)
                        .alarmSpecification(alarms -> alarms.alarms(guardAlarm))))
                .instanceRefreshId();

        Map<String, Object> result = handler()
                .handle(AlarmEvents.fromSample("alarms/composite-alarm-state-alarm.json", guardAlarm).bytes());

        assertThat(status(group, refreshId)).as("drift-deploy does not race AWS's rollback")
                .isIn(InstanceRefreshStatus.PENDING, InstanceRefreshStatus.IN_PROGRESS);
        assertThat(result).containsEntry("decision", "notify").containsEntry("reason", "rollout-guard-alarm")
                .doesNotContainKey("found");
        assertThat(result.get("actions")).asList().isEmpty();
        ReceivedNotification received = env.awaitNotifications(1, Duration.ofSeconds(20)).getFirst();
        assertThat(received.attributes()).containsEntry("kind", "alarm").containsEntry("severity", "high")
                .containsEntry("group", group.name).containsEntry("app", "shop");
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
    void anAlarmNoRunningRefreshNamesIsAnOrdinaryAlarm() {
        TestGroup group = env.group("shop").instances(1).tag("drift-deploy:app", "shop").create();

        Map<String, Object> result = handler()
                .handle(AlarmEvents.fromSample("alarms/composite-alarm-state-alarm.json", guardAlarm).bytes());

        assertThat(result).containsEntry("reason", "alarm-state-change");
        assertThat(env.awaitNotifications(1, Duration.ofSeconds(20)).getFirst().attributes())
                .containsEntry("severity", "warning").doesNotContainKey("group");
        assertThat(group.describe().instances()).hasSize(1);
    }
}
