package io.driftdeploy.infra;

import io.driftdeploy.infra.DriftDeployFunction.Kind;
import io.driftdeploy.settings.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.ec2.CfnSecurityGroup;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.LambdaSubscription;
import software.constructs.Construct;

/**
 * The five functions, the events (and the sweep's queue) that reach them, the ledger they share,
 * and their permissions.
 */
public final class FunctionsStack extends Stack {

    /**
     * The ledger item calls of the rollout path: claims (conditional updates that take, complete
     * and release them), notes (conditional puts and deletes), reads.
     */
    private static final List<String> LEDGER_CLAIMS = List.of(
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
    /**
     * The drift path's, which also counts (rate windows, capacity holds) with conditional updates,
     * reads a group's churn record (breaker and recent terminations) with one Query, and in dry run
     * reads what its reservations would find with one BatchGetItem.
     */
    private static final List<String> LEDGER_WITH_COUNTERS = List.of(
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query",
            "dynamodb:BatchGetItem");

    /**
     * What each function asks AWS Organizations under {@code memberOrganizationUnits}: whether an
     * event's account sits under a unit (its parents, the account rule of every event function), and
     * which accounts are served (each unit's accounts and units, to roll an image out in every
     * account and to sweep every account).
     */
    private static final Map<Kind, List<String>> ORGANIZATION_TREE_READS = new EnumMap<>(Map.of(
            Kind.DRIFT, List.of("organizations:ListParents"),
            Kind.IMAGES, List.of("organizations:ListParents", "organizations:ListAccountsForParent",
                    "organizations:ListOrganizationalUnitsForParent"),
            Kind.REFRESHES, List.of("organizations:ListParents", "organizations:ListAccountsForParent",
                    "organizations:ListOrganizationalUnitsForParent"),
            Kind.ALARMS, List.of("organizations:ListParents", "organizations:ListAccountsForParent",
                    "organizations:ListOrganizationalUnitsForParent"),
            Kind.SWEEP, List.of("organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent")));

    private final Map<Kind, DriftDeployFunction> functions = new EnumMap<>(Kind.class);
    private final Table ledger;
    private final SweepQueue sweepQueue;

    /** The ledger's history index and its partition attribute, as the functions' AuditTrail names them. */
    static final String HISTORY_INDEX = "history";
    static final String HISTORY_KEY = "historyKey";

    /**
     * {@code ownDriftRules}: the Config rules the DriftDetection stack creates; {@code templateInheritedRules}:
     * those of them whose finding a replacement inherits from its image (names, not references).
     */
    public FunctionsStack(Construct scope, String id, StackProps props, Settings settings,
            List<String> ownDriftRules, List<String> templateInheritedRules) {
        super(scope, id, props);
        ITopic topic = Topic.fromTopicArn(this, "NotificationsTopic", NotificationsStack.topicArn(this, settings));
        List<String> driftRuleNames = DriftRules.countedAsDrift(settings, ownDriftRules);

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
        // The audit trail by group and by image (AuditTrail.historyKey; docs/design.md §6). Sparse: only audit
        // records that name a group or image their key does not carry the attribute. One index, because one
        // stack update may create only one global secondary index.
        ledger.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName(HISTORY_INDEX)
                .partitionKey(Attribute.builder().name(HISTORY_KEY).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL)
                .build());

        Code code = Code.fromAsset(functionsJar(settings).toString());
        Map<String, String> environment = environment(settings, topic, ledger, driftRuleNames, templateInheritedRules);
        Map<String, CfnSecurityGroup> quarantineGroups = quarantineGroups(settings);
        if (!quarantineGroups.isEmpty()) {
            environment.put(variable(Setting.QUARANTINE_SECURITY_GROUPS), String.join(",", quarantineGroups.entrySet().stream()
                    .map(group -> group.getKey() + "=" + group.getValue().getAttrGroupId()).toList()));
        }
        IEventBus defaultBus = EventBus.fromEventBusName(this, "DefaultBus", "default");
        for (Kind kind : Kind.values()) {
            DriftDeployFunction function = new DriftDeployFunction(this, kind, code, environment, settings, topic,
                    defaultBus);
            NotificationsStack.grantPublish(function.role(), this, settings);
            functions.put(kind, function);
        }

        routeEvents(settings, driftRuleNames);
        sweepQueue = new SweepQueue(this, "SweepQueue", settings, functions.get(Kind.SWEEP));
        new OperationsDashboard(this, "Operations", settings, functions);
        grantFleetAccess(settings, quarantineGroups);
        subscribeAlarmsToExistingTopics(settings);
        suppressWildcardsThatAreScopedByCondition(settings);
        outputs();
    }

    public DriftDeployFunction function(Kind kind) {
        return functions.get(kind);
    }

    public Table ledger() {
        return ledger;
    }

    /**
     * One rule per event kind (EventRoutes). The dead-letter alarms go to the topic directly; the
     * alarms rule must not deliver them a second time.
     */
    private void routeEvents(Settings settings, List<String> driftRuleNames) {
        for (EventRoutes.Route route : EventRoutes.of(settings, driftRuleNames)) {
            functions.get(route.kind()).addEventRule(route.id(), route.description(), route.pattern());
        }
        List<EventRoutes.AlarmName> alarmNames = EventRoutes.alarmsTheFunctionHears(settings);
        for (DriftDeployFunction function : functions.values()) {
            String name = function.deadLetterAlarmName();
            if (alarmNames.stream().anyMatch(alarmName -> alarmName.matches(name))) {
                throw new IllegalArgumentException("the alarms function's rule would also match the dead-letter alarm "
                        + name + ", which notifies the topic directly: choose an alarmNamePrefix / driftAlarmPrefix "
                        + "that does not start it");
            }
        }
    }

    /**
     * One quarantine security group per VPC of {@code quarantineVpcs} (a security group belongs to
     * one VPC): no ingress rule, and one egress rule that matches no traffic, because CloudFormation
     * gives a VPC security group without egress rules an allow-all one
     * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html);
     * the same rule the CDK's SecurityGroup writes for allowAllOutbound false. Made by the stack,
     * not on demand by the functions, so their roles need neither ec2:CreateSecurityGroup nor
     * ec2:RevokeSecurityGroupEgress (docs/quarantine.md, "The quarantine security group").
     */
    private Map<String, CfnSecurityGroup> quarantineGroups(Settings settings) {
        Map<String, CfnSecurityGroup> groups = new LinkedHashMap<>();
        for (String vpc : settings.quarantineVpcs()) {
            groups.put(vpc, CfnSecurityGroup.Builder.create(this, "Quarantine-" + vpc)
                    .vpcId(vpc)
                    .groupDescription("drift-deploy quarantine: no ingress, no egress")
                    .securityGroupEgress(List.of(CfnSecurityGroup.EgressProperty.builder()
                            .ipProtocol("icmp")
                            .cidrIp("255.255.255.255/32")
                            .fromPort(252)
                            .toPort(86)
                            .description("Matches no traffic: replaces the default allow-all egress rule")
                            .build()))
                    .tags(List.of(software.amazon.awscdk.CfnTag.builder().key("drift-deploy:quarantine")
                            .value("security-group").build()))
                    .build());
        }
        return groups;
    }

    /**
     * Each function's ledger calls and what it does to the fleet (FleetAccess) in this account: the
     * drift path's ledger guards (conditional puts for claims and the newest evaluation, counters for
     * rates and capacity, deletes for released claims, consistent reads), the rollout path's claims.
     */
    private void grantFleetAccess(Settings settings, Map<String, CfnSecurityGroup> quarantineGroups) {
        List<String> quarantineGroupArns = quarantineGroups.values().stream()
                .map(group -> FunctionPermissions.ec2Arn("security-group/" + group.getAttrGroupId())).toList();
        FunctionPermissions permissions = new FunctionPermissions(settings, Aws.ACCOUNT_ID, quarantineGroupArns);
        functions.forEach((kind, function) -> {
            FleetAccess access = FleetAccess.of(kind);
            permissions.ledgerItems(function.role(), ledger, access.runsDriftPath() ? LEDGER_WITH_COUNTERS : LEDGER_CLAIMS);
            permissions.fleet(function.role(), access);
            if (settings.servesOrganization()) {
                permissions.assumeMemberRoles(function.role());
            }
            if (!settings.memberOrganizationUnits().isEmpty()) {
                permissions.readOrganizationTree(function.role(), ORGANIZATION_TREE_READS.get(kind));
            }
        });
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

    /**
     * The wildcard resources of the function roles, each justified: those of their fleet access
     * (FunctionPermissions), the topic key, and the member roles. cdk-nag's IAM5 finding is
     * suppressed for exactly these ({@code appliesTo}), so any other wildcard fails the nag check.
     */
    static Map<String, String> justifiedWildcards(Settings settings) {
        Map<String, String> wildcards = new LinkedHashMap<>(FunctionPermissions.justifiedWildcards(settings));
        wildcards.put("Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*", "the topic key, "
                + "named through its alias: kms:ResourceAliases confines the grant to that one key");
        if (!settings.memberOrganizationUnits().isEmpty()) {
            wildcards.put("Resource::arn:<AWS::Partition>:iam::*:role/" + settings.memberRoleName(), "the member role in the "
                    + "accounts of memberOrganizationUnits, not known at deploy time: AssumeRole only where the role's "
                    + "account is in the organization (aws:ResourceOrgID) under one of the units (aws:ResourceOrgPaths)");
            FunctionPermissions.organizationTree(settings).forEach(resource -> wildcards.put(
                    "Resource::arn:<AWS::Partition>:" + resource, "the organization's accounts, units and root, read-only "
                            + "listing of where an account sits; the management account in their ARNs is not known here"));
        }
        return Collections.unmodifiableMap(wildcards);
    }

    private void suppressWildcardsThatAreScopedByCondition(Settings settings) {
        Map<String, String> justified = justifiedWildcards(settings);
        functions.values().forEach(function -> FunctionPermissions.suppressJustified(function.role(), justified));
    }

    /**
     * What an operator needs to find and invoke the deployed pieces (infra-cdk/README.md, "Invoking
     * the deployed functions"). Plain outputs, no exportName: an export would pin the value for other stacks.
     */
    private void outputs() {
        output("LedgerTableName", ledger.getTableName(), "The DynamoDB ledger (audit trail of every decision)");
        output("SweepQueueUrl", sweepQueue.queue().getQueueUrl(),
                "The scheduled sweep's queue: a {\"sweep\":\"start\",\"sweepId\":...} message starts a sweep");
        functions.forEach((kind, function) -> {
            String id = kind.id();
            output(id + "FunctionName", function.function().getFunctionName(),
                    "The " + id.toLowerCase(java.util.Locale.ROOT) + " function");
            output(id + "LiveAliasArn", function.alias().getFunctionArn(), "Invoke this: the live alias");
            output(id + "DeadLetterQueueName", function.deadLetterQueue().getQueueName(),
                    "Events the " + id.toLowerCase(java.util.Locale.ROOT) + " function could not take");
            output(id + "DeadLetterQueueUrl", function.deadLetterQueue().getQueueUrl(), "The same queue's URL");
            function.archives().forEach((ruleId, archive) ->
                    output(ruleId + "ArchiveName", archive.getArchiveName(), "EventBridge archive for replay"));
        });
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    /**
     * Every function setting from context (docs/settings.md), plus what only the stack knows: the
     * topic, the table, the drift rules and alarm it created.
     */
    private static Map<String, String> environment(Settings settings, ITopic topic, Table ledger,
            List<String> driftRuleNames, List<String> templateInheritedRules) {
        Map<String, String> env = new TreeMap<>(settings.functionEnvironment());
        env.put(variable(Setting.TOPIC_ARN), topic.getTopicArn());
        env.put(variable(Setting.TABLE), ledger.getTableName());
        // The account the functions act in: known at deploy time, never taken from an event.
        env.put(variable(Setting.ACCOUNT_ID), Aws.ACCOUNT_ID);
        // Image trust is explicit: the listed accounts, else the deploying account (the rollout roles' ec2:Owner too).
        env.put(variable(Setting.TRUSTED_ACCOUNTS), String.join(",", settings.trustedImageOwners(Aws.ACCOUNT_ID)));
        env.put(variable(Setting.DRIFT_RULES), String.join(",", driftRuleNames));
        env.put(variable(Setting.DRIFT_ALARMS), settings.driftAlarmName());
        env.put(variable(Setting.TEMPLATE_INHERITED_RULES), String.join(",", templateInheritedRules));
        env.put("JAVA_TOOL_OPTIONS", settings.javaToolOptions());
        return env;
    }

    private static String variable(Setting setting) {
        return setting.environmentVariable().orElseThrow();
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
}
