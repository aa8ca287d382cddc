package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import io.driftdeploy.aws.SnapStartPrime;
import io.driftdeploy.infra.AwsCallGraph.Need;
import io.driftdeploy.infra.DriftDeployFunction.Kind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;

/**
 * Each function's role grants what its code can call on a real account, and nothing mutating
 * beyond it. What the code can call is computed from the functions' bytecode: the call graph from
 * the handler Lambda runs (its no-argument constructor and handleRequest) to the AWS SDK calls it
 * reaches and the {@link io.driftdeploy.aws.RequiresIam} actions they declare (which name the
 * actions AWS checks implicitly, such as ec2:RunInstances for a refresh to a launch template). The
 * roles are read from the synthesized template with every optional part on (instance roles to
 * pass, the example fleet), the configuration that grants the most.
 */
class IamCoverageTest {

    private static final AwsCallGraph GRAPH = AwsCallGraph.ofFunctions();
    private static final SynthesizedApp APP = SynthesizedApp.everything();
    private static final Pattern ACTION = Pattern.compile("[a-z0-9-]+:[A-Z][A-Za-z0-9]+");
    /**
     * SnapStart's prime calls the SDK on clients whose every call is answered in memory
     * (AwsClients.answeredBy), so its calls need no IAM action; no handler's path reaches it
     * (only the runtime calls beforeCheckpoint), so it adds nothing a role must grant either.
     */
    private static final Set<String> ANSWERED_IN_MEMORY = Set.of(SnapStartPrime.class.getName());

    @Test
    void everyAdapterMethodThatCallsAwsDeclaresTheActionsItsCallsNeed() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (JavaClass adapter : GRAPH.adapters()) {
            if (ANSWERED_IN_MEMORY.contains(adapter.getName())) {
                continue;
            }
            for (JavaCodeUnit method : AwsCallGraph.publicCodeUnits(adapter).toList()) {
                Map<String, Need> sdkNeeds = GRAPH.sdkNeedsWithinClass(method);
                Optional<List<String>> declared = AwsCallGraph.declared(method);
                if (sdkNeeds.isEmpty()) {
                    continue;
                }
                checked++;
                if (declared.isEmpty()) {
                    problems.add(method.getFullName() + " calls AWS (" + String.join(", ", sdkNeeds.keySet())
                            + ") but has no @RequiresIam");
                    continue;
                }
                for (Need need : sdkNeeds.values()) {
                    if (!declared.get().contains(need.action())) {
                        problems.add(method.getFullName() + ": @RequiresIam lacks " + need.action() + " of "
                                + need.pathText());
                    }
                }
                declared.get().stream().filter(action -> !ACTION.matcher(action).matches())
                        .forEach(action -> problems.add(method.getFullName() + ": '" + action
                                + "' is not an IAM action name (service:Action)"));
            }
        }
        assertThat(problems).as("adapter methods and their @RequiresIam").isEmpty();
        // The walk finds the SDK calls at all (a broken import would find none and pass).
        assertThat(checked).as("adapter methods that call AWS").isGreaterThan(20);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void roleGrantsWhatItsHandlerCanCallAndNothingMutatingBeyond(Kind kind) {
        Map<String, Need> needs = GRAPH.needsOfHandler(handlerClass(kind));
        assertThat(needs).as("actions %s can need", kind).isNotEmpty();
        assertThat(IamCoverage.problems(kind.id(), needs, grantedActions(templateJson(), roleLogicalId(kind))))
                .as("%s role against its code (runtime-only actions allowed: %s)", kind, IamCoverage.RUNTIME_ACTIONS)
                .isEmpty();
    }

    /**
     * The runtime's actions are allowed without a call that needs them, but each only on the roles
     * whose runtime uses it: the SQS event source mapping's polling on the sweep function's alone.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void onlyTheSweepRoleHoldsWhatItsQueuesEventSourceMappingNeeds(Kind kind) {
        List<String> polling = List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility");
        Set<String> granted = grantedActions(templateJson(), roleLogicalId(kind));
        if (kind == Kind.SWEEP) {
            assertThat(granted).containsAll(polling);
        } else {
            assertThat(granted).as("%s role", kind)
                    .noneMatch(pattern -> polling.stream().anyMatch(action -> IamCoverage.matches(pattern, action)));
        }
    }

    /**
     * The default deployment names no instance roles, so its rollout roles cannot pass one
     * (iam:PassRole is granted only on instanceRoleArns): what it grants is checked one way, for
     * nothing mutating that the code does not need.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void defaultRoleGrantsNothingMutatingBeyondWhatItsHandlerCanCall(Kind kind) {
        SynthesizedApp defaults = SynthesizedApp.defaults();
        Stack stack = defaults.stacks.functions();
        Map<String, Object> template = json(defaults.template(stack).toJSON());
        assertThat(IamCoverage.unneeded(kind.id(), GRAPH.needsOfHandler(handlerClass(kind)),
                grantedActions(template, roleLogicalId(stack, kind)))).as("%s role of the default deployment", kind)
                .isEmpty();
    }

    /**
     * The walk goes where the code goes: through RolloutFunction's abstract decide to the images and
     * refreshes handlers' own, through lambdas (Rollouts.once runs decide in a Supplier), interfaces
     * (the RolloutFleet port to its Auto Scaling implementation) and constructors, and not into the
     * other functions' paths.
     */
    @Test
    void theCallGraphFollowsTheCodeOfEachHandlerOnly() {
        Map<String, Need> images = GRAPH.needsOfHandler(handlerClass(Kind.IMAGES));
        assertThat(images.get("autoscaling:StartInstanceRefresh").pathText())
                .contains("ImagesHandler.rollOut", "Rollouts.", "AutoScalingRolloutFleet.startRefresh");
        assertThat(images).containsKeys("imagebuilder:GetImage", "ec2:CreateLaunchTemplateVersion", "sns:Publish",
                "kms:GenerateDataKey", "dynamodb:PutItem");
        assertThat(images).doesNotContainKey("autoscaling:TerminateInstanceInAutoScalingGroup");

        Map<String, Need> refreshes = GRAPH.needsOfHandler(handlerClass(Kind.REFRESHES));
        assertThat(refreshes.get("autoscaling:StartInstanceRefresh").pathText()).contains("RefreshesHandler.rollOut");
        assertThat(refreshes.get("autoscaling:StartInstanceRefresh").pathText()).doesNotContain("ImagesHandler");

        // Through the lambdas of the drift rules' Optional.or chain to the reservations, in both modes.
        assertThat(GRAPH.reachableFromHandler(handlerClass(Kind.DRIFT)))
                .contains("DriftRemediation$ClaimedEvaluation.reserve", "DriftLedger.reserve", "DriftLedger.wouldRefuse",
                        "Ledger.reserveAll", "Ledger.writeAll", "Ledger.heldUnits");

        Map<String, Need> drift = GRAPH.needsOfHandler(handlerClass(Kind.DRIFT));
        // From the entry every function inherits, through the drift function's own hand-over.
        assertThat(drift.get("autoscaling:TerminateInstanceInAutoScalingGroup").pathText())
                .startsWith("EventFunction.handleRequest").contains("DriftHandler.decide", "Fleet.terminate");
        assertThat(drift).doesNotContainKeys("autoscaling:StartInstanceRefresh", "cloudwatch:DescribeAlarms");

        Map<String, Need> alarms = GRAPH.needsOfHandler(handlerClass(Kind.ALARMS));
        assertThat(alarms.get("autoscaling:TerminateInstanceInAutoScalingGroup").pathText()).contains("DriftSweep")
                .doesNotContain("DriftHandler");
        assertThat(alarms).containsKeys("cloudwatch:DescribeAlarms", "config:GetComplianceDetailsByConfigRule");
    }

    /**
     * SnapStartPrime is exempt above because no handler's path reaches its calls: only Lambda's runtime calls the hook.
     * The sweep function registers no hook yet (its sample would be an SQS batch; docs/sweep.md, "What the sweep
     * does not do yet"), so it has none to reach.
     */
    @ParameterizedTest
    @EnumSource(value = Kind.class, mode = EnumSource.Mode.EXCLUDE, names = "SWEEP")
    void noHandlersPathReachesTheCallsOfTheSnapStartPrime(Kind kind) {
        assertThat(GRAPH.reachableFromHandler(handlerClass(kind)))
                .as("the walk reaches the hook (its Lambda constructor registers it), not its calls")
                .contains("SnapStartPrime.<init>", "SnapStartPrime.register")
                .doesNotContain("SnapStartPrime.beforeCheckpoint");
    }

    /** A coverage test that cannot fail is a defect: take each needed action out of a copy of the synthesized role. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void failsWhenTheRoleLosesAnyActionItsCodeNeeds(Kind kind) {
        Map<String, Need> needs = GRAPH.needsOfHandler(handlerClass(kind));
        String role = roleLogicalId(kind);
        for (Need need : needs.values()) {
            Map<String, Object> mutated = withoutAction(templateJson(), role, need.action());
            List<String> problems = IamCoverage.problems(kind.id(), needs, grantedActions(mutated, role));
            assertThat(problems).as("%s without %s", kind, need.action())
                    .contains(kind.id() + ": role lacks " + need.action() + ", needed via " + need.pathText());
        }
    }

    @Test
    void failsWhenTheRoleGrantsAMutatingActionNoCallNeeds() {
        Map<String, Need> needs = GRAPH.needsOfHandler(handlerClass(Kind.DRIFT));
        List<String> granted = new ArrayList<>(grantedActions(templateJson(), roleLogicalId(Kind.DRIFT)));
        assertThat(IamCoverage.problems("Drift", needs, granted)).isEmpty();

        granted.add("ec2:TerminateInstances");
        granted.add("autoscaling:StartInstanceRefresh");
        granted.add("ec2:DescribeVolumes");
        granted.add("autoscaling:Describe*");
        assertThat(IamCoverage.problems("Drift", needs, granted)).containsExactly(
                "Drift: role grants ec2:TerminateInstances, which changes something, but no call its handler can reach needs it",
                "Drift: role grants autoscaling:StartInstanceRefresh, which changes something, but no call its handler can reach needs it");
    }

    @Test
    void actionsMatchAsIamMatchesThem() {
        assertThat(IamCoverage.matches("ec2:Describe*", "ec2:DescribeInstances")).isTrue();
        assertThat(IamCoverage.matches("EC2:describeinstances", "ec2:DescribeInstances")).isTrue();
        assertThat(IamCoverage.matches("ec2:Describe?nstances", "ec2:DescribeInstances")).isTrue();
        assertThat(IamCoverage.matches("ec2:Describe", "ec2:DescribeInstances")).isFalse();
        assertThat(IamCoverage.matches("ec2:*", "autoscaling:DescribeAutoScalingGroups")).isFalse();
    }

    private static String handlerClass(Kind kind) {
        return kind.handler().substring(0, kind.handler().indexOf("::"));
    }

    private static String roleLogicalId(Kind kind) {
        return roleLogicalId(APP.stacks.functions(), kind);
    }

    private static String roleLogicalId(Stack stack, Kind kind) {
        CfnElement role = (CfnElement) ((FunctionsStack) stack).function(kind).role().getNode().getDefaultChild();
        return stack.resolve(stack.getLogicalId(role)).toString();
    }

    private static Map<String, Object> templateJson() {
        return json(APP.template(APP.stacks.functions()).toJSON());
    }

    /** A fresh deep copy each time, so a test that mutates it changes nothing shared. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Object template) {
        return new ObjectMapper().convertValue(template, Map.class);
    }

    /**
     * The actions of every Allow statement of the role's identity policies: AWS::IAM::Policy
     * resources attached to it and its inline Policies.
     */
    @SuppressWarnings("unchecked")
    static Set<String> grantedActions(Map<String, Object> template, String roleLogicalId) {
        Set<String> actions = new LinkedHashSet<>();
        Map<String, Object> resources = (Map<String, Object>) template.get("Resources");
        for (Map.Entry<String, Object> entry : resources.entrySet()) {
            Map<String, Object> resource = (Map<String, Object>) entry.getValue();
            Map<String, Object> properties = (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
            if ("AWS::IAM::Policy".equals(resource.get("Type"))
                    && list(properties.get("Roles")).contains(Map.of("Ref", roleLogicalId))) {
                actions.addAll(allowed((Map<String, Object>) properties.get("PolicyDocument")));
            }
            if ("AWS::IAM::Role".equals(resource.get("Type")) && entry.getKey().equals(roleLogicalId)) {
                for (Object policy : list(properties.get("Policies"))) {
                    actions.addAll(allowed((Map<String, Object>) ((Map<String, Object>) policy).get("PolicyDocument")));
                }
            }
        }
        return actions;
    }

    @SuppressWarnings("unchecked")
    private static List<String> allowed(Map<String, Object> document) {
        List<String> actions = new ArrayList<>();
        for (Object statement : list(document.get("Statement"))) {
            Map<String, Object> fields = (Map<String, Object>) statement;
            if ("Allow".equals(fields.get("Effect"))) {
                list(fields.get("Action")).forEach(action -> actions.add(action.toString()));
            }
        }
        return actions;
    }

    /** The template with every Allow of exactly this action (or a wildcard covering it) removed from the role's policies. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutAction(Map<String, Object> template, String roleLogicalId, String action) {
        Map<String, Object> resources = (Map<String, Object>) template.get("Resources");
        for (Object value : resources.values()) {
            Map<String, Object> resource = (Map<String, Object>) value;
            Map<String, Object> properties = (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
            if ("AWS::IAM::Policy".equals(resource.get("Type"))
                    && list(properties.get("Roles")).contains(Map.of("Ref", roleLogicalId))) {
                Map<String, Object> document = (Map<String, Object>) properties.get("PolicyDocument");
                for (Object statement : list(document.get("Statement"))) {
                    Map<String, Object> fields = (Map<String, Object>) statement;
                    List<Object> kept = new ArrayList<>(list(fields.get("Action")));
                    kept.removeIf(granted -> IamCoverage.matches(granted.toString(), action));
                    fields.put("Action", kept);
                }
            }
        }
        return template;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> values ? (List<Object>) values : List.of(value);
    }
}
