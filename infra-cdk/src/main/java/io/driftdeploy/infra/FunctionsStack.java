package io.driftdeploy.infra;

import io.driftdeploy.infra.DriftDeployFunction.Kind;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Match;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.LambdaSubscription;
import software.constructs.Construct;

/**
 * The four functions, the events that reach them, the ledger they share, and their permissions.
 */
public final class FunctionsStack extends Stack {

    /** The custom event a Packer pipeline (or the CLI) puts on the default bus for a new golden AMI. */
    public static final String GOLDEN_IMAGE_PUBLISHED = "Golden Image Published";

    private final Map<Kind, DriftDeployFunction> functions = new EnumMap<>(Kind.class);
    private final Table ledger;

    public FunctionsStack(Construct scope, String id, StackProps props, Settings settings,
            NotificationsStack notifications, DriftDetectionStack detection, List<String> instanceRoleArns) {
        super(scope, id, props);
        ITopic topic = notifications.topic();

        ledger = Table.Builder.create(this, "Ledger")
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .timeToLiveAttribute("expiresAt")
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .encryption(TableEncryption.AWS_MANAGED)
                // The ledger is the audit trail of every decision: it outlives the stack.
                .removalPolicy(RemovalPolicy.RETAIN)
                .deletionProtection(true)
                .build();

        Code code = Code.fromAsset(functionsJar(settings).toString());
        Map<String, String> environment = environment(settings, topic, ledger, detection);
        IEventBus defaultBus = EventBus.fromEventBusName(this, "DefaultBus", "default");
        for (Kind kind : Kind.values()) {
            DriftDeployFunction function = new DriftDeployFunction(this, kind, code, environment, settings, topic,
                    defaultBus);
            ledger.grantReadWriteData(function.role());
            notifications.grantPublish(function.role());
            functions.put(kind, function);
        }

        routeEvents(settings, driftRuleNames(settings, detection));
        grantFleetAccess(settings, instanceRoleArns);
        subscribeAlarmsToExistingTopics(settings);
        suppressWildcardsThatAreScopedByCondition();
    }

    public DriftDeployFunction function(Kind kind) {
        return functions.get(kind);
    }

    public Table ledger() {
        return ledger;
    }

    /** One rule per event kind, each with the narrowest pattern the function can work with. */
    private void routeEvents(Settings settings, List<String> driftRuleNames) {
        functions.get(Kind.DRIFT).addEventRule("ConfigCompliance",
                "AWS Config compliance changes of EC2 instances under drift-deploy's drift rules",
                EventPattern.builder()
                        .source(List.of("aws.config"))
                        .detailType(List.of("Config Rules Compliance Change"))
                        .detail(sorted(Map.of(
                                "configRuleName", driftRuleNames,
                                // The seed's inventory rule evaluates SSM inventory, keyed by the instance id;
                                // on-premises managed instances (mi-...) have nothing to replace.
                                "resourceType", List.of("AWS::EC2::Instance", "AWS::SSM::ManagedInstanceInventory"),
                                "resourceId", List.of(Map.of("prefix", "i-")),
                                // COMPLIANT too: a later COMPLIANT cancels an earlier NON_COMPLIANT.
                                "newEvaluationResult", Map.of("complianceType", List.of("NON_COMPLIANT", "COMPLIANT")))))
                        .build());

        DriftDeployFunction images = functions.get(Kind.IMAGES);
        images.addEventRule("AmiAvailable", "EC2 AMIs that became available",
                EventPattern.builder()
                        .source(List.of("aws.ec2"))
                        .detailType(List.of("EC2 AMI State Change"))
                        .detail(Map.of("State", List.of("available")))
                        .build());
        images.addEventRule("ImageBuilderAvailable", "EC2 Image Builder images that became AVAILABLE",
                EventPattern.builder()
                        .source(List.of("aws.imagebuilder"))
                        .detailType(List.of("EC2 Image Builder Image State Change"))
                        .detail(Map.of("state", Map.of("status", List.of("AVAILABLE"))))
                        .build());
        images.addEventRule("GoldenImagePublished", "Golden images announced by the image pipeline",
                EventPattern.builder()
                        .source(List.of(settings.goldenImageEventSource()))
                        .detailType(List.of(GOLDEN_IMAGE_PUBLISHED))
                        .build());

        functions.get(Kind.REFRESHES).addEventRule("InstanceRefresh", "EC2 Auto Scaling instance refresh events",
                EventPattern.builder()
                        .source(List.of("aws.autoscaling"))
                        .detailType(Match.prefix("EC2 Auto Scaling Instance Refresh"))
                        .build());

        // Every state (ALARM, OK, INSUFFICIENT_DATA): guard alarms and the drift alarm are named by tags
        // and context the rule cannot know, and the function reports recoveries too.
        functions.get(Kind.ALARMS).addEventRule("AlarmStateChange", "CloudWatch alarm state changes",
                EventPattern.builder()
                        .source(List.of("aws.cloudwatch"))
                        .detailType(List.of("CloudWatch Alarm State Change"))
                        .build());
    }

    /** The Config rules this app creates, plus any existing rules the operator counts as drift. */
    private static List<String> driftRuleNames(Settings settings, DriftDetectionStack detection) {
        List<String> names = new ArrayList<>(detection.ruleNames());
        names.addAll(settings.driftRuleNames());
        return List.copyOf(names);
    }

    private void grantFleetAccess(Settings settings, List<String> instanceRoleArns) {
        FunctionPermissions permissions = new FunctionPermissions(settings, instanceRoleArns);

        var drift = functions.get(Kind.DRIFT).role();
        permissions.readOnly(drift,
                "ec2:DescribeInstances",
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeInstanceRefreshes",
                "config:GetComplianceDetailsByResource",
                // Rule 9: which managed rule a drift rule runs, and what the group's replacement would launch with.
                "config:DescribeConfigRules",
                "ec2:DescribeLaunchTemplateVersions",
                "ec2:DescribeImages");
        permissions.terminateInOptedInGroups(drift);

        // The drift alarm's sweep runs every non-compliant instance through the drift path.
        var alarms = functions.get(Kind.ALARMS).role();
        permissions.readOnly(alarms,
                "cloudwatch:DescribeAlarms",
                "config:DescribeConfigRules",
                "config:GetComplianceDetailsByConfigRule",
                "config:GetComplianceDetailsByResource",
                "ec2:DescribeInstances",
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeInstanceRefreshes",
                // A guard alarm's notification names the image its refresh rolls out; the sweep's rule 9
                // reads the group's template version too (and DescribeConfigRules, above).
                "ec2:DescribeLaunchTemplateVersions",
                // The sweep's rule 9: whether the template's image carries the approved tag.
                "ec2:DescribeImages");
        permissions.terminateInOptedInGroups(alarms);

        var images = functions.get(Kind.IMAGES).role();
        permissions.readOnly(images,
                "ec2:DescribeImages",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribeLaunchTemplateVersions",
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeInstanceRefreshes");
        permissions.readImageBuilderImages(images);
        permissions.rollOutToAppGroups(images);

        // A finished refresh may start the rollout that was waiting for its group.
        var refreshes = functions.get(Kind.REFRESHES).role();
        permissions.readOnly(refreshes,
                "ec2:DescribeImages",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribeLaunchTemplateVersions",
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeInstanceRefreshes");
        permissions.rollOutToAppGroups(refreshes);
    }

    /**
     * Alarms normally reach the alarms function through EventBridge; an alarm whose action is an
     * existing SNS topic can also be delivered by subscribing the function to that topic.
     */
    private void subscribeAlarmsToExistingTopics(Settings settings) {
        List<String> arns = settings.alarmTopicArns();
        for (int i = 0; i < arns.size(); i++) {
            Topic.fromTopicArn(this, "AlarmTopic" + i, arns.get(i))
                    .addSubscription(new LambdaSubscription(functions.get(Kind.ALARMS).alias()));
        }
    }

    private void suppressWildcardsThatAreScopedByCondition() {
        for (DriftDeployFunction function : functions.values()) {
            NagSuppressions.addResourceSuppressions(function.role(), List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason("Wildcards are of three kinds only: Describe/Get calls that support no resource-level "
                            + "permissions (read-only); log streams of the function's own log group; and fleet "
                            + "resources (groups, launch templates, instances) whose names are not known at deploy "
                            + "time, where every mutating statement carries a tag condition (opt-in tag, app tag) "
                            + "or ec2:LaunchTemplate/ec2:CreateAction condition that confines it")
                    .build()), true);
        }
    }

    /** The settings table of COMMON.md, filled from context; optional ones are omitted when empty. */
    private static Map<String, String> environment(Settings settings, ITopic topic, Table ledger,
            DriftDetectionStack detection) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DRIFT_DEPLOY_TOPIC_ARN", topic.getTopicArn());
        env.put("DRIFT_DEPLOY_TABLE", ledger.getTableName());
        env.put("DRIFT_DEPLOY_MODE", settings.mode());
        env.put("DRIFT_DEPLOY_MODE_TAG", settings.modeTag());
        env.put("DRIFT_DEPLOY_DRIFT_RULES", String.join(",", driftRuleNames(settings, detection)));
        env.put("DRIFT_DEPLOY_OPT_IN_TAG", settings.optInTag().toString());
        env.put("DRIFT_DEPLOY_PROTECT_TAG", settings.protectTag());
        env.put("DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", Integer.toString(settings.minHealthyPercent()));
        env.put("DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", Integer.toString(settings.maxTerminationsPerGroup()));
        env.put("DRIFT_DEPLOY_MAX_TERMINATIONS_PER_ACCOUNT", Integer.toString(settings.maxTerminationsPerAccount()));
        env.put("DRIFT_DEPLOY_RATE_WINDOW_MINUTES", Integer.toString(settings.rateWindowMinutes()));
        env.put("DRIFT_DEPLOY_TEMPLATE_INHERITED_RULES", String.join(",", detection.templateInheritedRuleNames()));
        env.put("DRIFT_DEPLOY_GOLDEN_IMAGE_TAG", settings.goldenImageTag().toString());
        env.put("DRIFT_DEPLOY_DRIFT_ALARMS", detection.driftAlarm().getAlarmName());
        putIfPresent(env, "DRIFT_DEPLOY_DRIFT_ALARM_PREFIX", settings.driftAlarmPrefix());
        env.put("DRIFT_DEPLOY_APP_TAG", settings.appTag());
        env.put("DRIFT_DEPLOY_STRATEGY_TAG", settings.strategyTag());
        putIfPresent(env, "DRIFT_DEPLOY_TRUSTED_ACCOUNTS", String.join(",", settings.trustedAccounts()));
        env.put("DRIFT_DEPLOY_GUARD_ALARMS_TAG", settings.guardAlarmsTag());
        putIfPresent(env, "DRIFT_DEPLOY_GUARD_ALARMS", String.join(",", settings.guardAlarms()));
        env.put("DRIFT_DEPLOY_INSTANCE_WARMUP_SECONDS", Integer.toString(settings.instanceWarmupSeconds()));
        env.put("JAVA_TOOL_OPTIONS", settings.javaToolOptions());
        return env;
    }

    private static void putIfPresent(Map<String, String> env, String name, String value) {
        if (!value.isEmpty()) {
            env.put(name, value);
        }
    }

    private static Path functionsJar(Settings settings) {
        Path jar = Path.of(settings.functionsJar()).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The functions jar " + jar + " does not exist. Build it first "
                    + "(from the repository root: mvn -B -pl functions -am package -DskipTests) or point context "
                    + "'functionsJar' at it.");
        }
        return jar;
    }

    /** Map.of iterates in a different order in every JVM; a template must not, so cdk synth is deterministic. */
    private static Map<String, Object> sorted(Map<String, Object> entries) {
        return new TreeMap<>(entries);
    }
}
