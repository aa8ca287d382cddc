package io.driftdeploy.infra;

import io.driftdeploy.infra.DriftDeployFunction.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.BootstraplessSynthesizer;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.EventBusProps;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * What a member account holds so that the central account's functions serve it too
 * (docs/organization.md): the drift rules, evaluated by the member's own AWS Config; one rule per
 * event kind the functions consume, forwarding exactly those events to the central account's
 * default bus; and the member role, which only the central functions' roles may assume and which
 * allows exactly what they do to a fleet (FleetAccess), in this account.
 *
 * <p>The same template either way it is deployed: by the central account's StackSet to every
 * account of {@code memberOrganizationUnits} (OrganizationStack), or alone with the member's
 * credentials ({@code -c memberOf=<central account>}). It uses no asset and no bootstrap resource
 * (a StackSet instance cannot), and takes the central account as a parameter, which the StackSet
 * sets and {@code memberOf} defaults.
 */
public final class MemberStack extends Stack {

    static final String CENTRAL_ACCOUNT_PARAMETER = "CentralAccountId";

    private final Role memberRole;
    private final List<Rule> forwardingRules = new ArrayList<>();

    public MemberStack(Construct scope, String id, Settings settings) {
        super(scope, id, StackProps.builder()
                .description("drift-deploy member account: drift rules, events forwarded to the central account, "
                        + "and the role its functions act through")
                // No bootstrap version rule, no asset bucket: a StackSet instance has neither.
                .synthesizer(new BootstraplessSynthesizer())
                .build());

        CfnParameter.Builder centralAccountParameter = CfnParameter.Builder.create(this, CENTRAL_ACCOUNT_PARAMETER)
                .type("String")
                .allowedPattern("\\d{12}")
                .description("The account drift-deploy's functions run in");
        if (settings.synthesizesMemberOnly()) {
            centralAccountParameter.defaultValue(settings.memberOf());
        }
        String centralAccount = centralAccountParameter.build().getValueAsString();

        DriftRules driftRules = new DriftRules(this, settings);
        forwardEvents(settings, DriftRules.countedAsDrift(settings, driftRules.names()), centralAccount);

        memberRole = Role.Builder.create(this, "MemberRole")
                .roleName(settings.memberRoleName())
                .description("drift-deploy: what the central account's functions do to this account's fleet")
                .assumedBy(new AccountPrincipal(centralAccount).withConditions(trustedFunctionRoles(settings, centralAccount)))
                .build();
        new FunctionPermissions(settings, centralAccount, List.of()).fleet(memberRole,
                FleetAccess.inMember(Arrays.stream(Kind.values()).map(FleetAccess::of).toList()));
        FunctionPermissions.suppressJustified(memberRole, FunctionPermissions.justifiedWildcards(settings));

        CfnOutput.Builder.create(this, "MemberRoleArn").value(memberRole.getRoleArn())
                .description("The role drift-deploy's functions assume in this account").build();
    }

    public Role memberRole() {
        return memberRole;
    }

    public List<Rule> forwardingRules() {
        return List.copyOf(forwardingRules);
    }

    /**
     * One rule per route (EventRoutes: the central rules' own patterns) on this account's default
     * bus, targeting the central account's default bus. A rule whose target is an event bus in
     * another account needs a role allowed to put events there when the receiving bus admits an
     * organization ("Sending and receiving events between AWS accounts in Amazon EventBridge",
     * EventBridge User Guide; AWS::Events::EventBusPolicy, CloudFormation Template Reference). The
     * rules are named {@code <stackPrefix>-<route>}: the central bus policy admits events only from
     * rules so named (aws:SourceArn).
     */
    private void forwardEvents(Settings settings, List<String> driftRuleNames, String centralAccount) {
        IEventBus centralBus = EventBus.fromEventBusArn(this, "CentralBus",
                "arn:" + Aws.PARTITION + ":events:" + Aws.REGION + ":" + centralAccount + ":event-bus/default");
        Role forwarder = Role.Builder.create(this, "ForwardToCentralRole")
                .assumedBy(new ServicePrincipal("events.amazonaws.com"))
                .description("drift-deploy: EventBridge forwards this account's events to the central account's bus")
                .build();
        for (EventRoutes.Route route : EventRoutes.of(settings, driftRuleNames)) {
            Rule rule = Rule.Builder.create(this, "Forward" + route.id())
                    .ruleName(forwardingRuleName(settings, route))
                    .description("To the central account: " + route.description())
                    .eventPattern(route.pattern())
                    .build();
            rule.addTarget(new software.amazon.awscdk.services.events.targets.EventBus(centralBus,
                    EventBusProps.builder().role(forwarder).build()));
            forwardingRules.add(rule);
        }
    }

    /** The forwarding rule of {@code route}: {@code <stackPrefix>-<route id>}. */
    static String forwardingRuleName(Settings settings, EventRoutes.Route route) {
        return settings.stackPrefix() + "-" + route.id();
    }

    /**
     * Only the central functions' roles, by ARN, and only while their account is in the
     * organization. The principal is the central account and the roles a condition on
     * aws:PrincipalArn, not the roles themselves: IAM turns a role named as principal into its
     * unique id when the policy is saved, so it refuses a role that does not exist yet (the central
     * stack may deploy after the members) and a role deleted and created again would be trusted no
     * more ("IAM JSON policy elements: Principal", IAM User Guide).
     */
    private static Map<String, Object> trustedFunctionRoles(Settings settings, String centralAccount) {
        List<String> functionRoles = Arrays.stream(Kind.values())
                .map(kind -> "arn:" + Aws.PARTITION + ":iam::" + centralAccount + ":role/"
                        + DriftDeployFunction.roleName(settings, kind))
                .toList();
        // Sorted: Map.of's order changes from JVM to JVM, and cdk synth must be deterministic.
        return new TreeMap<>(Map.of(
                "ArnEquals", Map.of("aws:PrincipalArn", functionRoles),
                "StringEquals", Map.of("aws:PrincipalOrgID", settings.organizationId())));
    }
}
