package io.driftdeploy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.config.model.Evaluation;
import software.amazon.awssdk.services.config.model.NoSuchConfigRuleException;
import software.amazon.awssdk.services.config.model.Owner;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One test's own slice of the emulator, under names no other test uses: a VPC with two subnets,
 * the SNS topic with an SQS queue subscribed (so tests read what was really published), and the
 * ledger table. Auto Scaling groups and standalone instances are added with {@link #group} and
 * {@link #standaloneInstance}.
 *
 * <p>Closing it deletes the AWS Config rules it made: the emulator, like AWS, holds at most 150 per
 * account and region, and a suite run again on the same emulator would otherwise run out of them
 * (test classes that make rules declare their environment {@code @AutoClose}).
 */
public final class TestEnvironment implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final AwsClients aws;
    public final String prefix;
    public final String vpcId;
    public final List<String> subnetIds;
    public final String topicArn;
    public final String queueUrl;
    public final String tableName;
    public final String baseImageId;

    private static long lastImageSecond;

    /** The message attribute {@code kind} of {@link #notificationsSoFar()}'s sentinels; no function sends it. */
    private static final String SENTINEL_KIND = "test-sentinel";
    /** How long a sentinel may take to arrive: it is in the queue when Publish returns, so this only bounds a broken emulator. */
    private static final Duration SENTINEL_TIMEOUT = Duration.ofSeconds(20);

    private final List<ReceivedNotification> received = new ArrayList<>();
    private final List<String> configRules = new CopyOnWriteArrayList<>();

    private TestEnvironment(AwsClients aws, String prefix) {
        this.aws = aws;
        this.prefix = prefix;
        this.vpcId = aws.ec2().createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
        this.subnetIds = List.of(
                aws.ec2().createSubnet(r -> r.vpcId(vpcId).cidrBlock("10.0.1.0/24").availabilityZone("us-east-1a")).subnet().subnetId(),
                aws.ec2().createSubnet(r -> r.vpcId(vpcId).cidrBlock("10.0.2.0/24").availabilityZone("us-east-1b")).subnet().subnetId());
        this.topicArn = aws.sns().createTopic(r -> r.name(prefix + "-notifications")).topicArn();
        this.queueUrl = aws.sqs().createQueue(r -> r.queueName(prefix + "-inbox")).queueUrl();
        String queueArn = aws.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        aws.sns().subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
        this.tableName = prefix + "-ledger";
        Ledger.createTable(aws.dynamoDb(), tableName);
        this.baseImageId = anyAvailableImage();
    }

    /** A fresh environment with a unique name prefix. */
    public static TestEnvironment create() {
        return new TestEnvironment(Emulator.clients(), "dd-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** The environment variables the functions read, pointing at this environment, plus overrides. */
    public Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put(Settings.PREFIX + "TOPIC_ARN", topicArn);
        env.put(Settings.PREFIX + "TABLE", tableName);
        // The account the functions act in: the emulator's, which every sample in events/ names.
        env.put(Settings.PREFIX + "ACCOUNT_ID", Emulator.ACCOUNT);
        env.putAll(overrides);
        return env;
    }

    public Settings settings(Map<String, String> overrides) {
        return Settings.from(environment(overrides));
    }

    public TestGroup.Builder group(String name) {
        return new TestGroup.Builder(this, prefix + "-" + name);
    }

    /** An instance that belongs to no Auto Scaling group: nothing would replace it. */
    public String standaloneInstance(Map<String, String> tags) {
        List<Tag> ec2Tags = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        return aws.ec2().runInstances(r -> {
            r.imageId(baseImageId).instanceType(InstanceType.T3_MICRO).minCount(1).maxCount(1).subnetId(subnetIds.get(0));
            if (!ec2Tags.isEmpty()) {
                r.tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(ec2Tags).build());
            }
        }).instances().get(0).instanceId();
    }

    /** Adds tags to an EC2 instance (e.g. the protect tag). */
    public void tagInstance(String instanceId, String key, String value) {
        aws.ec2().createTags(r -> r.resources(instanceId).tags(Tag.builder().key(key).value(value).build()));
    }

    /**
     * Creates an AWS Config rule of this environment evaluating EC2 instances, so evaluations
     * can be stored for it with {@link #putEvaluation}. Returns its name.
     */
    public String configRule(String name) {
        return configRule(name, "REQUIRED_TAGS", "{\"tag1Key\": \"app\"}");
    }

    /** As {@link #configRule(String)}, running the AWS managed rule named, with these input parameters (JSON). */
    public String configRule(String name, String managedRule, String inputParameters) {
        String ruleName = prefix + "-" + name;
        aws.config().putConfigRule(r -> r.configRule(rule -> rule
                .configRuleName(ruleName)
                .source(source -> source.owner(Owner.AWS).sourceIdentifier(managedRule))
                .inputParameters(inputParameters)
                .scope(scope -> scope.complianceResourceTypes("AWS::EC2::Instance"))));
        configRules.add(ruleName);
        return ruleName;
    }

    /** Deletes the Config rules this environment made; the rest of it is left for the emulator's next restart. */
    @Override
    public void close() {
        for (String ruleName : configRules) {
            try {
                aws.config().deleteConfigRule(r -> r.configRuleName(ruleName));
            } catch (NoSuchConfigRuleException alreadyGone) {
                // Deleted by the test itself.
            }
        }
        configRules.clear();
    }

    /**
     * The Config rule of that full name: made as {@link #configRule(String)} makes one (the name
     * must start with this environment's prefix) unless AWS Config knows it already.
     */
    public String existingConfigRule(String ruleName) {
        boolean known;
        try {
            known = !aws.config().describeConfigRules(r -> r.configRuleNames(ruleName)).configRules().isEmpty();
        } catch (NoSuchConfigRuleException missing) {
            known = false;
        }
        if (known) {
            return ruleName;
        }
        if (!ruleName.startsWith(prefix + "-")) {
            throw new IllegalArgumentException(ruleName + " is not a rule of this environment (" + prefix + ")");
        }
        return configRule(ruleName.substring(prefix.length() + 1));
    }

    /**
     * Stores an evaluation as the rule's own function would (PutEvaluations); the emulator takes
     * the rule name as the result token, since it runs no rule functions to hand one out.
     */
    public void putEvaluation(String ruleName, String resourceType, String resourceId, ComplianceType compliance,
                              Instant orderingTimestamp) {
        aws.config().putEvaluations(r -> r.resultToken(ruleName).evaluations(Evaluation.builder()
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
        synchronized (TestEnvironment.class) {
            long previous = lastImageSecond;
            awaitTrue("the next second, so that images differ in age", Duration.ofSeconds(3),
                    () -> Instant.now().getEpochSecond() > previous);
            imageId = aws.ec2().registerImage(r -> r.name(prefix + "-" + name)
                    .rootDeviceName("/dev/xvda")
                    .architecture("x86_64")
                    .virtualizationType("hvm")).imageId();
            // The second EC2 recorded, not the one the request left in: on a loaded machine the
            // request can arrive a second later, and the next image must be younger than that.
            lastImageSecond = Instant.parse(aws.ec2().describeImages(r -> r.imageIds(imageId)).images().get(0).creationDate())
                    .getEpochSecond();
        }
        if (!tags.isEmpty()) {
            aws.ec2().createTags(r -> r.resources(imageId).tags(tags.entrySet().stream()
                    .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
        }
        return imageId;
    }

    /**
     * Waits until at least {@code count} notifications have arrived on the subscribed queue and
     * returns every one received so far, oldest first.
     */
    public List<ReceivedNotification> awaitNotifications(int count, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (received.size() < count && Instant.now().isBefore(deadline)) {
            receiveOnce();
        }
        if (received.size() < count) {
            throw new AssertionError("expected " + count + " notifications within " + timeout + ", got " + received.size() + ": " + received);
        }
        return List.copyOf(received);
    }

    /**
     * Every notification published to the topic before this call, oldest first (sentinels left out).
     *
     * <p>Proves absence without waiting: a sentinel is published to the topic now and the queue is
     * read until it arrives. The emulator delivers to the subscribed queue within Publish, and moto's
     * standard queue hands messages out in the order they arrived (scripts/emulator_selftest.py checks
     * both), so whatever the code under test published before this call is received before the
     * sentinel. An assertion that nothing else came can therefore fail, and no quiet period is
     * waited out. It does not see what is published after this call: the functions publish within
     * their invocation, so call it after the invocation returned.
     */
    public List<ReceivedNotification> notificationsSoFar() {
        String sentinel = UUID.randomUUID().toString();
        aws.sns().publish(r -> r.topicArn(topicArn).subject("sentinel").message("{\"sentinel\":\"" + sentinel + "\"}")
                .messageAttributes(Map.of("kind", MessageAttributeValue.builder().dataType("String").stringValue(SENTINEL_KIND).build())));
        Instant deadline = Instant.now().plus(SENTINEL_TIMEOUT);
        while (true) {
            List<ReceivedNotification> batch = receiveBatch();
            for (ReceivedNotification message : batch) {
                if (!SENTINEL_KIND.equals(message.kind())) {
                    received.add(message);
                } else if (sentinel.equals(message.body().path("sentinel").asText())) {
                    return List.copyOf(received);
                }
            }
            if (!batch.isEmpty()) {
                // Still reading what came before the sentinel (a storm's hundreds): the queue is not stuck.
                deadline = Instant.now().plus(SENTINEL_TIMEOUT);
            } else if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the sentinel published to " + topicArn + " did not arrive within " + SENTINEL_TIMEOUT
                        + " of the last message; received " + received.size() + " before it");
            }
        }
    }

    /** The audit records of {@code subject} in this environment's ledger, oldest first. */
    public List<Map<String, AttributeValue>> auditRecords(String subject) {
        return aws.dynamoDb().query(r -> r.tableName(tableName)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", Ledger.PARTITION_KEY))
                .expressionAttributeValues(Map.of(":pk", Ledger.text(AuditTrail.partitionKey(subject))))).items();
    }

    /** Adds what one receive gets to {@link #received}. */
    private void receiveOnce() {
        receiveBatch().stream().filter(message -> !SENTINEL_KIND.equals(message.kind())).forEach(received::add);
    }

    /** One receive (waiting up to a second for a message), its messages deleted in one call. */
    private List<ReceivedNotification> receiveBatch() {
        List<Message> messages = aws.sqs().receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        if (messages.isEmpty()) {
            return List.of();
        }
        aws.sqs().deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(messages.stream()
                .map(message -> DeleteMessageBatchRequestEntry.builder().id(message.messageId()).receiptHandle(message.receiptHandle()).build())
                .toList()));
        return messages.stream().map(message -> ReceivedNotification.fromSnsEnvelope(message.body())).toList();
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
        return aws.ec2().describeImages(r -> r.owners("amazon").filters(f -> f.name("name").values("amzn2-ami-hvm-*"))).images();
    }

    private String anyAvailableImage() {
        return amazonImages().stream()
                .map(Image::imageId)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the emulator lists no Amazon-owned image"));
    }

    /** A notification as SNS delivered it to the queue: subject, JSON body, message attributes. */
    public record ReceivedNotification(String subject, JsonNode body, Map<String, String> attributes) {

        static ReceivedNotification fromSnsEnvelope(String envelopeJson) {
            try {
                JsonNode envelope = JSON.readTree(envelopeJson);
                Map<String, String> attributes = new LinkedHashMap<>();
                JsonNode attributeNodes = envelope.path("MessageAttributes");
                for (Iterator<Map.Entry<String, JsonNode>> it = attributeNodes.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    attributes.put(entry.getKey(), entry.getValue().path("Value").asText());
                }
                return new ReceivedNotification(envelope.path("Subject").asText(null),
                        JSON.readTree(envelope.path("Message").asText()), attributes);
            } catch (IOException e) {
                throw new UncheckedIOException("not an SNS envelope: " + envelopeJson, e);
            }
        }

        public String kind() {
            return attributes.get("kind");
        }
    }
}
