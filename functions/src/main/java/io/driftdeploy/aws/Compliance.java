package io.driftdeploy.aws;

import io.driftdeploy.event.ComplianceType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ConfigRule;
import software.amazon.awssdk.services.config.model.EvaluationResult;
import software.amazon.awssdk.services.config.model.EvaluationResultIdentifier;
import software.amazon.awssdk.services.config.model.EvaluationResultQualifier;
import software.amazon.awssdk.services.config.model.NoSuchConfigRuleException;

/**
 * AWS Config's current evaluations: the drift path re-reads one right before it acts, and the
 * alarms function's sweep lists every non-compliant resource of the drift rules.
 */
public final class Compliance {

    /** GetComplianceDetailsByConfigRule's largest page. */
    private static final int PAGE_SIZE = 100;

    /** One NON_COMPLIANT result of a rule, with the type and id exactly as Config evaluated them. */
    public record NonCompliantResource(String ruleName, String resourceType, String resourceId, Instant orderingTimestamp) {
    }

    private final ConfigClient config;

    public Compliance(ConfigClient config) {
        this.config = config;
    }

    /**
     * Every NON_COMPLIANT result of the rule (GetComplianceDetailsByConfigRule, all pages); empty
     * when the rule does not exist in this account and region.
     */
    @RequiresIam("config:GetComplianceDetailsByConfigRule")
    public Optional<List<NonCompliantResource>> nonCompliant(String ruleName) {
        try {
            return Optional.of(config.getComplianceDetailsByConfigRulePaginator(request -> request
                            .configRuleName(ruleName)
                            .complianceTypesWithStrings(ComplianceType.NON_COMPLIANT.name())
                            .limit(PAGE_SIZE))
                    .evaluationResults().stream()
                    .map(result -> {
                        EvaluationResultIdentifier identifier = result.evaluationResultIdentifier();
                        EvaluationResultQualifier qualifier = identifier.evaluationResultQualifier();
                        return new NonCompliantResource(qualifier.configRuleName(), qualifier.resourceType(),
                                qualifier.resourceId(), identifier.orderingTimestamp());
                    })
                    .toList());
        } catch (NoSuchConfigRuleException missing) {
            return Optional.empty();
        }
    }

    /** The names of the Config rules that start with the prefix (DescribeConfigRules, all pages). */
    @RequiresIam("config:DescribeConfigRules")
    public List<String> ruleNamesStartingWith(String prefix) {
        return config.describeConfigRulesPaginator(request -> { })
                .configRules().stream()
                .map(ConfigRule::configRuleName)
                .filter(name -> name.startsWith(prefix))
                .toList();
    }

    /**
     * GetComplianceDetailsByResource for the evaluated resource (type and id exactly as Config
     * evaluated them), narrowed to one rule. Empty when Config holds no result for that rule, or
     * one this SDK cannot name.
     */
    @RequiresIam("config:GetComplianceDetailsByResource")
    public Optional<ComplianceType> current(String ruleName, String resourceType, String resourceId) {
        return config.getComplianceDetailsByResourcePaginator(request -> request
                        .resourceType(resourceType)
                        .resourceId(resourceId))
                .evaluationResults().stream()
                .filter(result -> ruleName.equals(ruleOf(result)))
                .findFirst()
                .flatMap(result -> known(result.complianceTypeAsString()));
    }

    private static String ruleOf(EvaluationResult result) {
        return result.evaluationResultIdentifier().evaluationResultQualifier().configRuleName();
    }

    private static Optional<ComplianceType> known(String value) {
        for (ComplianceType type : ComplianceType.values()) {
            if (type.name().equals(value)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
