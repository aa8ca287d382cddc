package io.driftdeploy.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.config.CfnConfigurationRecorder;
import software.amazon.awscdk.services.config.CfnDeliveryChannel;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.constructs.Construct;

/**
 * What "drift" means: the AWS Config rules whose NON_COMPLIANT evaluations of EC2 instances the
 * drift function acts on, and the drift alarm that makes the alarms function sweep for missed events.
 */
public final class DriftDetectionStack extends Stack {

    /**
     * drift-deploy's own metric (embedded metric format, from the drift function and the sweep).
     * AWS Config publishes no per-rule compliance count to CloudWatch, so the seed's
     * AWS/Config NonCompliantResourceCount alarm would never fire; see docs/alarms.md, "Which metric
     * the drift alarm watches, and why".
     */
    public static final String DRIFT_METRIC_NAMESPACE = "DriftDeploy";
    public static final String DRIFT_METRIC_NAME = "NonCompliantInstances";

    /** The Config-recorded types these rules evaluate; a recorder this app creates records only them. */
    static final List<String> RECORDED_RESOURCE_TYPES =
            List.of("AWS::EC2::Instance", "AWS::SSM::ManagedInstanceInventory");

    private final DriftRules rules;
    private final Alarm driftAlarm;

    public DriftDetectionStack(Construct scope, String id, StackProps props, Settings settings) {
        super(scope, id, props);

        rules = new DriftRules(this, settings);

        if (settings.createConfigRecorder()) {
            Construct recorder = configurationRecorder();
            // A rule can only be created once the region has a recorder.
            rules.rules().forEach(rule -> rule.getNode().addDependency(recorder));
        }

        driftAlarm = Alarm.Builder.create(this, "DriftAlarm")
                .alarmName(settings.driftAlarmName())
                .alarmDescription("Instances are non-compliant with a drift rule: drift-deploy sweeps them "
                        + "through the drift path (events can be missed)")
                .metric(Metric.Builder.create()
                        .namespace(DRIFT_METRIC_NAMESPACE)
                        .metricName(DRIFT_METRIC_NAME)
                        .statistic("Maximum")
                        .period(Duration.minutes(5))
                        .build())
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .threshold(0)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        // No alarm action: the state change reaches people through the alarms function only (its
        // EventBridge rule matches this alarm's name), which sweeps and tells what it did, with the
        // topic's message attributes. An SNS action too would deliver every change twice, once raw.

        CfnOutput.Builder.create(this, "DriftAlarmName").value(settings.driftAlarmName())
                .description("The drift alarm; its state changes reach the alarms function").build();
        CfnOutput.Builder.create(this, "DriftRuleNames").value(String.join(",", rules.names()))
                .description("The AWS Config rules whose non-compliance is drift").build();
    }

    /** The names of the Config rules this stack creates (DRIFT_DEPLOY_DRIFT_RULES counts them as drift). */
    public List<String> ruleNames() {
        return rules.names();
    }

    /** The rules whose drift comes with the image (DRIFT_DEPLOY_TEMPLATE_INHERITED_RULES), see DriftRules. */
    public List<String> templateInheritedRuleNames() {
        return rules.templateInheritedNames();
    }

    public Alarm driftAlarm() {
        return driftAlarm;
    }

    /**
     * A recorder limited to the types the drift rules evaluate, with its delivery channel. Only on
     * request: an account has at most one customer-managed recorder per region.
     */
    private Construct configurationRecorder() {
        Bucket bucket = Bucket.Builder.create(this, "ConfigDeliveryBucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .versioned(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Map<String, Object> fromThisAccount = Map.of("StringEquals", Map.of("AWS:SourceAccount", Aws.ACCOUNT_ID));
        ServicePrincipal config = new ServicePrincipal("config.amazonaws.com");
        bucket.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("ConfigReadsBucketAcl")
                .principals(List.of(config))
                .actions(List.of("s3:GetBucketAcl", "s3:ListBucket"))
                .resources(List.of(bucket.getBucketArn()))
                .conditions(fromThisAccount)
                .build());
        bucket.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("ConfigDeliversSnapshots")
                .principals(List.of(config))
                .actions(List.of("s3:PutObject"))
                .resources(List.of(bucket.arnForObjects("AWSLogs/" + Aws.ACCOUNT_ID + "/Config/*")))
                // Sorted: Map.of's order changes from JVM to JVM, and cdk synth must be deterministic.
                .conditions(Map.of("StringEquals", new TreeMap<>(Map.of(
                        "AWS:SourceAccount", Aws.ACCOUNT_ID,
                        "s3:x-amz-acl", "bucket-owner-full-control"))))
                .build());
        NagSuppressions.addResourceSuppressions(bucket, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-S1")
                .reason("Only AWS Config writes this bucket (bucket policy above); every delivery is already "
                        + "recorded by CloudTrail, so server access logs would add a second, unlogged bucket "
                        + "without adding an audit trail")
                .build()));

        Role role = Role.Builder.create(this, "ConfigRecorderRole")
                .assumedBy(config)
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("service-role/AWS_ConfigRole")))
                .build();
        NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM4")
                .reason("AWS_ConfigRole is AWS's documented policy for a configuration recorder: read-only "
                        + "Describe/List/Get across services, kept current by AWS as Config adds resource types")
                .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole"))
                .build()));

        CfnConfigurationRecorder recorder = CfnConfigurationRecorder.Builder.create(this, "ConfigurationRecorder")
                .roleArn(role.getRoleArn())
                .recordingGroup(CfnConfigurationRecorder.RecordingGroupProperty.builder()
                        .allSupported(false)
                        .includeGlobalResourceTypes(false)
                        .resourceTypes(RECORDED_RESOURCE_TYPES)
                        .build())
                .build();
        CfnDeliveryChannel channel = CfnDeliveryChannel.Builder.create(this, "ConfigDeliveryChannel")
                .s3BucketName(bucket.getBucketName())
                .build();
        // Config checks on creation that it may write to the bucket, so the bucket policy must exist
        // first; the bucket itself is already ordered by the Ref in S3BucketName.
        channel.getNode().addDependency(recorder, bucket.getPolicy());
        return channel;
    }
}
