package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.infra.DriftDeployFunction.Kind;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The central account of an organization: its bus admits what the members forward and nothing
 * else, its StackSet reaches the organization units, its function roles may assume the member
 * role and nothing else, its functions get the member settings; and a one-account deployment has
 * none of it.
 */
class OrganizationStackTest {

    private static final Map<String, Object> OWN_ACCOUNT = Map.of("Ref", "AWS::AccountId");

    private final SynthesizedApp app = SynthesizedApp.organization();
    private final Template organization = app.template(app.stacks.organization());
    private final Template functions = app.template(app.stacks.functions());

    @Test
    @SuppressWarnings("unchecked")
    void busAdmitsPutEventsOnlyFromTheOrganizationsForwardingRulesAndOnlyWhatTheyForward() {
        SynthesizedApp memberApp = SynthesizedApp.member();
        Template member = memberApp.template(memberApp.stacks.member());
        Set<String> sources = new LinkedHashSet<>();
        Set<String> detailTypes = new LinkedHashSet<>();
        TemplateParts.properties(member, "AWS::Events::Rule").values().forEach(rule -> {
            Map<String, Object> pattern = (Map<String, Object>) rule.get("EventPattern");
            sources.addAll((List<String>) pattern.get("source"));
            for (Object detailType : (List<Object>) pattern.get("detail-type")) {
                detailTypes.add(detailType instanceof Map<?, ?> prefix ? prefix.get("prefix") + "*" : (String) detailType);
            }
            assertThat(rule.get("Name").toString()).startsWith("DriftDeploy-");
        });

        organization.resourceCountIs("AWS::Events::EventBusPolicy", 1);
        organization.hasResourceProperties("AWS::Events::EventBusPolicy", Map.of(
                "EventBusName", "default",
                "StatementId", "DriftDeploy-member-events",
                "Statement", Match.exact(Map.of(
                        "Effect", "Allow",
                        "Principal", "*",
                        "Action", "events:PutEvents",
                        "Resource", SynthesizedApp.joined("arn:", "AWS::Partition", ":events:", "AWS::Region", ":",
                                "AWS::AccountId", ":event-bus/default"),
                        "Condition", Map.of(
                                "StringEquals", Map.of(
                                        "aws:PrincipalOrgID", SynthesizedApp.ORGANIZATION_ID,
                                        "events:source", Match.anyValue()),
                                "StringLike", Map.of("events:detail-type", Match.anyValue()),
                                "ArnLike", Map.of("aws:SourceArn", SynthesizedApp.joined("arn:", "AWS::Partition",
                                        ":events:", "AWS::Region", ":*:rule/DriftDeploy-*")))))));
        Map<String, Object> condition = (Map<String, Object>) ((Map<String, Object>) TemplateParts.properties(
                organization, "AWS::Events::EventBusPolicy").values().iterator().next().get("Statement")).get("Condition");
        assertThat((List<String>) ((Map<String, Object>) condition.get("StringEquals")).get("events:source"))
                .containsExactlyInAnyOrderElementsOf(sources);
        assertThat((List<String>) ((Map<String, Object>) condition.get("StringLike")).get("events:detail-type"))
                .containsExactlyInAnyOrderElementsOf(detailTypes);
        assertThat(sources).contains("aws.config", "drift-deploy.images").hasSize(6);
    }

    @Test
    void stackSetDeploysTheMemberStackToTheUnitsButNotToThisAccountAndToEveryAccountThatJoins() {
        organization.resourceCountIs("AWS::CloudFormation::StackSet", 1);
        organization.hasResourceProperties("AWS::CloudFormation::StackSet", Map.of(
                "StackSetName", "DriftDeploy-Member",
                "PermissionModel", "SERVICE_MANAGED",
                "CallAs", "DELEGATED_ADMIN",
                "AutoDeployment", Map.of("Enabled", true, "RetainStacksOnAccountRemoval", false),
                "Capabilities", List.of("CAPABILITY_NAMED_IAM"),
                "Parameters", List.of(Map.of("ParameterKey", "CentralAccountId", "ParameterValue", OWN_ACCOUNT)),
                "StackInstancesGroup", List.of(Map.of(
                        "DeploymentTargets", Map.of(
                                "OrganizationalUnitIds", SynthesizedApp.MEMBER_UNITS,
                                "Accounts", List.of(OWN_ACCOUNT),
                                "AccountFilterType", "DIFFERENCE"),
                        "Regions", List.of(Map.of("Ref", "AWS::Region")))),
                "TemplateBody", Match.stringLikeRegexp(".*\"RoleName\":\"drift-deploy-member\".*")));

        Template self = Template.fromStack(organizationOf(Map.of("organizationId", SynthesizedApp.ORGANIZATION_ID,
                "memberOrganizationUnits", "r-ab12", "stackSetCallAs", "self")));
        self.hasResourceProperties("AWS::CloudFormation::StackSet", Map.of("CallAs", "SELF"));
    }

    @Test
    void listedAccountsAloneNeedNoStackSetButTheBusStillAdmitsThem() {
        Template listed = Template.fromStack(organizationOf(Map.of("organizationId", SynthesizedApp.ORGANIZATION_ID,
                "memberAccounts", SynthesizedApp.MEMBER_ACCOUNT)));
        listed.resourceCountIs("AWS::CloudFormation::StackSet", 0);
        listed.resourceCountIs("AWS::Events::EventBusPolicy", 1);
    }

    /** Named, so member roles can trust them; the listed accounts' member role by ARN, the units' by name under them. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void eachFunctionRoleMayAssumeTheMemberRoleAndOnlyInTheOrganization(Kind kind) {
        functions.hasResourceProperties("AWS::IAM::Role", Map.of(
                "RoleName", "DriftDeploy-" + kind.id().toLowerCase(java.util.Locale.ROOT) + "-function",
                "AssumeRolePolicyDocument", Match.objectLike(Map.of("Statement", List.of(Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "lambda.amazonaws.com"))))))));
        List<Map<String, Object>> assumes = TemplateParts.statementsOfRole(functions, kind.id() + "Role").stream()
                .filter(statement -> TemplateParts.actions(statement).contains("sts:AssumeRole")).toList();
        assertThat(assumes).containsExactlyInAnyOrder(
                Map.of("Sid", "AssumeMemberRoleOfListedAccounts",
                        "Effect", "Allow",
                        "Action", "sts:AssumeRole",
                        "Resource", SynthesizedApp.joined("arn:", "AWS::Partition",
                                ":iam::" + SynthesizedApp.MEMBER_ACCOUNT + ":role/drift-deploy-member"),
                        "Condition", Map.of("StringEquals", Map.of("aws:ResourceOrgID", SynthesizedApp.ORGANIZATION_ID))),
                Map.of("Sid", "AssumeMemberRoleUnderOrganizationUnits",
                        "Effect", "Allow",
                        "Action", "sts:AssumeRole",
                        "Resource", SynthesizedApp.joined("arn:", "AWS::Partition", ":iam::*:role/drift-deploy-member"),
                        "Condition", Map.of(
                                "StringEquals", Map.of("aws:ResourceOrgID", SynthesizedApp.ORGANIZATION_ID),
                                "ForAnyValue:StringLike", Map.of("aws:ResourceOrgPaths", List.of(
                                        "o-a1b2c3d4e5/*/ou-ab12-11111111/*", "o-a1b2c3d4e5/r-ab12/*")))));
    }

    /** Read-only, on the organization's tree only, and only what each function asks Organizations. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void eachFunctionRoleReadsOnlyTheOrganizationsTreeAndOnlyWhatItAsks(Kind kind) {
        List<String> parents = List.of("organizations:ListParents");
        List<String> units = List.of("organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent");
        List<String> expected = switch (kind) {
            case DRIFT -> parents;
            case SWEEP -> units;
            default -> java.util.stream.Stream.concat(parents.stream(), units.stream()).toList();
        };
        assertThat(TemplateParts.statementsOfRole(functions, kind.id() + "Role").stream()
                .filter(statement -> TemplateParts.actions(statement).stream().anyMatch(action -> action.startsWith("organizations:")))
                .toList()).containsExactly(Map.of(
                        "Sid", "ReadTheOrganizationsTree",
                        "Effect", "Allow",
                        "Action", expected.size() == 1 ? expected.get(0) : expected,
                        "Resource", java.util.stream.Stream.of("account", "ou", "root")
                                .map(type -> SynthesizedApp.joined("arn:", "AWS::Partition",
                                        ":organizations::*:" + type + "/" + SynthesizedApp.ORGANIZATION_ID + "/*"))
                                .toList()));
    }

    @Test
    void functionsGetTheMemberSettingsAsEnvironment() {
        functions.allResourcesProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Map.of(
                "DRIFT_DEPLOY_MEMBER_ACCOUNTS", SynthesizedApp.MEMBER_ACCOUNT,
                "DRIFT_DEPLOY_MEMBER_ORGANIZATION_UNITS", String.join(",", SynthesizedApp.MEMBER_UNITS),
                "DRIFT_DEPLOY_MEMBER_ROLE_NAME", "drift-deploy-member",
                "DRIFT_DEPLOY_MAX_TERMINATIONS_PER_ORGANIZATION", "25"))));
    }

    /** Without member settings: the stacks as before, no bus policy, no StackSet, no role names, no AssumeRole. */
    @Test
    void oneAccountDeploymentHasNoneOfIt() {
        for (SynthesizedApp oneAccount : List.of(SynthesizedApp.defaults(), SynthesizedApp.seedNames())) {
            assertThat(oneAccount.stacks.organization()).isNull();
            assertThat(oneAccount.stacks.member()).isNull();
            for (Stack stack : oneAccount.allStacks()) {
                Template template = oneAccount.template(stack);
                template.resourceCountIs("AWS::Events::EventBusPolicy", 0);
                template.resourceCountIs("AWS::CloudFormation::StackSet", 0);
                assertThat(TemplateParts.properties(template, "AWS::IAM::Role").values())
                        .allSatisfy(role -> assertThat(role).doesNotContainKey("RoleName"));
                assertThat(TemplateParts.statementsOfRole(template, "")).flatMap(TemplateParts::actions)
                        .doesNotContain("sts:AssumeRole");
            }
            oneAccount.template(oneAccount.stacks.functions()).allResourcesProperties("AWS::Lambda::Function",
                    Map.of("Environment", Map.of("Variables", Map.of(
                            "DRIFT_DEPLOY_MEMBER_ACCOUNTS", Match.absent(),
                            "DRIFT_DEPLOY_MEMBER_ORGANIZATION_UNITS", Match.absent()))));
        }
    }

    private static OrganizationStack organizationOf(Map<String, Object> context) {
        return DriftDeployApp.define(new App(AppProps.builder().context(SynthesizedApp.context(context)).build()))
                .organization();
    }
}
