package io.driftdeploy.infra;

import io.driftdeploy.settings.QuarantineTags;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.IConstruct;

/**
 * The IAM statements the functions need beyond their table, topic and logs, written by hand where a
 * call mutates the fleet so that each one carries the tag condition that confines it. The same
 * statements make a member account's member role (MemberStack, through {@link #fleet}).
 *
 * <p>Describe and Get calls on EC2, Auto Scaling, Config and CloudWatch do not support
 * resource-level permissions, so they are granted on {@code *}; nothing that changes anything is.
 */
final class FunctionPermissions {

    private final Settings settings;
    private final String functionsAccount;
    private final List<String> quarantineGroupArns;

    /**
     * {@code functionsAccount}: the account the functions run in (the stack's own, or in a member
     * account the central one), whose images they trust when {@code trustedAccounts} is empty;
     * {@code quarantineGroupArns}: the quarantine security groups a network interface may be given.
     */
    FunctionPermissions(Settings settings, String functionsAccount, List<String> quarantineGroupArns) {
        this.settings = settings;
        this.functionsAccount = functionsAccount;
        this.quarantineGroupArns = List.copyOf(quarantineGroupArns);
    }

    /** What a function does to the fleet ({@link FleetAccess}): its reads, then each of its writes. */
    void fleet(IRole role, FleetAccess access) {
        readOnly(role, access.reads().toArray(String[]::new));
        for (FleetAccess.Write write : access.writes()) {
            switch (write) {
                case TERMINATE_IN_OPTED_IN_GROUPS -> terminateInOptedInGroups(role);
                case QUARANTINE_IN_OPTED_IN_GROUPS -> quarantineInOptedInGroups(role);
                case END_QUARANTINES -> endQuarantines(role);
                case READ_IMAGE_BUILDER_IMAGES -> readImageBuilderImages(role);
                case ROLL_OUT_TO_APP_GROUPS -> rollOutToAppGroups(role);
            }
        }
    }

    /** Read-only calls that only accept {@code Resource: *}. */
    void readOnly(IRole role, String... actions) {
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ReadOnlyDescribe")
                .actions(List.of(actions))
                .resources(List.of("*"))
                .build());
    }

    /**
     * The ledger calls the function makes, on the table only: item calls, and for the drift path
     * Query of one partition and BatchGetItem of named keys; no Scan, batch writes or indexes,
     * which nothing in the functions makes (IamCoverageTest checks the lists against the code).
     * Not {@code ITable.grant}: on a table with an index it grants {@code <table>/index/*} too, and
     * only the CLI's history reads the history index.
     */
    void ledgerItems(IRole role, ITable ledger, List<String> actions) {
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(actions)
                .resources(List.of(ledger.getTableArn()))
                .build());
    }

    /**
     * Drift remediation: terminate through the group, or mark the instance Unhealthy for a surge
     * (docs/safety-rules.md, "Surge replacement"), only in groups that opted in by tag. Both
     * actions take the group as their resource and its tags as a condition (Service
     * Authorization Reference, "Actions, resources, and condition keys for Amazon EC2 Auto Scaling").
     */
    void terminateInOptedInGroups(IRole role) {
        Settings.TagPair optIn = settings.optInTag();
        // A list, not a Map.of: its order changes from JVM to JVM, and cdk synth must be deterministic.
        List.of(List.of("TerminateOnlyInOptedInGroups", "autoscaling:TerminateInstanceInAutoScalingGroup"),
                List.of("SurgeOnlyInOptedInGroups", "autoscaling:SetInstanceHealth")).forEach(sidAndAction ->
                role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .sid(sidAndAction.get(0))
                        .actions(List.of(sidAndAction.get(1)))
                        .resources(List.of(autoScalingGroups()))
                        .conditions(Map.of("StringEquals", Map.of("autoscaling:ResourceTag/" + optIn.key(), optIn.value())))
                        .build()));
    }

    /**
     * Quarantine (docs/quarantine.md): detach only from groups that opted in; write only the
     * quarantine marker tags on instances; snapshot an instance's volumes, tagging the snapshots on
     * creation (ec2:CreateTags with ec2:CreateAction CreateSnapshots, "Grant permission to tag
     * resources during creation", Amazon EC2 User Guide); and give a network interface no security
     * group but a quarantine group the stack made ({@code quarantineGroupArns}): the role can take
     * an interface's access away, never give it any (none without quarantine groups).
     */
    void quarantineInOptedInGroups(IRole role) {
        Settings.TagPair optIn = settings.optInTag();
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("DetachOnlyFromOptedInGroups")
                .actions(List.of("autoscaling:DetachInstances"))
                .resources(List.of(autoScalingGroups()))
                .conditions(Map.of("StringEquals", Map.of("autoscaling:ResourceTag/" + optIn.key(), optIn.value())))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("TagInstancesOnlyWithTheQuarantineMarker")
                .actions(List.of("ec2:CreateTags"))
                .resources(List.of(ec2Arn("instance/*")))
                .conditions(Map.of("ForAllValues:StringEquals", Map.of("aws:TagKeys", QuarantineTags.onInstance())))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("SnapshotInstanceVolumes")
                .actions(List.of("ec2:CreateSnapshots"))
                .resources(List.of(ec2Arn("instance/*"), ec2Arn("volume/*"), snapshots()))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("TagSnapshotsOnlyOnCreate")
                .actions(List.of("ec2:CreateTags"))
                .resources(List.of(snapshots()))
                .conditions(Map.of("StringEquals", Map.of("ec2:CreateAction", "CreateSnapshots")))
                .build());
        if (!quarantineGroupArns.isEmpty()) {
            List<String> resources = new ArrayList<>(List.of(ec2Arn("network-interface/*")));
            resources.addAll(quarantineGroupArns);
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("IsolateOnlyWithQuarantineGroups")
                    .actions(List.of("ec2:ModifyNetworkInterfaceAttribute"))
                    .resources(resources)
                    .build());
        }
    }

    /**
     * The scheduled sweep ends quarantines whose retention is over: ec2:TerminateInstances only on
     * instances that carry the quarantine marker, which only a quarantine writes (the functions may
     * tag instances with the marker keys and no others, {@link #quarantineInOptedInGroups}).
     */
    void endQuarantines(IRole role) {
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("TerminateOnlyQuarantinedInstances")
                .actions(List.of("ec2:TerminateInstances"))
                .resources(List.of(ec2Arn("instance/*")))
                .conditions(Map.of("Null", Map.of("aws:ResourceTag/" + QuarantineTags.MARKER, "false")))
                .build());
    }

    /**
     * Rollout: a new launch template version and an instance refresh with that version as its
     * desired configuration, only for templates and groups tagged with an application.
     *
     * <p>Passing a launch template to Auto Scaling (StartInstanceRefresh with DesiredConfiguration,
     * like CreateAutoScalingGroup) is authorised as the caller's ec2:RunInstances on that template;
     * ec2:CreateTags when it tags on launch; iam:PassRole when it names an instance profile
     * ("Amazon EC2 Auto Scaling API permissions" and "Launch template support", AWS docs).
     */
    void rollOutToAppGroups(IRole role) {
        String appTag = settings.appTag();
        String launchTemplates = ec2Arn("launch-template/*");
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("NewVersionsOnlyOfAppTemplates")
                .actions(List.of("ec2:CreateLaunchTemplateVersion"))
                .resources(List.of(launchTemplates))
                .conditions(appTagged("aws:ResourceTag/" + appTag))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("RefreshOnlyAppGroups")
                .actions(List.of("autoscaling:StartInstanceRefresh"))
                .resources(List.of(autoScalingGroups()))
                .conditions(appTagged("autoscaling:ResourceTag/" + appTag))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("UseOnlyAppTemplates")
                .actions(List.of("ec2:RunInstances"))
                .resources(List.of(launchTemplates))
                .conditions(appTagged("aws:ResourceTag/" + appTag))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("LaunchOnlyFromTemplates")
                .actions(List.of("ec2:RunInstances"))
                .resources(List.of(
                        ec2Arn("instance/*"),
                        ec2Arn("volume/*"),
                        ec2Arn("network-interface/*"),
                        ec2Arn("subnet/*"),
                        ec2Arn("security-group/*"),
                        ec2Arn("key-pair/*")))
                .conditions(Map.of("ArnLike", Map.of("ec2:LaunchTemplate", launchTemplates)))
                .build());
        // The image only when a trusted account owns it, as the function checks (untrusted-owner): ec2:Owner is
        // a condition key of the image resource type, the image's owner (an account id, or amazon /
        // aws-marketplace) ("Actions, resources, and condition keys for Amazon EC2", Service Authorization
        // Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("LaunchOnlyTrustedImages")
                .actions(List.of("ec2:RunInstances"))
                .resources(List.of("arn:" + Aws.PARTITION + ":ec2:" + Aws.REGION + "::image/*"))
                .conditions(new TreeMap<>(Map.of(
                        "ArnLike", Map.of("ec2:LaunchTemplate", launchTemplates),
                        "StringEquals", Map.of("ec2:Owner", settings.trustedImageOwners(functionsAccount)))))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("TagOnlyOnLaunch")
                .actions(List.of("ec2:CreateTags"))
                .resources(List.of(ec2Arn("instance/*"), ec2Arn("volume/*"), ec2Arn("network-interface/*")))
                .conditions(Map.of("StringEquals", Map.of("ec2:CreateAction", "RunInstances")))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("PassOnlyInstanceRolesToEc2")
                .actions(List.of("iam:PassRole"))
                .resources(instanceRoles())
                .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com")))
                .build());
    }

    /**
     * The instance roles a launch template may hand to EC2: every role under {@code instanceRolePath}
     * plus the roles listed in {@code instanceRoleArns}. StartInstanceRefresh with a desired
     * configuration checks iam:PassRole whenever the template names an instance profile, so this is
     * granted by default, not only when roles are listed.
     *
     * <p>By path, not by tag: iam:PassRole's documented condition keys are iam:PassedToService and
     * iam:AssociatedResourceArn ("IAM and AWS STS condition context keys"; "Grant a user permissions
     * to pass a role to an AWS service", IAM User Guide), and a role tag condition on PassRole is
     * reported not to take effect, so roles are scoped by ARN. A role's path is part of its ARN and
     * fixed at creation, and a policy can name every role under one ("IAM identifiers", Friendly
     * names and paths), so instance roles opt in by being created under the path.
     */
    private List<String> instanceRoles() {
        List<String> roles = new ArrayList<>();
        roles.add("arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":role" + settings.instanceRolePath() + "*");
        roles.addAll(settings.instanceRoleArns());
        return List.copyOf(roles);
    }

    /** Image Builder images of any account may be golden (trust is checked by the function). */
    void readImageBuilderImages(IRole role) {
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ReadImageBuilderImages")
                .actions(List.of("imagebuilder:GetImage"))
                .resources(List.of("arn:" + Aws.PARTITION + ":imagebuilder:" + Aws.REGION + ":*:image/*"))
                .build());
    }

    /**
     * The functions act in a member account through its member role (docs/organization.md):
     * sts:AssumeRole on that role only. In the listed {@code memberAccounts} by its ARN; under
     * {@code memberOrganizationUnits}, whose accounts are not known at deploy time, on the role's
     * name in any account, but only where the account that owns the role sits under one of the units
     * (aws:ResourceOrgPaths, the owner's path o-.../r-.../ou-.../: a global condition key, present
     * when the resource's account is in an organization, "AWS global condition context keys", IAM
     * User Guide; sts:AssumeRole on roles is within the resource perimeter it draws, "Establishing a
     * data perimeter on AWS: Allow only trusted resources from my organization", AWS Security Blog).
     * Both only in the organization (aws:ResourceOrgID).
     */
    void assumeMemberRoles(IRole role) {
        String roleName = settings.memberRoleName();
        Map<String, Object> inOrganization = Map.of("aws:ResourceOrgID", settings.organizationId());
        if (!settings.memberAccounts().isEmpty()) {
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("AssumeMemberRoleOfListedAccounts")
                    .actions(List.of("sts:AssumeRole"))
                    .resources(settings.memberAccounts().stream().map(account -> memberRoleArn(account, roleName)).toList())
                    .conditions(Map.of("StringEquals", inOrganization))
                    .build());
        }
        if (!settings.memberOrganizationUnits().isEmpty()) {
            List<String> paths = settings.memberOrganizationUnits().stream()
                    .map(unit -> unit.startsWith("r-")
                            ? settings.organizationId() + "/" + unit + "/*"
                            : settings.organizationId() + "/*/" + unit + "/*")
                    .toList();
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("AssumeMemberRoleUnderOrganizationUnits")
                    .actions(List.of("sts:AssumeRole"))
                    .resources(List.of(memberRoleArn("*", roleName)))
                    // Sorted: Map.of's order changes from JVM to JVM, and cdk synth must be deterministic.
                    .conditions(new TreeMap<>(Map.of(
                            "StringEquals", inOrganization,
                            "ForAnyValue:StringLike", Map.of("aws:ResourceOrgPaths", paths))))
                    .build());
        }
    }

    /**
     * Where an account sits in the organization, for the functions that ask AWS Organizations
     * (under {@code memberOrganizationUnits}: the account rule walks an account's parents, the
     * served accounts list each unit's accounts and units): only {@code actions}, read-only, and only
     * on the organization's accounts, units and root ("Actions, resources, and condition keys for
     * AWS Organizations", Service Authorization Reference: their ARNs name the organization after
     * the management account, which may be another account than this one).
     */
    void readOrganizationTree(IRole role, List<String> actions) {
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ReadTheOrganizationsTree")
                .actions(actions)
                .resources(organizationTree(settings).stream().map(resource -> "arn:" + Aws.PARTITION + ":" + resource).toList())
                .build());
    }

    /** The organization's accounts, units and root, after {@code arn:<partition>:}. */
    static List<String> organizationTree(Settings settings) {
        return List.of("account", "ou", "root").stream()
                .map(type -> "organizations::*:" + type + "/" + settings.organizationId() + "/*").toList();
    }

    /** The member role in {@code account} (or {@code *}): a role name, no path. */
    static String memberRoleArn(String account, String roleName) {
        return "arn:" + Aws.PARTITION + ":iam::" + account + ":role/" + roleName;
    }

    /**
     * The app tag's condition: with {@code apps} set, its value must be one of them; otherwise any
     * value will do, as long as the tag is there.
     */
    private Map<String, Object> appTagged(String conditionKey) {
        return settings.apps().isEmpty()
                ? Map.of("Null", Map.of(conditionKey, "false"))
                : Map.of("StringEquals", Map.of(conditionKey, settings.apps()));
    }

    private static String autoScalingGroups() {
        return "arn:" + Aws.PARTITION + ":autoscaling:" + Aws.REGION + ":" + Aws.ACCOUNT_ID
                + ":autoScalingGroup:*:autoScalingGroupName/*";
    }

    /** EBS snapshots are regional resources with no account in their ARN. */
    private static String snapshots() {
        return "arn:" + Aws.PARTITION + ":ec2:" + Aws.REGION + "::snapshot/*";
    }

    /**
     * The wildcard resources these statements name, each justified: the calls that support no
     * resource-level permissions, and resources not known at deploy time, each under a condition.
     */
    static Map<String, String> justifiedWildcards(Settings settings) {
        String region = "arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:";
        Map<String, String> wildcards = new LinkedHashMap<>();
        wildcards.put("Resource::*", "Describe/Get calls of EC2, Auto Scaling, Config and CloudWatch, and X-Ray's "
                + "PutTraceSegments/PutTelemetryRecords for Lambda's active tracing, all of which support no "
                + "resource-level permissions (IamPolicyTest checks nothing else is on *)");
        wildcards.put("Resource::arn:<AWS::Partition>:autoscaling:<AWS::Region>:<AWS::AccountId>:autoScalingGroup:*:"
                + "autoScalingGroupName/*", "groups are not known at deploy time; termination is conditioned on the "
                + "opt-in tag, StartInstanceRefresh on the app tag");
        wildcards.put("Resource::" + region + "launch-template/*", "templates are not known at deploy time; "
                + "CreateLaunchTemplateVersion and RunInstances on them are conditioned on the app tag");
        for (String launched : List.of("instance/*", "volume/*", "network-interface/*", "subnet/*",
                "security-group/*", "key-pair/*")) {
            wildcards.put("Resource::" + region + launched, "what a refresh launches from an app-tagged template: "
                    + "RunInstances only under the ec2:LaunchTemplate condition, CreateTags only with ec2:CreateAction "
                    + "= RunInstances");
        }
        wildcards.put("Resource::arn:<AWS::Partition>:ec2:<AWS::Region>::snapshot/*", "a quarantine's snapshots, "
                + "unknown before CreateSnapshots makes them; CreateTags on them only with ec2:CreateAction = CreateSnapshots");
        wildcards.put("Resource::arn:<AWS::Partition>:ec2:<AWS::Region>::image/*", "the golden AMI a refresh "
                + "launches, under the ec2:LaunchTemplate condition and only when a trusted account owns it (ec2:Owner)");
        wildcards.put("Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role"
                + settings.instanceRolePath() + "*", "instance roles "
                + "under instanceRolePath, passed only to ec2.amazonaws.com (iam:PassedToService)");
        wildcards.put("Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:*:image/*", "Image Builder images "
                + "of any account may be golden; GetImage is read-only and the function checks trust");
        return wildcards;
    }

    /** Suppresses cdk-nag's IAM5 finding on {@code role} for exactly the {@code justified} wildcards ({@code appliesTo}). */
    static void suppressJustified(IConstruct role, Map<String, String> justified) {
        NagSuppressions.addResourceSuppressions(role, justified.entrySet().stream()
                .map(wildcard -> NagPackSuppression.builder()
                        .id("AwsSolutions-IAM5")
                        .reason("Justified wildcard: " + wildcard.getValue())
                        .appliesTo(List.of(wildcard.getKey()))
                        .build())
                .toList(), true);
    }

    static String ec2Arn(String resource) {
        return "arn:" + Aws.PARTITION + ":ec2:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":" + resource;
    }
}
