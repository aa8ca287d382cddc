package io.driftdeploy.testing;

import io.driftdeploy.settings.Setting;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.Evaluation;
import software.amazon.awssdk.services.config.model.NoSuchConfigRuleException;
import software.amazon.awssdk.services.config.model.Owner;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.LaunchPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One run's own slice of the emulator, under names no other run uses (all start with its prefix):
 * a VPC with two subnets, and the notification topic with an SQS queue subscribed, so that what
 * drift-deploy published can be read back. Auto Scaling groups, standalone instances, golden images,
 * AWS Config rules and their evaluations are added with the methods below. The integration tests
 * (TestEnvironment) and the demo (DemoFleet) seed their fleets with it; the ledger table, whose
 * schema is the functions', each creates itself under {@link #tableName}.
 *
 * <p>A sandbox lives in the emulator's default account, the central account the functions run in.
 * {@link #inAccount} gives its slice of a member account, to seed and read a member's fleet there.
 *
 * <p>Closing it deletes the AWS Config rules it made: the emulator, like AWS, holds at most 150 per
 * account and region, and a suite run again on the same emulator would otherwise run out of them
 * (test classes that make rules declare their environment {@code @AutoClose}).
 */
public class Sandbox implements AutoCloseable {

    /** The SDK clients a sandbox seeds with, all at one endpoint, acting in one account. */
    public record Clients(URI endpoint, Ec2Client ec2, AutoScalingClient autoScaling, SnsClient sns, SqsClient sqs,
                          ConfigClient config) {

        /** Clients at the endpoint (a local emulator, whose credentials the caller has set), in the emulator's region. */
        public static Clients at(URI endpoint) {
            return at(endpoint, DefaultCredentialsProvider.builder().build());
        }

        /** Clients at the same endpoint acting in the account ({@link Emulator#credentialsIn}). */
        public Clients in(String accountId) {
            return at(endpoint, Emulator.credentialsIn(accountId, endpoint));
        }

        private static Clients at(URI endpoint, AwsCredentialsProvider credentials) {
            return new Clients(endpoint, Emulator.client(Ec2Client.builder().credentialsProvider(credentials), endpoint),
                    Emulator.client(AutoScalingClient.builder().credentialsProvider(credentials), endpoint),
                    Emulator.client(SnsClient.builder().credentialsProvider(credentials), endpoint),
                    Emulator.client(SqsClient.builder().credentialsProvider(credentials), endpoint),
                    Emulator.client(ConfigClient.builder().credentialsProvider(credentials), endpoint));
        }
    }

    /** Where the functions' notifications are read back: the topic, and the queue subscribed to it. */
    private record Inbox(String topicArn, String queueUrl) {

        static Inbox subscribe(Clients clients, String prefix) {
            String topicArn = clients.sns().createTopic(r -> r.name(prefix + "-notifications")).topicArn();
            String queueUrl = clients.sqs().createQueue(r -> r.queueName(prefix + "-inbox")).queueUrl();
            String queueArn = clients.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            clients.sns().subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
            return new Inbox(topicArn, queueUrl);
        }
    }

    public final Clients clients;
    public final String prefix;
    /** The account this sandbox's fleet lives in: the emulator's default account, or the member {@link #inAccount} named. */
    public final String accountId;
    public final String vpcId;
    public final List<String> subnetIds;
    public final String topicArn;
    public final String queueUrl;
    public final String tableName;
    public final String baseImageId;

    private final List<String> configRules = new CopyOnWriteArrayList<>();
    private final Map<String, Sandbox> members = new ConcurrentHashMap<>();

    private static long lastImageSecond;

    protected Sandbox(Clients clients, String prefix) {
        this(clients, prefix, Emulator.ACCOUNT, Inbox.subscribe(clients, prefix));
    }

    private Sandbox(Clients clients, String prefix, String accountId, Inbox inbox) {
        this.clients = clients;
        this.prefix = prefix;
        this.accountId = accountId;
        this.vpcId = clients.ec2().createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
        this.subnetIds = List.of(
                clients.ec2().createSubnet(r -> r.vpcId(vpcId).cidrBlock("10.0.1.0/24").availabilityZone("us-east-1a")).subnet().subnetId(),
                clients.ec2().createSubnet(r -> r.vpcId(vpcId).cidrBlock("10.0.2.0/24").availabilityZone("us-east-1b")).subnet().subnetId());
        this.topicArn = inbox.topicArn();
        this.queueUrl = inbox.queueUrl();
        this.tableName = prefix + "-ledger";
        this.baseImageId = anyAvailableImage();
    }

    /**
     * This sandbox's slice of a member account: a network of its own there, seeded and read with
     * clients acting in that account ({@link Emulator#credentialsIn}), so that groups, instances,
     * images, Config rules and evaluations made through it are the member's, unseen from any other
     * account. Its names, topic, queue and ledger table are this sandbox's: the functions notify and
     * keep their ledger in the central account whatever account an event names. Made once per
     * account and closed with this sandbox.
     */
    public Sandbox inAccount(String memberAccountId) {
        if (memberAccountId.equals(accountId)) {
            return this;
        }
        return members.computeIfAbsent(memberAccountId,
                member -> new Sandbox(clients.in(member), prefix, member, new Inbox(topicArn, queueUrl)));
    }

    /** A fresh sandbox at the endpoint, its names starting with {@code prefix}. */
    public static Sandbox at(URI endpoint, String prefix) {
        return new Sandbox(Clients.at(endpoint), prefix);
    }

    /** A fresh sandbox on the tests' emulator ({@link Emulator}), with a unique name prefix. */
    public static Sandbox create() {
        return new Sandbox(emulatorClients(), uniquePrefix());
    }

    /** A prefix no other sandbox takes. */
    protected static String uniquePrefix() {
        return "dd-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The clients of every sandbox on the tests' emulator: one set per JVM, built on first use. */
    protected static Clients emulatorClients() {
        return EmulatorClients.CLIENTS;
    }

    private static final class EmulatorClients {
        static final Clients CLIENTS = Clients.at(Emulator.endpoint());
    }

    /**
     * The environment variables the functions read, pointing at this sandbox (its topic, its table,
     * the emulator's account, which every sample in events/ names), plus overrides.
     */
    public Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put(variable(Setting.TOPIC_ARN), topicArn);
        env.put(variable(Setting.TABLE), tableName);
        env.put(variable(Setting.ACCOUNT_ID), Emulator.ACCOUNT);
        env.putAll(overrides);
        return env;
    }

    private static String variable(Setting setting) {
        return setting.environmentVariable().orElseThrow();
    }

    public TestGroup.Builder group(String name) {
        return new TestGroup.Builder(this, prefix + "-" + name);
    }

    /** An instance that belongs to no Auto Scaling group: nothing would replace it. */
    public String standaloneInstance(Map<String, String> tags) {
        List<Tag> ec2Tags = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        return clients.ec2().runInstances(r -> {
            r.imageId(baseImageId).instanceType(InstanceType.T3_MICRO).minCount(1).maxCount(1).subnetId(subnetIds.get(0));
            if (!ec2Tags.isEmpty()) {
                r.tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(ec2Tags).build());
            }
        }).instances().get(0).instanceId();
    }

    /** Adds tags to an EC2 instance (e.g. the protect tag). */
    public void tagInstance(String instanceId, String key, String value) {
        clients.ec2().createTags(r -> r.resources(instanceId).tags(Tag.builder().key(key).value(value).build()));
    }

    /**
     * Creates an AWS Config rule of this sandbox evaluating EC2 instances, so evaluations
     * can be stored for it with {@link #putEvaluation}. Returns its name.
     */
    public String configRule(String name) {
        return configRule(name, "REQUIRED_TAGS", "{\"tag1Key\": \"app\"}");
    }

    /** As {@link #configRule(String)}, running the AWS managed rule named, with these input parameters (JSON). */
    public String configRule(String name, String managedRule, String inputParameters) {
        String ruleName = prefix + "-" + name;
        clients.config().putConfigRule(r -> r.configRule(rule -> rule
                .configRuleName(ruleName)
                .source(source -> source.owner(Owner.AWS).sourceIdentifier(managedRule))
                .inputParameters(inputParameters)
                .scope(scope -> scope.complianceResourceTypes("AWS::EC2::Instance"))));
        configRules.add(ruleName);
        return ruleName;
    }

    /**
     * Deletes the Config rules this sandbox (and its slices of member accounts) made; the rest of it
     * is left for the emulator's next restart.
     */
    @Override
    public void close() {
        members.values().forEach(Sandbox::close);
        for (String ruleName : configRules) {
            try {
                clients.config().deleteConfigRule(r -> r.configRuleName(ruleName));
            } catch (NoSuchConfigRuleException alreadyGone) {
                // Deleted by the test itself.
            }
        }
        configRules.clear();
    }

    /**
     * The Config rule of that full name: made as {@link #configRule(String)} makes one (the name
     * must start with this sandbox's prefix) unless AWS Config knows it already.
     */
    public String existingConfigRule(String ruleName) {
        boolean known;
        try {
            known = !clients.config().describeConfigRules(r -> r.configRuleNames(ruleName)).configRules().isEmpty();
        } catch (NoSuchConfigRuleException missing) {
            known = false;
        }
        if (known) {
            return ruleName;
        }
        if (!ruleName.startsWith(prefix + "-")) {
            throw new IllegalArgumentException(ruleName + " is not a rule of this sandbox (" + prefix + ")");
        }
        return configRule(ruleName.substring(prefix.length() + 1));
    }

    /**
     * Stores an evaluation as the rule's own function would (PutEvaluations); the emulator takes
     * the rule name as the result token, since it runs no rule functions to hand one out.
     */
    public void putEvaluation(String ruleName, String resourceType, String resourceId, ComplianceType compliance,
                              Instant orderingTimestamp) {
        clients.config().putEvaluations(r -> r.resultToken(ruleName).evaluations(Evaluation.builder()
                .complianceResourceType(resourceType)
                .complianceResourceId(resourceId)
                .complianceType(compliance)
                .orderingTimestamp(orderingTimestamp)
                .build()));
    }

    /**
     * Registers an AMI owned by this account, tagged as given. EC2 reports creation times to the
     * second, so images are registered at least a second apart: their order is then their age.
     */
    public String registerImage(String name, Map<String, String> tags) {
        String imageId;
        synchronized (Sandbox.class) {
            long previous = lastImageSecond;
            awaitTrue("the next second, so that images differ in age", Duration.ofSeconds(3),
                    () -> Instant.now().getEpochSecond() > previous);
            imageId = clients.ec2().registerImage(r -> r.name(prefix + "-" + name)
                    .rootDeviceName("/dev/xvda")
                    .architecture("x86_64")
                    .virtualizationType("hvm")).imageId();
            // The second EC2 recorded, not the one the request left in: on a loaded machine the
            // request can arrive a second later, and the next image must be younger than that.
            lastImageSecond = Instant.parse(clients.ec2().describeImages(r -> r.imageIds(imageId)).images().get(0).creationDate())
                    .getEpochSecond();
        }
        if (!tags.isEmpty()) {
            clients.ec2().createTags(r -> r.resources(imageId).tags(tags.entrySet().stream()
                    .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
        }
        return imageId;
    }

    /** Lets the accounts launch the image (ModifyImageAttribute launchPermission), as a golden image is shared with members. */
    public void shareImage(String imageId, String... accountIds) {
        clients.ec2().modifyImageAttribute(r -> r.imageId(imageId).launchPermission(permission -> permission
                .add(Arrays.stream(accountIds).map(account -> LaunchPermission.builder().userId(account).build()).toList())));
    }

    public static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }

    /** An available image other than {@link #baseImageId}, to roll out as a new golden image. */
    public String otherImageId() {
        return amazonImages().stream()
                .map(Image::imageId)
                .filter(id -> !id.equals(baseImageId))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the emulator lists only one Amazon-owned image"));
    }

    /** A few of the emulator's Amazon images: listing all of them (about 1,300) costs seconds per test. */
    private List<Image> amazonImages() {
        return clients.ec2().describeImages(r -> r.owners("amazon").filters(f -> f.name("name").values("amzn2-ami-hvm-*"))).images();
    }

    private String anyAvailableImage() {
        return amazonImages().stream()
                .map(Image::imageId)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the emulator lists no Amazon-owned image"));
    }
}
