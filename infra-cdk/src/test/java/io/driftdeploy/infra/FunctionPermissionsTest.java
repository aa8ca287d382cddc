package io.driftdeploy.infra;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;

/**
 * {@link FunctionPermissions} on a bare role in a stack of its own: each grant's statements and the
 * condition that confines it, by default and with the context that changes it. IamPolicyTest checks
 * the same statements on the functions' roles in the whole app.
 */
class FunctionPermissionsTest {

    /** The policy a role gets from {@code grant}, with these context settings. */
    private static Template granted(Map<String, Object> context, BiConsumer<FunctionPermissions, Role> grant) {
        Stack stack = new Stack(new App(), "Permissions");
        Role role = Role.Builder.create(stack, "Role").assumedBy(new ServicePrincipal("lambda.amazonaws.com")).build();
        grant.accept(new FunctionPermissions(Settings.from(context::get), Aws.ACCOUNT_ID, List.of()), role);
        return Template.fromStack(stack);
    }

    private static void hasStatement(Template template, Map<String, Object> statement) {
        template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(statement))))));
    }

    private static Map<String, Object> arn(String... parts) {
        return SynthesizedApp.joined(parts);
    }

    @Test
    void readOnlyCallsAreGrantedOnEverythingAndNothingElse() {
        Template template = granted(Map.of(), (permissions, role) ->
                permissions.readOnly(role, "ec2:DescribeInstances", "autoscaling:DescribeAutoScalingGroups"));

        template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", List.of(Map.of(
                "Sid", "ReadOnlyDescribe",
                "Effect", "Allow",
                "Action", List.of("ec2:DescribeInstances", "autoscaling:DescribeAutoScalingGroups"),
                "Resource", "*")))));
    }

    @Test
    void terminationIsOnlyInGroupsCarryingTheOptInTagFromContext() {
        Map<String, Object> groups = arn("arn:", "AWS::Partition", ":autoscaling:", "AWS::Region", ":", "AWS::AccountId",
                ":autoScalingGroup:*:autoScalingGroupName/*");

        hasStatement(granted(Map.of(), FunctionPermissions::terminateInOptedInGroups), Map.of(
                "Sid", "TerminateOnlyInOptedInGroups",
                "Action", "autoscaling:TerminateInstanceInAutoScalingGroup",
                "Resource", groups,
                "Condition", Map.of("StringEquals", Map.of("autoscaling:ResourceTag/drift-deploy:remediation", "terminate"))));
        hasStatement(granted(Map.of("optInTag", "team:replace=yes"), FunctionPermissions::terminateInOptedInGroups), Map.of(
                "Sid", "TerminateOnlyInOptedInGroups",
                "Condition", Map.of("StringEquals", Map.of("autoscaling:ResourceTag/team:replace", "yes"))));
        hasStatement(granted(Map.of("optInTag", "team:replace=yes"), FunctionPermissions::terminateInOptedInGroups), Map.of(
                "Sid", "SurgeOnlyInOptedInGroups",
                "Action", "autoscaling:SetInstanceHealth",
                "Resource", groups,
                "Condition", Map.of("StringEquals", Map.of("autoscaling:ResourceTag/team:replace", "yes"))));
    }

    @Test
    void rolloutsNeedOnlyTheAppTagByDefaultAndOneOfTheListedAppsWhenAppsIsSet() {
        Template anyApp = granted(Map.of(), FunctionPermissions::rollOutToAppGroups);
        hasStatement(anyApp, Map.of("Sid", "RefreshOnlyAppGroups", "Action", "autoscaling:StartInstanceRefresh",
                "Condition", Map.of("Null", Map.of("autoscaling:ResourceTag/drift-deploy:app", "false"))));
        hasStatement(anyApp, Map.of("Sid", "NewVersionsOnlyOfAppTemplates", "Action", "ec2:CreateLaunchTemplateVersion",
                "Condition", Map.of("Null", Map.of("aws:ResourceTag/drift-deploy:app", "false"))));

        Template listed = granted(Map.of("apps", "shop,billing"), FunctionPermissions::rollOutToAppGroups);
        hasStatement(listed, Map.of("Sid", "RefreshOnlyAppGroups",
                "Condition", Map.of("StringEquals", Map.of("autoscaling:ResourceTag/drift-deploy:app", List.of("shop", "billing")))));
        hasStatement(listed, Map.of("Sid", "UseOnlyAppTemplates", "Action", "ec2:RunInstances",
                "Condition", Map.of("StringEquals", Map.of("aws:ResourceTag/drift-deploy:app", List.of("shop", "billing")))));
    }

    @Test
    void rolloutsLaunchOnlyImagesOfTheTrustedAccountsTheDeployingOneByDefault() {
        hasStatement(granted(Map.of(), FunctionPermissions::rollOutToAppGroups), Map.of(
                "Sid", "LaunchOnlyTrustedImages",
                "Condition", Match.objectLike(Map.of("StringEquals", Map.of("ec2:Owner", List.of(Map.of("Ref", "AWS::AccountId")))))));
        hasStatement(granted(Map.of("trustedAccounts", "111111111111,222222222222"), FunctionPermissions::rollOutToAppGroups), Map.of(
                "Sid", "LaunchOnlyTrustedImages",
                "Condition", Match.objectLike(Map.of("StringEquals", Map.of("ec2:Owner", List.of("111111111111", "222222222222"))))));
    }

    @Test
    void rolloutsPassOnlyRolesUnderTheInstanceRolePathOrListedAndOnlyToEc2() {
        hasStatement(granted(Map.of(), FunctionPermissions::rollOutToAppGroups), Map.of(
                "Sid", "PassOnlyInstanceRolesToEc2",
                "Action", "iam:PassRole",
                "Resource", arn("arn:", "AWS::Partition", ":iam::", "AWS::AccountId", ":role/drift-deploy/*"),
                "Condition", Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com"))));
        hasStatement(granted(Map.of("instanceRolePath", "/apps/", "instanceRoleArns", "arn:aws:iam::111111111111:role/legacy"),
                FunctionPermissions::rollOutToAppGroups), Map.of(
                "Sid", "PassOnlyInstanceRolesToEc2",
                "Resource", List.of(arn("arn:", "AWS::Partition", ":iam::", "AWS::AccountId", ":role/apps/*"),
                        "arn:aws:iam::111111111111:role/legacy")));
    }

    @Test
    void imageBuilderImagesOfAnyAccountMayBeReadInTheStacksRegion() {
        hasStatement(granted(Map.of(), FunctionPermissions::readImageBuilderImages), Map.of(
                "Sid", "ReadImageBuilderImages",
                "Action", "imagebuilder:GetImage",
                "Resource", arn("arn:", "AWS::Partition", ":imagebuilder:", "AWS::Region", ":*:image/*")));
    }

    @Test
    void ledgerCallsAreGrantedOnTheTableOnlyNotOnItsIndexes() {
        Template template = granted(Map.of(), (permissions, role) -> {
            Table table = Table.Builder.create(role.getStack(), "Ledger")
                    .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build()).build();
            table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder().indexName("history")
                    .partitionKey(Attribute.builder().name("historyKey").type(AttributeType.STRING).build()).build());
            permissions.ledgerItems(role, table, List.of("dynamodb:GetItem", "dynamodb:UpdateItem"));
        });

        template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", List.of(Map.of(
                "Effect", "Allow",
                "Action", List.of("dynamodb:GetItem", "dynamodb:UpdateItem"),
                "Resource", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("Ledger.*"), "Arn")))))));
    }
}
