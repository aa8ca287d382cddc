package io.driftdeploy.cli;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.config.TagMatcher;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.Evaluation;
import software.amazon.awssdk.services.config.model.Owner;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The example fleet the demo plays on, seeded on the emulator under names of its own: a VPC with
 * two subnets; golden images of the app "shop"; the opted-in Auto Scaling group shop-blue on a
 * launch template of the current golden image; a standalone instance; the notification topic with
 * a queue subscribed (to show what arrived); the ledger table; the AWS Config rule whose
 * NON_COMPLIANT evaluations count as drift.
 */
final class DemoFleet {

    static final String APP = "shop";
    static final int GROUP_SIZE = 6;
    /** The demo runs with the default golden-image tag. */
    static final TagMatcher GOLDEN_TAG = Settings.goldenImageTag(Map.of());

    private final AwsClients aws;
    final String suffix;
    final String groupName;
    final String standaloneId;
    final String topicArn;
    final String inboxUrl;
    final String tableName;
    final String configRule;
    final String launchTemplateId;
    final String currentImage;
    private final String baseImage;
    private final List<String> subnets;

    DemoFleet(AwsClients aws, String suffix, Consumer<String> progress) {
        this.aws = aws;
        this.suffix = suffix;
        progress.accept("network (VPC, two subnets)");
        String vpc = aws.ec2().createVpc(r -> r.cidrBlock("10.42.0.0/16")).vpc().vpcId();
        this.subnets = List.of(
                aws.ec2().createSubnet(r -> r.vpcId(vpc).cidrBlock("10.42.1.0/24").availabilityZone("us-east-1a")).subnet().subnetId(),
                aws.ec2().createSubnet(r -> r.vpcId(vpc).cidrBlock("10.42.2.0/24").availabilityZone("us-east-1b")).subnet().subnetId());
        // Narrowed by name: listing every Amazon image is slow on the emulator (over a thousand).
        this.baseImage = aws.ec2().describeImages(r -> r.owners("amazon").filters(f -> f.name("name").values("amzn2-ami-hvm-*")))
                .images().stream()
                .map(Image::imageId).findFirst()
                .orElseThrow(() -> new CliFailure("the emulator lists no Amazon-owned image to build the golden image from"));
        progress.accept("golden image 1.0 of " + APP);
        this.currentImage = bakeGoldenImage("1.0");
        progress.accept("launch template and Auto Scaling group of " + GROUP_SIZE);
        this.launchTemplateId = aws.ec2().createLaunchTemplate(r -> r
                        .launchTemplateName("shop-blue-" + suffix)
                        .launchTemplateData(d -> d.imageId(currentImage).instanceType(InstanceType.T3_MICRO))
                        // drift-deploy only versions the launch templates of the application.
                        .tagSpecifications(spec -> spec.resourceType(ResourceType.LAUNCH_TEMPLATE)
                                .tags(Tag.builder().key("drift-deploy:app").value(APP).build())))
                .launchTemplate().launchTemplateId();
        this.groupName = "shop-blue-" + suffix;
        aws.autoScaling().createAutoScalingGroup(r -> r
                .autoScalingGroupName(groupName)
                .launchTemplate(lt -> lt.launchTemplateId(launchTemplateId).version("1"))
                .minSize(GROUP_SIZE / 2).maxSize(GROUP_SIZE * 2).desiredCapacity(GROUP_SIZE)
                .vpcZoneIdentifier(String.join(",", subnets))
                .tags(groupTag("drift-deploy:remediation", "terminate"), groupTag("drift-deploy:app", APP)));
        progress.accept("standalone instance, notification topic and inbox, ledger table, Config rule");
        this.standaloneId = aws.ec2().runInstances(r -> r.imageId(currentImage).instanceType(InstanceType.T3_MICRO)
                .minCount(1).maxCount(1).subnetId(subnets.get(0))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                        .tags(Tag.builder().key("Name").value("legacy-bastion").build()).build()))
                .instances().get(0).instanceId();
        this.topicArn = aws.sns().createTopic(r -> r.name("drift-deploy-demo-" + suffix)).topicArn();
        SqsClient sqs = aws.otherClient(SqsClient.builder());
        this.inboxUrl = sqs.createQueue(r -> r.queueName("drift-deploy-demo-inbox-" + suffix)).queueUrl();
        String inboxArn = sqs.getQueueAttributes(r -> r.queueUrl(inboxUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        aws.sns().subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(inboxArn));
        this.tableName = "drift-deploy-demo-ledger-" + suffix;
        Ledger.createTable(aws.dynamoDb(), tableName);
        this.configRule = "ec2-hardening-baseline-" + suffix;
        aws.config().putConfigRule(r -> r.configRule(rule -> rule
                .configRuleName(configRule)
                .source(source -> source.owner(Owner.AWS).sourceIdentifier("REQUIRED_TAGS"))
                .inputParameters("{\"tag1Key\": \"Name\"}")
                .scope(scope -> scope.complianceResourceTypes("AWS::EC2::Instance"))));
    }

    /**
     * A golden image of the app, as a Packer build leaves it: an AMI made from a builder instance,
     * owned by this account and tagged with its application and as golden. Returns its id.
     */
    String bakeGoldenImage(String version) {
        String builder = aws.ec2().runInstances(r -> r.imageId(baseImage).instanceType(InstanceType.T3_MICRO)
                .minCount(1).maxCount(1).subnetId(subnets.get(0))).instances().get(0).instanceId();
        String image = aws.ec2().createImage(r -> r.instanceId(builder).name("shop-golden-" + version + "-" + suffix)
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.IMAGE)
                        .tags(Tag.builder().key("drift-deploy:app").value(APP).build(),
                                // What publish-image sets: the tag the drift rule checks (the default
                                // DRIFT_DEPLOY_GOLDEN_IMAGE_TAG), without which the images function refuses it.
                                Tag.builder().key(GOLDEN_TAG.key()).value(GOLDEN_TAG.value()).build(),
                                Tag.builder().key("version").value(version).build()).build()))
                .imageId();
        aws.ec2().terminateInstances(r -> r.instanceIds(builder));
        return image;
    }

    Instant imageCreated(String imageId) {
        return Instant.parse(aws.ec2().describeImages(r -> r.imageIds(imageId)).images().get(0).creationDate());
    }

    /** Records the evaluation in AWS Config, as the rule would (the emulator takes the rule name as result token). */
    void recordNonCompliant(String instanceId, Instant when) {
        aws.config().putEvaluations(r -> r.resultToken(configRule).evaluations(Evaluation.builder()
                .complianceResourceType("AWS::EC2::Instance").complianceResourceId(instanceId)
                .complianceType(ComplianceType.NON_COMPLIANT).orderingTimestamp(when).build()));
    }

    AutoScalingGroup group() {
        return aws.autoScaling().describeAutoScalingGroups(r -> r.autoScalingGroupNames(groupName)).autoScalingGroups().get(0);
    }

    /** The group's InService instances, in a stable order. */
    List<String> inService() {
        return group().instances().stream()
                .filter(instance -> instance.lifecycleState() == LifecycleState.IN_SERVICE)
                .map(Instance::instanceId)
                .sorted(Comparator.naturalOrder())
                .toList();
    }

    /** The AMI each of the group's instances runs, by instance id. */
    Map<String, String> imagesOf(List<String> instanceIds) {
        Map<String, String> images = new TreeMap<>();
        aws.ec2().describeInstances(r -> r.instanceIds(instanceIds)).reservations()
                .forEach(reservation -> reservation.instances().forEach(instance -> images.put(instance.instanceId(), instance.imageId())));
        return images;
    }

    String instanceState(String instanceId) {
        return aws.ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0).state().nameAsString();
    }

    private static software.amazon.awssdk.services.autoscaling.model.Tag groupTag(String key, String value) {
        return software.amazon.awssdk.services.autoscaling.model.Tag.builder().key(key).value(value).propagateAtLaunch(false).build();
    }
}
