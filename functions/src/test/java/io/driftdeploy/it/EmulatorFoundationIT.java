package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.Notifier;
import io.driftdeploy.aws.SnsNotifier;
import io.driftdeploy.message.Notification;
import io.driftdeploy.policy.Severity;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefresh;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefreshStatus;
import software.amazon.awssdk.services.autoscaling.model.RefreshStrategy;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/** Proves the harness and the emulator behave as the functions' tests rely on. */
class EmulatorFoundationIT {

    private final TestEnvironment env = TestEnvironment.create();

    @Test
    void anAutoScalingGroupLaunchesItsInstances() {
        TestGroup group = env.group("web").instances(3).create();

        List<String> ids = group.instanceIds();
        assertThat(ids).hasSize(3);
        assertThat(env.aws.ec2().describeInstances(r -> r.instanceIds(ids)).reservations().stream()
                .flatMap(reservation -> reservation.instances().stream())
                .map(instance -> instance.state().name()))
                .hasSize(3)
                .allMatch(state -> state == InstanceStateName.RUNNING || state == InstanceStateName.PENDING);
    }

    @Test
    void terminatingWithoutDecrementingCapacityLeadsToAReplacement() {
        TestGroup group = env.group("web").instances(2).create();
        String victim = group.instanceIds().get(0);

        env.aws.autoScaling().terminateInstanceInAutoScalingGroup(r -> r.instanceId(victim).shouldDecrementDesiredCapacity(false));

        TestEnvironment.awaitTrue("a replacement joins the group", Duration.ofSeconds(30),
                () -> group.instanceIds().size() == 2 && !group.instanceIds().contains(victim));
        assertThat(group.describe().desiredCapacity()).isEqualTo(2);
        assertThat(env.aws.ec2().describeInstances(r -> r.instanceIds(victim)).reservations().get(0).instances().get(0).state().name())
                .isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
    }

    @Test
    void aPublishedNotificationArrivesOnTheSubscribedQueueWithItsAttributes() {
        Notifier notifier = new SnsNotifier(env.aws.sns(), env.topicArn);
        notifier.publish(Notifier.render(new Notification("drift", Severity.WARNING,
                Optional.of("shop"), Optional.of("shop-blue"), "drift-deploy: test subject",
                "one-line summary"), "terminate", Map.of("instance", "i-0123")));

        ReceivedNotification received = env.awaitNotifications(1, Duration.ofSeconds(20)).get(0);
        assertThat(received.subject()).isEqualTo("drift-deploy: test subject");
        assertThat(received.body().path("schemaVersion").asText()).isEqualTo(Notifier.SCHEMA_VERSION);
        assertThat(received.body().path("facts").path("instance").asText()).isEqualTo("i-0123");
        assertThat(received.attributes()).containsEntry("kind", "drift").containsEntry("severity", "warning")
                .containsEntry("action", "terminate").containsEntry("app", "shop").containsEntry("group", "shop-blue");
    }

    @Test
    void anInstanceRefreshToANewTemplateVersionEndsWithEveryInstanceOnIt() {
        TestGroup group = env.group("web").instances(3).create();
        String newImage = env.otherImageId();
        long version = group.newTemplateVersion(newImage);

        String refreshId = env.aws.autoScaling().startInstanceRefresh(r -> r
                .autoScalingGroupName(group.name)
                .strategy(RefreshStrategy.ROLLING)
                .desiredConfiguration(d -> d.launchTemplate(lt -> lt.launchTemplateId(group.launchTemplateId).version(Long.toString(version))))
                .preferences(p -> p.minHealthyPercentage(90).instanceWarmup(0).skipMatching(true).autoRollback(true)))
                .instanceRefreshId();

        TestEnvironment.awaitTrue("the refresh ends", Duration.ofSeconds(60), () -> {
            InstanceRefresh refresh = env.aws.autoScaling().describeInstanceRefreshes(r -> r
                    .autoScalingGroupName(group.name).instanceRefreshIds(refreshId)).instanceRefreshes().get(0);
            return refresh.status() != InstanceRefreshStatus.PENDING && refresh.status() != InstanceRefreshStatus.IN_PROGRESS;
        });
        InstanceRefresh refresh = env.aws.autoScaling().describeInstanceRefreshes(r -> r
                .autoScalingGroupName(group.name).instanceRefreshIds(refreshId)).instanceRefreshes().get(0);
        assertThat(refresh.status()).isEqualTo(InstanceRefreshStatus.SUCCESSFUL);
        assertThat(refresh.percentageComplete()).isEqualTo(100);
        assertThat(group.describe().launchTemplate().version()).isEqualTo(Long.toString(version));
        assertThat(group.describe().instances()).hasSize(3)
                .allSatisfy(instance -> assertThat(instance.launchTemplate().version()).isEqualTo(Long.toString(version)));
        List<String> ids = group.instanceIds();
        assertThat(env.aws.ec2().describeInstances(r -> r.instanceIds(ids)).reservations().stream()
                .flatMap(reservation -> reservation.instances().stream()).map(instance -> instance.imageId()))
                .containsOnly(newImage);
    }
}
