package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.infra.DriftDeployFunction.Kind;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The member stack against what it serves: its role trusts the central function roles and allows
 * exactly their member-side statements, its rules forward exactly the events the central rules
 * take, its drift rules are the central ones, and the StackSet deploys this very template.
 */
class MemberStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Object> CENTRAL_ACCOUNT = Map.of("Ref", MemberStack.CENTRAL_ACCOUNT_PARAMETER);
    /**
     * The services whose calls the functions make in a member account with its member role (#15,
     * aws.AccountClients): the fleet, Config, Image Builder, passing instance roles, alarm definitions.
     */
    private static final Set<String> MEMBER_SIDE = Set.of("ec2", "autoscaling", "config", "imagebuilder", "iam", "cloudwatch");

    private final SynthesizedApp memberApp = SynthesizedApp.member();
    private final Template member = memberApp.template(memberApp.stacks.member());
    private final SynthesizedApp centralApp = SynthesizedApp.organization();
    private final Template central = centralApp.template(centralApp.stacks.functions());

    @Test
    void withMemberOfTheAppIsTheMemberStackAloneAndTheCentralAccountIsItsParameterDefault() {
        assertThat(memberApp.allStacks()).containsExactly(memberApp.stacks.member());
        assertThat(memberApp.stacks.member().getStackName()).isEqualTo("DriftDeploy-Member");
        member.templateMatches(Map.of("Parameters", Match.exact(Map.of(MemberStack.CENTRAL_ACCOUNT_PARAMETER, Map.of(
                "Type", "String",
                "AllowedPattern", "\\d{12}",
                "Default", SynthesizedApp.CENTRAL_ACCOUNT,
                "Description", Match.anyValue())))));
        // No bootstrap version rule and no asset: a StackSet instance has neither.
        member.templateMatches(Map.of("Rules", Match.absent()));
    }

    @Test
    void memberRoleTrustsOnlyTheCentralFunctionRolesWhileTheyAreInTheOrganization() {
        List<Object> functionRoles = java.util.Arrays.stream(Kind.values())
                .map(kind -> (Object) withCentralAccount(SynthesizedApp.joined("arn:", "AWS::Partition", ":iam::", "CENTRAL",
                        ":role/DriftDeploy-" + kind.id().toLowerCase(java.util.Locale.ROOT) + "-function")))
                .toList();
        member.hasResourceProperties("AWS::IAM::Role", Map.of(
                "RoleName", "drift-deploy-member",
                "AssumeRolePolicyDocument", Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                        "Effect", "Allow",
                        "Action", "sts:AssumeRole",
                        "Principal", Map.of("AWS", withCentralAccount(SynthesizedApp.joined(
                                "arn:", "AWS::Partition", ":iam::", "CENTRAL", ":root"))),
                        "Condition", Map.of(
                                "ArnEquals", Map.of("aws:PrincipalArn", functionRoles),
                                "StringEquals", Map.of("aws:PrincipalOrgID", SynthesizedApp.ORGANIZATION_ID)))))));
    }

    @Test
    void theRolesTheMemberRoleTrustsAreTheNamesTheCentralFunctionRolesHave() {
        Set<String> centralNames = TemplateParts.properties(central, "AWS::IAM::Role").values().stream()
                .map(role -> (String) role.get("RoleName")).filter(java.util.Objects::nonNull).collect(Collectors.toSet());
        assertThat(centralNames).hasSize(Kind.values().length);
        String trust = TemplateParts.properties(member, "AWS::IAM::Role").values().stream()
                .filter(role -> "drift-deploy-member".equals(role.get("RoleName")))
                .map(role -> json(role.get("AssumeRolePolicyDocument"))).findFirst().orElseThrow();
        centralNames.forEach(name -> assertThat(trust).contains(":role/" + name + "\""));
    }

    /**
     * The member role allows what the central function roles allow on EC2, Auto Scaling, Config,
     * Image Builder, IAM and CloudWatch (DescribeAlarms), statement by statement, with the central
     * account's images trusted (as the functions trust them), and nothing else: not the ledger, the
     * topic, the queue, tracing, the organization's tree or other member roles.
     */
    @Test
    void memberRoleAllowsExactlyTheMemberSideStatementsOfTheCentralFunctionRoles() {
        Set<String> centralReads = new TreeSet<>();
        Set<String> centralWrites = new LinkedHashSet<>();
        for (Kind kind : Kind.values()) {
            for (Map<String, Object> statement : TemplateParts.statementsOfRole(central, kind.id() + "Role")) {
                if ("ReadOnlyDescribe".equals(statement.get("Sid"))) {
                    TemplateParts.actions(statement).stream().filter(MemberStackTest::memberSide).forEach(centralReads::add);
                } else if (TemplateParts.actions(statement).stream().allMatch(MemberStackTest::memberSide)) {
                    centralWrites.add(json(statement));
                }
            }
        }
        List<Map<String, Object>> memberStatements = TemplateParts.statementsOfRole(member, "MemberRole");
        Map<String, Object> reads = memberStatements.stream().filter(statement -> "ReadOnlyDescribe".equals(statement.get("Sid")))
                .findFirst().orElseThrow();
        Set<String> memberWrites = memberStatements.stream().filter(statement -> statement != reads)
                .map(statement -> json(statement).replace(json(CENTRAL_ACCOUNT), json(Map.of("Ref", "AWS::AccountId"))))
                .collect(Collectors.toCollection(LinkedHashSet::new));

        assertThat(reads.get("Resource")).isEqualTo("*");
        assertThat(new TreeSet<>(TemplateParts.actions(reads))).isEqualTo(centralReads);
        assertThat(memberWrites).containsExactlyInAnyOrderElementsOf(centralWrites);
        assertThat(memberStatements).flatMap(TemplateParts::actions).allMatch(MemberStackTest::memberSide);
        assertThat(centralWrites).as("the central roles' tag-conditioned writes").hasSizeGreaterThan(10);
    }

    @Test
    void memberRoleLaunchesOnlyImagesOfTheCentralAccountByDefault() {
        assertThat(TemplateParts.statementsOfRole(member, "MemberRole"))
                .filteredOn(statement -> "LaunchOnlyTrustedImages".equals(statement.get("Sid")))
                .singleElement()
                .satisfies(statement -> assertThat(json(statement.get("Condition")))
                        .contains("\"ec2:Owner\":[" + json(CENTRAL_ACCOUNT) + "]"));
    }

    /** One forwarding rule per central rule, with its very pattern, to the central account's default bus. */
    @Test
    void forwardingRulesMatchExactlyWhatTheCentralRulesMatch() {
        Map<String, Object> centralPatterns = patternsByDescription(central, "");
        Map<String, Object> forwarded = patternsByDescription(member, "To the central account: ");
        assertThat(forwarded).hasSize(6).isEqualTo(centralPatterns);

        Map<String, Object> centralBus = withCentralAccount(SynthesizedApp.joined(
                "arn:", "AWS::Partition", ":events:", "AWS::Region", ":", "CENTRAL", ":event-bus/default"));
        member.allResourcesProperties("AWS::Events::Rule", Map.of(
                "Name", Match.stringLikeRegexp("DriftDeploy-[A-Za-z]+"),
                "Targets", List.of(Map.of(
                        "Id", Match.anyValue(),
                        "Arn", centralBus,
                        "RoleArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ForwardToCentralRole.*"), "Arn"))))));
        assertThat(TemplateParts.statementsOfRole(member, "ForwardToCentralRole")).containsExactly(Map.of(
                "Effect", "Allow", "Action", "events:PutEvents", "Resource", centralBus));
    }

    @Test
    void driftRulesAreTheCentralAccountsUnderTheSameNames() {
        Template detection = centralApp.template(centralApp.stacks.detection());
        assertThat(configRules(member)).hasSize(4).isEqualTo(configRules(detection));
    }

    /** What `cdk deploy -c memberOf=...` deploys is what the StackSet deploys, but for the parameter's default. */
    @Test
    @SuppressWarnings("unchecked")
    void theStackSetDeploysTheSameTemplate() throws Exception {
        Template organization = centralApp.template(centralApp.stacks.organization());
        String body = (String) TemplateParts.properties(organization, "AWS::CloudFormation::StackSet").values().iterator()
                .next().get("TemplateBody");
        Map<String, Object> alone = JSON.readValue(JSON.writeValueAsString(member.toJSON()), Map.class);
        ((Map<String, Object>) ((Map<String, Object>) alone.get("Parameters")).get(MemberStack.CENTRAL_ACCOUNT_PARAMETER))
                .remove("Default");
        assertThat(JSON.readValue(body, Map.class)).isEqualTo(alone);
        assertThat(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(OrganizationStack.TEMPLATE_BODY_MAX_BYTES);
    }

    @Test
    void memberOfAndMemberSettingsNeedTheOrganizationAndAPrefixShortEnoughForTheNamesItStarts() {
        assertThatThrownBy(() -> Settings.from(Map.<String, Object>of("memberOf", "111122223333")::get))
                .hasMessageContaining("'organizationId'");
        assertThatThrownBy(() -> Settings.from(Map.<String, Object>of("memberOrganizationUnits", "ou-ab12-11111111")::get))
                .hasMessageContaining("'organizationId'");
        String prefix = "P".repeat(Settings.ORGANIZATION_STACK_PREFIX_MAX + 1);
        assertThatThrownBy(() -> Settings.from(Map.<String, Object>of("memberAccounts", "333333333333",
                "organizationId", SynthesizedApp.ORGANIZATION_ID, "stackPrefix", prefix)::get))
                .hasMessageContaining("'stackPrefix'");
        // The longest prefix allowed fits the longest names it starts.
        Map<String, Object> context = new HashMap<>(Map.of("organizationId", SynthesizedApp.ORGANIZATION_ID,
                "memberOf", SynthesizedApp.CENTRAL_ACCOUNT, "stackPrefix", prefix.substring(1)));
        Template longest = Template.fromStack(DriftDeployApp.define(new App(AppProps.builder()
                .context(SynthesizedApp.context(context)).build())).member());
        assertThat(TemplateParts.properties(longest, "AWS::Events::Rule").values().stream()
                .mapToInt(rule -> rule.get("Name").toString().length()).max()).hasValue(64);
        assertThat(DriftDeployFunction.roleName(Settings.from(context::get), Kind.REFRESHES)).hasSizeLessThanOrEqualTo(64);
    }

    private static boolean memberSide(String action) {
        return MEMBER_SIDE.contains(action.substring(0, action.indexOf(':')));
    }

    private static Map<String, Object> patternsByDescription(Template template, String prefix) {
        Map<String, Object> patterns = new HashMap<>();
        TemplateParts.properties(template, "AWS::Events::Rule").values().forEach(rule ->
                patterns.put(rule.get("Description").toString().substring(prefix.length()), rule.get("EventPattern")));
        return patterns;
    }

    private static Set<String> configRules(Template template) {
        return TemplateParts.properties(template, "AWS::Config::ConfigRule").values().stream()
                .map(rule -> json(rule)).collect(Collectors.toSet());
    }

    /** {@code joined}'s ARN with its "CENTRAL" part the central account parameter. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withCentralAccount(Map<String, Object> joined) {
        List<Object> join = (List<Object>) joined.get("Fn::Join");
        List<Object> parts = ((List<Object>) join.get(1)).stream()
                .map(part -> "CENTRAL".equals(part) ? CENTRAL_ACCOUNT : part).toList();
        return Map.of("Fn::Join", List.of("", parts));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
