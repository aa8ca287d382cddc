package io.driftdeploy.cli;

import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.config.TagMatcher;
import io.driftdeploy.testing.Sandbox;
import io.driftdeploy.testing.TestGroup;
import java.net.URI;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The example fleet the demo plays on, seeded on the emulator as the tests seed theirs (testkit's
 * Sandbox), under names of its own: a VPC with two subnets; golden images of the app "shop"; the
 * opted-in Auto Scaling group shop-blue on a launch template of the current golden image; the
 * opted-in group shop-cart of two that surges (launch before terminate); a standalone instance; the notification topic with a queue subscribed (to show what arrived); the
 * ledger table; the AWS Config rule whose NON_COMPLIANT evaluations count as drift.
 */
final class DemoFleet {

    static final String APP = "shop";
    static final int GROUP_SIZE = 6;
    /** The surge group: two instances, room for one more, Auto Scaling's "Launch before terminating". */
    static final int SURGE_GROUP_SIZE = 2;
    static final int SURGE_GROUP_MAX = 3;
    static final int VAULT_SIZE = 2;
    /** The demo runs with the default golden-image tag. */
    static final TagMatcher GOLDEN_TAG = Settings.goldenImageTag(Map.of());

    final Sandbox sandbox;
    final String groupName;
    final String surgeGroupName;
    final String standaloneId;
    final String configRule;
    final String currentImage;
    /** A second group, which quarantines its drifted instances instead of terminating them. */
    final TestGroup vault;
    /** The VPC's quarantine security group, as the stack makes it: no ingress, no egress. */
    final String quarantineGroup;
    private final TestGroup group;
    private final TestGroup surgeGroup;

    DemoFleet(URI endpoint, DynamoDbClient dynamoDb, String suffix, Consumer<String> progress) {
        progress.accept("network (VPC, two subnets), notification topic and inbox");
        this.sandbox = Sandbox.at(endpoint, "demo-" + suffix);
        progress.accept("golden image 1.0 of " + APP);
        this.currentImage = bakeGoldenImage("1.0");
        progress.accept("launch template and Auto Scaling group of " + GROUP_SIZE);
        this.group = sandbox.group("shop-blue").instances(GROUP_SIZE).minSize(GROUP_SIZE / 2).maxSize(GROUP_SIZE * 2)
                .image(currentImage)
                // On the launch template too: drift-deploy only versions the launch templates of the application.
                .tag("drift-deploy:remediation", "terminate").tag("drift-deploy:app", APP)
                .create();
        this.groupName = group.name;
        progress.accept("Auto Scaling group of " + SURGE_GROUP_SIZE + " that surges (launch before terminate)");
        this.surgeGroup = sandbox.group("shop-cart").instances(SURGE_GROUP_SIZE).minSize(SURGE_GROUP_SIZE).maxSize(SURGE_GROUP_MAX)
                .maintenancePolicy(100, 110).image(currentImage)
                .tag("drift-deploy:remediation", "terminate").tag("drift-deploy:replacement", "surge")
                .create();
        this.surgeGroupName = surgeGroup.name;
        progress.accept("Auto Scaling group of " + VAULT_SIZE + " that quarantines, and the VPC's quarantine security group");
        this.vault = sandbox.group("vault").instances(VAULT_SIZE).image(currentImage)
                .tag("drift-deploy:remediation", "terminate").tag("drift-deploy:action", "quarantine")
                .create();
        this.quarantineGroup = sandbox.clients.ec2().createSecurityGroup(r -> r.vpcId(sandbox.vpcId)
                .groupName(sandbox.prefix + "-quarantine").description("drift-deploy quarantine: no ingress, no egress")).groupId();
        sandbox.clients.ec2().revokeSecurityGroupEgress(r -> r.groupId(quarantineGroup)
                .ipPermissions(p -> p.ipProtocol("-1").ipRanges(range -> range.cidrIp("0.0.0.0/0"))));
        progress.accept("standalone instance, ledger table, Config rule");
        this.standaloneId = sandbox.standaloneInstance(Map.of("Name", "legacy-bastion"));
        Ledger.createTable(dynamoDb, sandbox.tableName);
        this.configRule = sandbox.configRule("ec2-hardening-baseline", "REQUIRED_TAGS", "{\"tag1Key\": \"Name\"}");
    }

    /**
     * A golden image of the app, as a Packer build leaves it: an AMI owned by this account, tagged
     * with its application and as golden, younger than the one before. Returns its id.
     */
    String bakeGoldenImage(String version) {
        return sandbox.registerImage("shop-golden-" + version, Map.of(
                "drift-deploy:app", APP,
                // What publish-image sets: the tag the drift rule checks (the default
                // DRIFT_DEPLOY_GOLDEN_IMAGE_TAG), without which the images function refuses it.
                GOLDEN_TAG.key(), GOLDEN_TAG.value(),
                "version", version));
    }

    /** Records the evaluation in AWS Config, as the rule would. */
    void recordNonCompliant(String instanceId, Instant when) {
        sandbox.putEvaluation(configRule, "AWS::EC2::Instance", instanceId, ComplianceType.NON_COMPLIANT, when);
    }

    /** The group's InService instances, in a stable order. */
    List<String> inService() {
        return group.inServiceInstanceIds().stream().sorted(Comparator.naturalOrder()).toList();
    }

    /** The surge group as Auto Scaling lists it now: each instance's id, lifecycle state and health. */
    List<software.amazon.awssdk.services.autoscaling.model.Instance> surgeGroupInstances() {
        return surgeGroup.describe().instances().stream()
                .sorted(Comparator.comparing(software.amazon.awssdk.services.autoscaling.model.Instance::instanceId)).toList();
    }

    /** The AMI each of the group's instances runs, by instance id. */
    Map<String, String> imagesOf(List<String> instanceIds) {
        Map<String, String> images = new TreeMap<>();
        sandbox.clients.ec2().describeInstances(r -> r.instanceIds(instanceIds)).reservations()
                .forEach(reservation -> reservation.instances().forEach(instance -> images.put(instance.instanceId(), instance.imageId())));
        return images;
    }

    /** The security groups of each network interface of the instance. */
    List<List<String>> interfaceGroups(String instanceId) {
        return sandbox.clients.ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0)
                .networkInterfaces().stream()
                .map(nic -> nic.groups().stream().map(software.amazon.awssdk.services.ec2.model.GroupIdentifier::groupId).toList())
                .toList();
    }

    /** The snapshots tagged with the quarantine's audit id. */
    List<String> quarantineSnapshots(String auditId) {
        return sandbox.clients.ec2().describeSnapshots(r -> r.ownerIds("self").filters(f -> f.name("tag:drift-deploy:quarantine")
                .values(auditId))).snapshots().stream().map(software.amazon.awssdk.services.ec2.model.Snapshot::snapshotId).toList();
    }

    void tagGroup(String key, String value) {
        group.tag(key, value);
    }

    void untagGroup(String key) {
        group.untag(key);
    }

    String instanceState(String instanceId) {
        return sandbox.clients.ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0)
                .state().nameAsString();
    }
}
