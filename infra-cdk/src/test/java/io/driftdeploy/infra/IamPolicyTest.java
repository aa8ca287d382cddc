package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.infra.DriftDeployFunction.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Least privilege, checked on every identity policy of every stack (with every optional part on). */
class IamPolicyTest {

    private static final SynthesizedApp APP = SynthesizedApp.everything();
    private final Template functions = APP.template(APP.stacks.functions());

    @Test
    void noActionIsAWildcard() {
        for (Map<String, Object> statement : identityStatements()) {
            assertThat(list(statement.get("Action"))).as("statement %s", statement)
                    .noneMatch(action -> action.toString().contains("*"));
        }
    }

    /**
     * Reads, and the two writes of Lambda's active tracing, which support no resource-level
     * permissions and must be granted on * ("Actions, resources, and condition keys for AWS X-Ray",
     * Service Authorization Reference: no resource type for PutTraceSegments or PutTelemetryRecords).
     */
    @Test
    void nothingMutatesEverythingWithoutACondition() {
        List<String> tracing = List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords");
        for (Map<String, Object> statement : identityStatements()) {
            boolean onEverything = list(statement.get("Resource")).contains("*");
            if (onEverything && !statement.containsKey("Condition")) {
                assertThat(list(statement.get("Action"))).as("unconditioned statement on * %s", statement)
                        .allMatch(action -> action.toString().matches("[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*")
                                || tracing.contains(action.toString()));
            }
        }
    }

    @Test
    void driftTerminatesOnlyInGroupsCarryingTheOptInTag() {
        for (Kind kind : List.of(Kind.DRIFT, Kind.ALARMS, Kind.SWEEP)) {
            hasStatement(kind, Map.of(
                    "Action", "autoscaling:TerminateInstanceInAutoScalingGroup",
                    "Condition", Map.of("StringEquals",
                            Map.of("autoscaling:ResourceTag/drift-deploy:remediation", "terminate"))));
        }
        for (Kind kind : List.of(Kind.DRIFT, Kind.ALARMS)) {
            hasStatement(kind, Map.of(
                    "Action", "autoscaling:SetInstanceHealth",
                    "Condition", Map.of("StringEquals",
                            Map.of("autoscaling:ResourceTag/drift-deploy:remediation", "terminate"))));
        }
        for (Kind kind : List.of(Kind.IMAGES, Kind.REFRESHES)) {
            assertThat(actionsOf(kind)).doesNotContain("autoscaling:TerminateInstanceInAutoScalingGroup",
                    "autoscaling:SetInstanceHealth");
        }
    }

    @Test
    void rolloutsTouchOnlyGroupsAndTemplatesCarryingTheAppTag() {
        for (Kind kind : List.of(Kind.IMAGES, Kind.REFRESHES, Kind.SWEEP)) {
            // With context apps (shop, billing), only those values of the app tag.
            List<String> apps = List.of("shop", "billing");
            hasStatement(kind, Map.of("Action", "autoscaling:StartInstanceRefresh",
                    "Condition", Map.of("StringEquals", Map.of("autoscaling:ResourceTag/drift-deploy:app", apps))));
            hasStatement(kind, Map.of("Action", "ec2:CreateLaunchTemplateVersion",
                    "Condition", Map.of("StringEquals", Map.of("aws:ResourceTag/drift-deploy:app", apps))));
            // StartInstanceRefresh with a DesiredConfiguration is authorised as RunInstances on the template.
            hasStatement(kind, Map.of("Sid", "UseOnlyAppTemplates", "Action", "ec2:RunInstances",
                    "Condition", Map.of("StringEquals", Map.of("aws:ResourceTag/drift-deploy:app", apps))));
            hasStatement(kind, Map.of("Sid", "LaunchOnlyFromTemplates", "Action", "ec2:RunInstances",
                    "Condition", Map.of("ArnLike", Map.of("ec2:LaunchTemplate", Match.anyValue()))));
            // The image only from the trusted accounts (context trustedAccounts here).
            hasStatement(kind, Map.of("Sid", "LaunchOnlyTrustedImages", "Action", "ec2:RunInstances",
                    "Resource", SynthesizedApp.joined("arn:", "AWS::Partition", ":ec2:", "AWS::Region", "::image/*"),
                    "Condition", Map.of("ArnLike", Map.of("ec2:LaunchTemplate", Match.anyValue()),
                            "StringEquals", Map.of("ec2:Owner", List.of("111111111111", "222222222222")))));
            hasStatement(kind, Map.of("Action", "ec2:CreateTags",
                    "Condition", Map.of("StringEquals", Map.of("ec2:CreateAction", "RunInstances"))));
            // Roles under the instance role path (the example fleet's is one) and the listed roles, to EC2 only.
            hasStatement(kind, Map.of("Action", "iam:PassRole",
                    "Resource", List.of(SynthesizedApp.joined("arn:", "AWS::Partition", ":iam::", "AWS::AccountId",
                                    ":role/drift-deploy/*"),
                            "arn:aws:iam::111111111111:role/app-instance"),
                    "Condition", Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com"))));
        }
        for (Kind kind : List.of(Kind.DRIFT, Kind.ALARMS)) {
            assertThat(actionsOf(kind)).doesNotContain("autoscaling:StartInstanceRefresh",
                    "ec2:CreateLaunchTemplateVersion", "ec2:RunInstances", "iam:PassRole");
        }
    }

    /** By default (no apps, no trustedAccounts): any value of the app tag, and images of the deploying account only. */
    @Test
    void byDefaultAnyAppTagValueAndOnlyTheDeployingAccountsImages() {
        SynthesizedApp app = SynthesizedApp.defaults();
        Template defaults = app.template(app.stacks.functions());
        for (Kind kind : List.of(Kind.IMAGES, Kind.REFRESHES, Kind.SWEEP)) {
            for (Map<String, Object> statement : List.<Map<String, Object>>of(
                    Map.of("Action", "autoscaling:StartInstanceRefresh",
                            "Condition", Map.of("Null", Map.of("autoscaling:ResourceTag/drift-deploy:app", "false"))),
                    Map.of("Action", "ec2:CreateLaunchTemplateVersion",
                            "Condition", Map.of("Null", Map.of("aws:ResourceTag/drift-deploy:app", "false"))),
                    Map.of("Sid", "UseOnlyAppTemplates", "Action", "ec2:RunInstances",
                            "Condition", Map.of("Null", Map.of("aws:ResourceTag/drift-deploy:app", "false"))),
                    Map.of("Sid", "LaunchOnlyTrustedImages", "Action", "ec2:RunInstances",
                            "Condition", Map.of("ArnLike", Map.of("ec2:LaunchTemplate", Match.anyValue()),
                                    "StringEquals", Map.of("ec2:Owner", List.of(Map.of("Ref", "AWS::AccountId"))))))) {
                defaults.hasResourceProperties("AWS::IAM::Policy", Map.of(
                        "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp(kind.id() + "Role.*"))),
                        "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(statement))))));
            }
        }
    }

    @Test
    void ledgerTopicAndKeyAreGrantedOnTheirOwnArnsOnly() {
        for (Kind kind : Kind.values()) {
            hasStatement(kind, Map.of("Action", "sns:Publish", "Resource", FunctionsStackTest.TOPIC_ARN));
            // The topic key through its alias: no import of the key's ARN from the Notifications stack.
            hasStatement(kind, Map.of("Action", List.of("kms:GenerateDataKey", "kms:Decrypt"),
                    "Resource", SynthesizedApp.joined("arn:", "AWS::Partition", ":kms:", "AWS::Region", ":",
                            "AWS::AccountId", ":key/*"),
                    "Condition", Map.of("ForAnyValue:StringEquals",
                            Map.of("kms:ResourceAliases", "alias/DriftDeploy-notifications"))));
            // Only the calls io.driftdeploy.aws.Ledger makes, on the table only: item calls, Query of one partition,
            // BatchGetItem of named keys (no Scan, no batch write, no index); IamCoverageTest holds each function to
            // exactly the calls its path makes.
            hasStatement(kind, Map.of("Action", Match.arrayWith(List.of("dynamodb:GetItem", "dynamodb:PutItem",
                            "dynamodb:DeleteItem")),
                    "Resource", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("Ledger.*"), "Arn"))));
            assertThat(actionsOf(kind)).filteredOn(action -> action.toString().startsWith("dynamodb:"))
                    .isSubsetOf("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                            "dynamodb:Query", "dynamodb:BatchGetItem");
        }
        hasStatement(Kind.ALARMS, Map.of("Action", Match.arrayWith(List.of("cloudwatch:DescribeAlarms",
                        "config:DescribeConfigRules", "ec2:DescribeLaunchTemplateVersions", "ec2:DescribeImages")),
                "Resource", "*"));
        // Rule 9 reads which managed rule a drift rule runs, and the group's template version and image.
        hasStatement(Kind.DRIFT, Map.of("Action", Match.arrayWith(List.of("config:DescribeConfigRules",
                        "ec2:DescribeLaunchTemplateVersions", "ec2:DescribeImages")),
                "Resource", "*"));
        hasStatement(Kind.IMAGES, Map.of("Action", "imagebuilder:GetImage"));
    }

    @Test
    void passRoleIsGrantedByDefaultOnTheInstanceRolePathToEc2Only() {
        // A refresh with a desired configuration checks iam:PassRole whenever the template has an
        // instance profile, so a fresh deploy without instanceRoleArns needs it too.
        SynthesizedApp app = SynthesizedApp.defaults();
        Template defaults = app.template(app.stacks.functions());
        for (Kind kind : List.of(Kind.IMAGES, Kind.REFRESHES)) {
            defaults.hasResourceProperties("AWS::IAM::Policy", Map.of(
                    "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp(kind.id() + "Role.*"))),
                    "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                            "Action", "iam:PassRole",
                            "Resource", SynthesizedApp.joined("arn:", "AWS::Partition", ":iam::", "AWS::AccountId",
                                    ":role/drift-deploy/*"),
                            "Condition", Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com")))))))));
        }
    }

    @Test
    void functionRolesCarryNoManagedPolicies() {
        functions.allResourcesProperties("AWS::IAM::Role",
                Match.not(Match.objectLike(Map.of("ManagedPolicyArns", Match.anyValue()))));
    }

    private void hasStatement(Kind kind, Map<String, Object> statement) {
        functions.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp(kind.id() + "Role.*"))),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(statement))))));
    }

    @SuppressWarnings("unchecked")
    private List<Object> actionsOf(Kind kind) {
        return functions.findResources("AWS::IAM::Policy").values().stream()
                .map(resource -> (Map<String, Object>) resource.get("Properties"))
                .filter(properties -> properties.get("Roles").toString().contains(kind.id() + "Role"))
                .flatMap(properties -> statements(properties).stream())
                .flatMap(statement -> list(statement.get("Action")).stream())
                .toList();
    }

    /** Every statement of every AWS::IAM::Policy and inline role policy, in every stack. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> identityStatements() {
        List<Map<String, Object>> statements = new ArrayList<>();
        for (Stack stack : Stream.of(APP.stacks.notifications(), APP.stacks.detection(), APP.stacks.functions(),
                APP.stacks.fleet()).toList()) {
            Template template = APP.template(stack);
            template.findResources("AWS::IAM::Policy").values().forEach(resource ->
                    statements.addAll(statements((Map<String, Object>) resource.get("Properties"))));
            template.findResources("AWS::IAM::Role").values().forEach(resource -> {
                Map<String, Object> properties = (Map<String, Object>) resource.get("Properties");
                for (Object policy : list(properties.get("Policies"))) {
                    statements.addAll(statements((Map<String, Object>) policy));
                }
            });
        }
        assertThat(statements).isNotEmpty();
        return statements;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(Map<String, Object> policyProperties) {
        Map<String, Object> document = (Map<String, Object>) policyProperties.get("PolicyDocument");
        return (List<Map<String, Object>>) document.get("Statement");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> values ? (List<Object>) values : List.of(value);
    }
}
