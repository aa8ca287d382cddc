package io.driftdeploy.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.config.ManagedRule;
import software.amazon.awscdk.services.config.ResourceType;
import software.amazon.awscdk.services.config.RuleScope;
import software.constructs.Construct;

/**
 * The AWS Config rules that define drift, in whichever account they evaluate: the deploying
 * account's (DriftDetectionStack) and each member account's (MemberStack), under the same names,
 * so the drift rule's pattern and the functions' DRIFT_DEPLOY_DRIFT_RULES hold for both.
 */
final class DriftRules {

    private final List<ManagedRule> rules;
    /** As written, not ManagedRule.getConfigRuleName(): a reference, which another stack could only import. */
    private final List<String> names = new ArrayList<>();
    private final String inventoryRuleName;

    /** The rules, created in {@code scope} itself (their ids, and so their logical ids, are the stack's own). */
    DriftRules(Construct scope, Settings settings) {
        inventoryRuleName = settings.driftRuleName("ec2-managedinstance-inventory-blacklisted");
        rules = List.of(
                // The seed's rule: instances whose SSM inventory collects blacklisted types.
                ManagedRule.Builder.create(scope, "InventoryBlacklisted")
                        .configRuleName(named(inventoryRuleName))
                        .identifier("EC2_MANAGEDINSTANCE_INVENTORY_BLACKLISTED")
                        .inputParameters(Map.of("inventoryNames", settings.blacklistedInventoryNames()))
                        .description("Drift: instance collects blacklisted Systems Manager inventory types")
                        .build(),
                ManagedRule.Builder.create(scope, "ApprovedAmisByTag")
                        .configRuleName(named(settings.driftRuleName("approved-amis-by-tag")))
                        .identifier("APPROVED_AMIS_BY_TAG")
                        .inputParameters(Map.of("amisByTagKeyAndValue",
                                settings.goldenImageTag().key() + ":" + settings.goldenImageTag().value()))
                        .ruleScope(RuleScope.fromResources(List.of(ResourceType.EC2_INSTANCE)))
                        .description("Drift: instance runs an AMI without the golden-image tag")
                        .build(),
                ManagedRule.Builder.create(scope, "ManagedBySsm")
                        .configRuleName(named(settings.driftRuleName("ec2-instance-managed-by-ssm")))
                        .identifier("EC2_INSTANCE_MANAGED_BY_SSM")
                        .ruleScope(RuleScope.fromResources(List.of(ResourceType.EC2_INSTANCE)))
                        .description("Drift: instance is not managed by Systems Manager")
                        .build(),
                ManagedRule.Builder.create(scope, "Imdsv2Required")
                        .configRuleName(named(settings.driftRuleName("ec2-imdsv2-check")))
                        .identifier("EC2_IMDSV2_CHECK")
                        .ruleScope(RuleScope.fromResources(List.of(ResourceType.EC2_INSTANCE)))
                        .description("Drift: instance allows IMDSv1")
                        .build());
    }

    List<ManagedRule> rules() {
        return rules;
    }

    /** The names of the rules created here. */
    List<String> names() {
        return List.copyOf(names);
    }

    private String named(String ruleName) {
        names.add(ruleName);
        return ruleName;
    }

    /**
     * The rules whose drift comes with the image (DRIFT_DEPLOY_TEMPLATE_INHERITED_RULES): the
     * inventory rule, since the applications SSM inventories are what the image installed, so a
     * replacement from the same image brings them back.
     */
    List<String> templateInheritedNames() {
        return List.of(inventoryRuleName);
    }

    /** The rules that count as drift: {@code ownRules}, plus any existing rules the operator counts as drift. */
    static List<String> countedAsDrift(Settings settings, List<String> ownRules) {
        List<String> names = new ArrayList<>(ownRules);
        names.addAll(settings.driftRuleNames());
        return List.copyOf(names);
    }
}
