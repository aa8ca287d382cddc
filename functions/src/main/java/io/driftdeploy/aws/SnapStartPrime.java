package io.driftdeploy.aws;

import java.security.cert.CertificateException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * SnapStart's hook before the snapshot (issue #12): runs a function's request path once, so that
 * the classes it loads and the code it runs are in the snapshot and not in the first decision after
 * each restore. The Lambda Developer Guide recommends exactly this: preload what contributes to
 * startup latency before the snapshot, by initialising it or by dummy invocations ("Maximize Lambda
 * SnapStart performance"), in a {@code beforeCheckpoint} runtime hook registered with
 * {@code Core.getGlobalContext()} ("Lambda SnapStart runtime hooks for Java").
 *
 * <p>Nothing leaves the process. The prime runs the function's own decision on a sample event, then
 * every call the adapters make on each client the function built, all against twins of its clients
 * ({@link AwsClients#answeredBy}: the same configuration, with every call answered in memory by
 * {@link CannedConnections} and signed with placeholder credentials). So the request path is run
 * whole, marshalling, endpoint rules, SigV4 signing, the retry strategy, the HTTP client and
 * unmarshalling in each protocol the functions use (AWS JSON, REST-JSON, query, EC2 query), yet the
 * prime has no effect on AWS and needs no network, credentials or permission. AWS SDK 2.54.0's
 * {@code SdkWarmUp} would do the service half of this, but it also sends one real request per HTTP
 * client, to STS ("Warm up SDK clients in the AWS SDK for Java 2.x"), and this build cannot move
 * to it: Image Builder's module resolves at 2.40.2 at the newest (the pom's awssdk.version). See
 * docs/snapstart.md for the design and its measured effect.
 *
 * <p>After a restore there is nothing to do. The real clients made no call before the snapshot, so
 * it holds none of their connections and no credentials: they resolve the container credentials
 * Lambda provides to SnapStart functions on their first call ("Activating and managing Lambda
 * SnapStart", Using SnapStart with AWS SDKs), and open their connections then ("Improving startup
 * performance with Lambda SnapStart", Compatibility considerations). The function's own caches (a
 * rule's kind, a paused scope) are empty in the snapshot too: the prime filled its twins' only.
 * Times are read from the clock at each use, and what must be unique (attempt ids) comes from
 * {@code SecureRandom} at each use, which the Lambda runtime keeps unique across restores
 * ("Handling uniqueness with Lambda SnapStart").
 */
public final class SnapStartPrime implements Resource {

    private static final String TABLE = "snapstart-prime";
    private static final String ID = "snapstart-prime";
    private static final String ARN = "arn:aws:sns:us-east-1:000000000000:snapstart-prime";

    /**
     * How many times the hook runs the decision and the calls. Once loads the classes; repeating
     * runs the request path often enough for the JIT to compile its hot methods into the snapshot,
     * so the first decision after a restore runs less of it interpreted. Measured with
     * scripts/bench-snapstart (C1 only, as deployed, 7 runs each, 2026-12-02): the first decision took
     * 253 ms (180 ms of CPU) after 1 round, 231 ms (130 ms) after 20, 216 ms (120 ms) after 50, for a
     * hook of 1.0, 1.8 and 2.6 s (docs/snapstart.md).
     */
    static final int ROUNDS = 20;

    /** An account id for the calls that name one; nothing is sent anywhere. */
    private static final String PRIME_ACCOUNT = "111111111111";

    private final AwsClients aws;
    private final Consumer<AwsClients> decision;
    private final DeferredTrustManager trustStore;

    /**
     * @param aws      the function's clients; the prime drives twins of those built by the time it runs
     * @param decision the function's decision on a sample event, made with the clients given to it
     */
    public SnapStartPrime(AwsClients aws, Consumer<AwsClients> decision) {
        this(aws, decision, DeferredTrustManager.PLATFORM);
    }

    SnapStartPrime(AwsClients aws, Consumer<AwsClients> decision, DeferredTrustManager trustStore) {
        this.aws = aws;
        this.decision = decision;
        this.trustStore = trustStore;
    }

    /**
     * Registers the hook with the runtime (on a JDK without CRaC, as in tests and the CLI, this does
     * nothing). The runtime holds it only weakly, so the caller must keep a reference to it
     * ("Lambda SnapStart runtime hooks for Java").
     */
    public void register() {
        Core.getGlobalContext().register(this);
    }

    /**
     * Primes. A failure fails the function's initialisation, and so the version's snapshot
     * ("Activating and managing Lambda SnapStart": the version's state becomes Failed), saying why:
     * the prime cannot fail for a reason outside this code (no network, no credentials, answers
     * fixed here), so a failure is a bug, and a function whose hook is broken should not be deployed
     * unnoticed (SnapStartHookTest runs every function's hook). The hook counts towards init, which
     * may take 130 s or the function's timeout, whichever is longer ("Lambda SnapStart runtime
     * hooks for Java"); the prime takes 2 to 3 s on this project's development machines.
     */
    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        loadTrustStore();
        aws.buildCredentialsProvider();
        // Found nothing: the decision's path through the rules is then fixed, whatever the samples hold.
        AwsClients empty = aws.answeredBy(CannedConnections.empty());
        AwsClients sampled = aws.answeredBy(CannedConnections.samples());
        try {
            for (int round = 0; round < ROUNDS; round++) {
                decision.accept(empty);
                for (String service : aws.built()) {
                    callsOf(service, sampled);
                }
            }
        } finally {
            empty.close();
            sampled.close();
        }
    }

    /**
     * The twins never speak TLS, and the real clients read the JVM's trust store only at their
     * first handshake ({@link DeferredTrustManager}): read it here, so that a restore does not.
     */
    private void loadTrustStore() {
        try {
            trustStore.load();
        } catch (CertificateException unreadable) {
            throw new IllegalStateException(unreadable.getMessage(), unreadable);
        }
    }

    /** Nothing: see the class comment. */
    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // The snapshot holds nothing that a restore makes stale.
    }

    /**
     * Every call the adapters make on the service's client in a function's decisions, with the
     * shapes they send, so that each operation's marshaller, response model and unmarshaller is loaded.
     */
    private static void callsOf(String service, AwsClients canned) {
        switch (service) {
            case DynamoDbClient.SERVICE_NAME -> dynamoDb(canned.dynamoDb());
            case Ec2Client.SERVICE_NAME -> ec2(canned.ec2());
            case AutoScalingClient.SERVICE_NAME -> autoScaling(canned.autoScaling());
            case SnsClient.SERVICE_NAME -> sns(canned.sns());
            case ConfigClient.SERVICE_NAME -> config(canned.config());
            case CloudWatchClient.SERVICE_NAME -> cloudWatch(canned.cloudwatch());
            case ImagebuilderClient.SERVICE_NAME -> imageBuilder(canned.imageBuilder());
            case SqsClient.SERVICE_NAME -> sqs(canned.sqs());
            // A member account's credentials (AccountClients) and where an account sits (OrganizationsTree).
            case StsClient.SERVICE_NAME -> canned.sts().assumeRole(request -> request
                    .roleArn("arn:aws:iam::" + PRIME_ACCOUNT + ":role/drift-deploy-member").roleSessionName("drift-deploy-prime"));
            case OrganizationsClient.SERVICE_NAME -> canned.organizations().listParents(request -> request.childId(PRIME_ACCOUNT));
            default -> throw new IllegalStateException("the function uses the " + service
                    + " client, which SnapStartPrime does not prime: add the calls its adapters make to callsOf");
        }
    }

    private static void dynamoDb(DynamoDbClient dynamoDb) {
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS(ID), "sk", AttributeValue.fromS(ID));
        Map<String, String> names = Map.of("#holder", "holder", "#until", "heldUntil");
        Map<String, AttributeValue> values = Map.of(":holder", AttributeValue.fromS(ID), ":until", AttributeValue.fromN("0"));
        dynamoDb.updateItem(request -> request.tableName(TABLE).key(key)
                .updateExpression("SET #holder = :holder, #until = :until")
                .conditionExpression("attribute_not_exists(#holder) OR #until < :until")
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        dynamoDb.putItem(request -> request.tableName(TABLE).item(key)
                .conditionExpression("attribute_not_exists(#holder) OR #until < :until")
                .expressionAttributeNames(names).expressionAttributeValues(values));
        dynamoDb.getItem(request -> request.tableName(TABLE).key(key).consistentRead(true));
        dynamoDb.batchGetItem(request -> request.requestItems(
                Map.of(TABLE, KeysAndAttributes.builder().keys(key).consistentRead(true).build())));
        dynamoDb.deleteItem(request -> request.tableName(TABLE).key(key)
                .conditionExpression("#holder = :holder").expressionAttributeNames(Map.of("#holder", "holder"))
                .expressionAttributeValues(Map.of(":holder", AttributeValue.fromS(ID))));
        dynamoDb.queryPaginator(request -> request.tableName(TABLE).keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", "pk"))
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ID))).consistentRead(true))
                .items().stream().count();
        dynamoDb.transactWriteItems(request -> request.transactItems(
                item -> item.update(update -> update.tableName(TABLE).key(key)
                        .updateExpression("SET #holder = :holder, #until = :until")
                        .conditionExpression("#holder = :holder")
                        .expressionAttributeNames(names).expressionAttributeValues(values)),
                item -> item.put(put -> put.tableName(TABLE).item(key))));
    }

    private static void ec2(Ec2Client ec2) {
        ec2.describeInstances(request -> request.instanceIds("i-00000000000000000"));
        ec2.describeLaunchTemplates(request -> request.launchTemplateIds("lt-00000000000000000"));
        ec2.describeLaunchTemplateVersions(request -> request.launchTemplateId("lt-00000000000000000").versions("1"));
        ec2.describeImages(request -> request.imageIds("ami-00000000000000000")
                .filters(filter -> filter.name("tag:" + ID).values("true")));
        ec2.createLaunchTemplateVersion(request -> request.launchTemplateId("lt-00000000000000000").sourceVersion("1")
                .launchTemplateData(data -> data.imageId("ami-00000000000000000")));
    }

    private static void autoScaling(AutoScalingClient autoScaling) {
        autoScaling.describeAutoScalingGroups(request -> request.autoScalingGroupNames(ID));
        autoScaling.describeAutoScalingGroupsPaginator(request -> request.filters(filter -> filter.name("tag:" + ID).values("true")))
                .autoScalingGroups().stream().count();
        autoScaling.describeInstanceRefreshes(request -> request.autoScalingGroupName(ID).maxRecords(10));
        autoScaling.terminateInstanceInAutoScalingGroup(request -> request.instanceId("i-00000000000000000")
                .shouldDecrementDesiredCapacity(false));
        autoScaling.startInstanceRefresh(request -> request.autoScalingGroupName(ID)
                .desiredConfiguration(configuration -> configuration.launchTemplate(template -> template
                        .launchTemplateId("lt-00000000000000000").version("1")))
                .preferences(preferences -> preferences.minHealthyPercentage(90).skipMatching(true)));
    }

    private static void sns(SnsClient sns) {
        sns.publish(request -> request.topicArn(ARN).subject(ID).message(ID)
                .messageAttributes(Map.of(ID, MessageAttributeValue.builder().dataType("String").stringValue(ID).build())));
    }

    private static void config(ConfigClient config) {
        config.describeConfigRules(request -> request.configRuleNames(ID));
        config.describeConfigRulesPaginator(request -> { }).configRules().stream().count();
        config.getComplianceDetailsByConfigRulePaginator(request -> request.configRuleName(ID)
                        .complianceTypes(ComplianceType.NON_COMPLIANT))
                .evaluationResults().stream().count();
        config.getComplianceDetailsByResourcePaginator(request -> request.resourceType("AWS::EC2::Instance")
                        .resourceId("i-00000000000000000"))
                .evaluationResults().stream().count();
    }

    private static void cloudWatch(CloudWatchClient cloudWatch) {
        cloudWatch.describeAlarms(request -> request.alarmNames(ID).alarmTypes(List.of(AlarmType.METRIC_ALARM,
                AlarmType.COMPOSITE_ALARM)));
    }

    private static void imageBuilder(ImagebuilderClient imageBuilder) {
        imageBuilder.getImage(request -> request.imageBuildVersionArn(
                "arn:aws:imagebuilder:us-east-1:000000000000:image/snapstart-prime/1.0.0/1"));
    }

    private static void sqs(SqsClient sqs) {
        sqs.sendMessageBatch(request -> request.queueUrl("https://sqs.us-east-1.amazonaws.com/000000000000/snapstart-prime")
                .entries(entry -> entry.id("0").messageBody(ID)));
    }
}
