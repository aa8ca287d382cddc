package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.AutoScalingRolloutFleet;
import io.driftdeploy.aws.RolloutFleet.TargetGroup;
import io.driftdeploy.policy.GuardedRefresh;
import io.driftdeploy.testing.AwsCalls;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestGroup;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsRequest;

/**
 * The listings of groups that read only names and tags ask Auto Scaling for no instances, and the
 * one that counts the members that serve still reads them: on the emulator, which leaves the
 * instances out as AWS does when asked to (scripts/emulator_ext/include_instances.py).
 */
class GroupListingIT {

    private static final String APP_TAG = "drift-deploy:app";

    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    private final String app = env.prefix + "-shop";
    private final AutoScalingRolloutFleet fleet = new AutoScalingRolloutFleet(env.aws.autoScaling(), env.aws.ec2());

    @Test
    void theApplicationsAndTheGuardedRefreshesAreListedWithoutInstances() {
        env.group("blue").instances(3).tag(APP_TAG, app).create();
        AwsCalls.Recording calls = new AwsCalls.Recording();

        Set<String> apps = calls.run(() -> fleet.apps(APP_TAG));
        List<GuardedRefresh> guarded = calls.run(() -> fleet.refreshesGuardedBy(env.prefix + "-alarm", APP_TAG));

        assertThat(apps).contains(app);
        assertThat(guarded).isEmpty();
        // Other tests' groups with the tag may make each listing several pages.
        assertThat(calls.requests(DescribeAutoScalingGroupsRequest.class)).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(request -> assertThat(request.includeInstances()).isFalse());
    }

    @Test
    void aRolloutsTargetsStillCountTheMembersThatServe() {
        TestGroup group = env.group("blue").instances(3).tag(APP_TAG, app).create();
        AwsCalls.Recording calls = new AwsCalls.Recording();

        List<TargetGroup> targets = calls.run(() -> fleet.targets(APP_TAG, app));

        assertThat(targets).singleElement().satisfies(target -> {
            assertThat(target.name()).isEqualTo(group.name);
            assertThat(target.capacity().healthyInService()).isEqualTo(3);
        });
        assertThat(calls.requests(DescribeAutoScalingGroupsRequest.class))
                .allSatisfy(request -> assertThat(request.includeInstances()).isNotEqualTo(Boolean.FALSE));
    }
}
