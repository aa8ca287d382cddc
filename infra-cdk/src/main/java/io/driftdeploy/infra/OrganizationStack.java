package io.driftdeploy.infra;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.services.cloudformation.CfnStackSet;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.CfnEventBusPolicy;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.StarPrincipal;
import software.constructs.Construct;

/**
 * The central account's side of serving an organization (docs/organization.md), only with
 * {@code memberAccounts} or {@code memberOrganizationUnits}: the default bus admits the events the
 * member stacks forward, and, for {@code memberOrganizationUnits}, a service-managed StackSet
 * deploys the member stack to every account under them, now and as accounts join.
 */
public final class OrganizationStack extends Stack {

    /** CloudFormation's limit on a StackSet's TemplateBody ("AWS::CloudFormation::StackSet", TemplateBody). */
    static final int TEMPLATE_BODY_MAX_BYTES = 51_200;

    private final CfnStackSet memberStackSet;

    public OrganizationStack(Construct scope, String id, StackProps props, Settings settings, List<String> driftRuleNames) {
        super(scope, id, props);
        admitMemberEvents(settings, driftRuleNames);
        memberStackSet = settings.memberOrganizationUnits().isEmpty() ? null : memberStackSet(settings);
    }

    /** The StackSet of the member stack; null without {@code memberOrganizationUnits}. */
    public CfnStackSet memberStackSet() {
        return memberStackSet;
    }

    /**
     * One statement on the default bus: PutEvents from principals of the organization only
     * (aws:PrincipalOrgID, the organization example of "Permissions for Amazon EventBridge event
     * buses", EventBridge User Guide), only from the member stacks' forwarding rules (aws:SourceArn,
     * the rule that sends the event, ibid., "Send events only from a specific rule"), and only events
     * of the sources and detail-types those rules forward (events:source and events:detail-type,
     * ibid., "Send events to a custom bus in a different account"; "Using IAM policy conditions in
     * Amazon EventBridge"). Its own statement id, so the bus keeps any other statement it has.
     */
    private void admitMemberEvents(Settings settings, List<String> driftRuleNames) {
        List<EventRoutes.Route> routes = EventRoutes.of(settings, driftRuleNames);
        IEventBus defaultBus = EventBus.fromEventBusName(this, "DefaultBus", "default");
        CfnEventBusPolicy.Builder.create(this, "MemberEvents")
                .eventBusName(defaultBus.getEventBusName())
                .statementId(settings.stackPrefix() + "-member-events")
                .statement(PolicyStatement.Builder.create()
                        .principals(List.of(new StarPrincipal()))
                        .actions(List.of("events:PutEvents"))
                        .resources(List.of(defaultBus.getEventBusArn()))
                        // Sorted: Map.of's order changes from JVM to JVM, and cdk synth must be deterministic.
                        .conditions(new TreeMap<>(Map.of(
                                "StringEquals", new TreeMap<>(Map.of(
                                        "aws:PrincipalOrgID", settings.organizationId(),
                                        "events:source", routes.stream().map(EventRoutes.Route::source).distinct().toList())),
                                "StringLike", Map.of(
                                        "events:detail-type", routes.stream().map(EventRoutes.Route::detailTypeLike).toList()),
                                "ArnLike", Map.of("aws:SourceArn", "arn:" + Aws.PARTITION + ":events:" + Aws.REGION
                                        + ":*:rule/" + settings.stackPrefix() + "-*"))))
                        .build()
                        .toStatementJson())
                .build();
    }

    /**
     * The member stack, synthesized alone (MemberTemplate), to every account under
     * {@code memberOrganizationUnits} in this region, and to each account that joins them later
     * (automatic deployment, service-managed permissions), but never to this account, even when it
     * sits under one of them (DIFFERENCE: "AWS::CloudFormation::StackSet DeploymentTargets"): its
     * forwarding rules would send the central bus its own events.
     */
    private CfnStackSet memberStackSet(Settings settings) {
        String templateBody = MemberTemplate.synthesize(settings, Path.of(Stage.of(this).getOutdir()).resolve("member-template"));
        CfnStackSet stackSet = CfnStackSet.Builder.create(this, "MemberStackSet")
                .stackSetName(settings.stackPrefix() + "-Member")
                .description("drift-deploy member accounts: drift rules, events forwarded to the central account, "
                        + "the member role")
                .permissionModel("SERVICE_MANAGED")
                .callAs(settings.stackSetCallAs().equals("self") ? "SELF" : "DELEGATED_ADMIN")
                .autoDeployment(CfnStackSet.AutoDeploymentProperty.builder()
                        .enabled(true)
                        .retainStacksOnAccountRemoval(false)
                        .build())
                // The member role has a name.
                .capabilities(List.of("CAPABILITY_NAMED_IAM"))
                // A quarter of the accounts at a time, and a member that fails (no Config recorder, say) does not
                // stop the others: SOFT_FAILURE_TOLERANCE keeps the concurrency whatever fails
                // ("StackSetOperationPreferences", CloudFormation API Reference).
                .operationPreferences(CfnStackSet.OperationPreferencesProperty.builder()
                        .concurrencyMode("SOFT_FAILURE_TOLERANCE")
                        .maxConcurrentPercentage(25)
                        .failureTolerancePercentage(10)
                        .build())
                .parameters(List.of(CfnStackSet.ParameterProperty.builder()
                        .parameterKey(MemberStack.CENTRAL_ACCOUNT_PARAMETER)
                        .parameterValue(Aws.ACCOUNT_ID)
                        .build()))
                .stackInstancesGroup(List.of(CfnStackSet.StackInstancesProperty.builder()
                        .deploymentTargets(CfnStackSet.DeploymentTargetsProperty.builder()
                                .organizationalUnitIds(settings.memberOrganizationUnits())
                                .accounts(List.of(Aws.ACCOUNT_ID))
                                .accountFilterType("DIFFERENCE")
                                .build())
                        .regions(List.of(Aws.REGION))
                        .build()))
                .templateBody(templateBody)
                .build();
        CfnOutput.Builder.create(this, "MemberStackSetName").value(settings.stackPrefix() + "-Member")
                .description("The StackSet that deploys the member stack to memberOrganizationUnits").build();
        return stackSet;
    }
}
