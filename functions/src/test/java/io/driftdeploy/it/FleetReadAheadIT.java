package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.AutoScalingFleet;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.policy.InstanceFacts;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.FaultProxy;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A sweep's batch read in a few calls ({@link AutoScalingFleet#describeAll}) is what the decisions
 * would have read one instance at a time: the same facts for each instance, groups included,
 * and an instance EC2 no longer knows is empty rather than failing the batch.
 */
class FleetReadAheadIT {

    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    private final FaultProxy proxy = FaultProxy.start(Emulator.endpoint());

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void aBatchIsReadInOneCallPerServiceAndEachInstanceAsItsOwnReadSeesIt() {
        TestGroup web = env.group("web").instances(2).tag("drift-deploy:remediation", "terminate").create();
        TestGroup api = env.group("api").instances(1).create();
        String standalone = env.standaloneInstance(Map.of("team", "data"));
        String gone = "i-0badc0ffee0000000";
        List<String> batch = new ArrayList<>(web.instanceIds());
        batch.addAll(api.instanceIds());
        batch.add(standalone);
        batch.add(gone);
        AwsClients clients = proxy.clients();
        AutoScalingFleet fleet = new AutoScalingFleet(clients.ec2(), clients.autoScaling());

        Map<String, Optional<InstanceFacts>> readAhead = fleet.describeAll(batch);

        assertThat(proxy.exchanges()).extracting(exchange -> exchange.service() + ":" + exchange.operation())
                .containsExactly("ec2:DescribeInstances", "autoscaling:DescribeAutoScalingGroups");
        Map<String, Optional<InstanceFacts>> oneByOne = new LinkedHashMap<>();
        batch.forEach(id -> oneByOne.put(id, fleet.describe(id)));
        assertThat(readAhead).containsExactlyEntriesOf(oneByOne);
        assertThat(readAhead.get(gone)).isEmpty();
        assertThat(readAhead.get(standalone)).get().satisfies(instance -> assertThat(instance.group()).isEmpty());
        assertThat(readAhead.get(web.instanceIds().get(0))).get()
                .satisfies(instance -> assertThat(instance.group()).get().satisfies(group -> {
                    assertThat(group.name()).isEqualTo(web.name);
                    assertThat(group.members()).containsExactlyInAnyOrderElementsOf(web.instanceIds());
                }));
    }

    @Test
    void moreInstancesThanOneFilterTakesAreReadInChunks() {
        List<String> batch = new ArrayList<>(env.group("web").instances(2).create().instanceIds());
        for (int i = 0; batch.size() <= AutoScalingFleet.FILTER_VALUES; i++) {
            batch.add(String.format("i-%017x", i));
        }
        AwsClients clients = proxy.clients();

        Map<String, Optional<InstanceFacts>> readAhead = new AutoScalingFleet(clients.ec2(), clients.autoScaling())
                .describeAll(batch);

        assertThat(proxy.exchanges("ec2", "DescribeInstances")).hasSize(2);
        assertThat(readAhead).hasSize(batch.size());
        assertThat(readAhead.values().stream().filter(Optional::isPresent)).hasSize(2);
    }
}
