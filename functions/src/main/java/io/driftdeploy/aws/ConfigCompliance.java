package io.driftdeploy.aws;

import io.driftdeploy.json.Json;
import java.io.IOException;
import io.driftdeploy.event.ComplianceType;
import io.driftdeploy.policy.ConfigResult;
import io.driftdeploy.policy.ReplacementPolicy.ConfigRuleFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ConfigRule;
import software.amazon.awssdk.services.config.model.EvaluationResult;
import software.amazon.awssdk.services.config.model.EvaluationResultIdentifier;
import software.amazon.awssdk.services.config.model.EvaluationResultQualifier;
import software.amazon.awssdk.services.config.model.GetComplianceDetailsByConfigRuleResponse;
import software.amazon.awssdk.services.config.model.NoSuchConfigRuleException;

/**
 * AWS Config's current evaluations: the drift path re-reads one right before it acts, and the
 * alarms function's sweep lists every non-compliant resource of the drift rules.
 */
public final class ConfigCompliance implements Compliance {


    /** GetComplianceDetailsByConfigRule's largest page. */
    private static final int PAGE_SIZE = 100;

    private final ConfigClient config;
    /** What DescribeConfigRules said of each rule name; a rule's source does not change under a running function. */
    private final Map<String, Optional<ConfigRuleFacts>> rules = new ConcurrentHashMap<>();

    public ConfigCompliance(ConfigClient config) {
        this.config = config;
    }

    /**
     * config:DescribeConfigRules for one rule: the managed rule it runs (Source.SourceIdentifier)
     * and its input parameters; empty when AWS Config knows no such rule. Read once per rule for
     * the life of this object (the function instance), since it costs a call per decision otherwise.
     */
    @RequiresIam("config:DescribeConfigRules")
    @Override
    public Optional<ConfigRuleFacts> rule(String ruleName) {
        return rules.computeIfAbsent(ruleName, name -> {
            try {
                return config.describeConfigRules(request -> request.configRuleNames(name)).configRules().stream()
                        .filter(rule -> rule.source() != null && rule.source().sourceIdentifier() != null)
                        .findFirst()
                        .map(rule -> new ConfigRuleFacts(rule.source().sourceIdentifier(), textParameters(rule.inputParameters())));
            } catch (NoSuchConfigRuleException missing) {
                return Optional.empty();
            }
        });
    }

    /**
     * Every NON_COMPLIANT result of the rule (GetComplianceDetailsByConfigRule, all pages); empty
     * when the rule does not exist in this account and region.
     */
    @RequiresIam("config:GetComplianceDetailsByConfigRule")
    @Override
    public Optional<List<NonCompliantResource>> nonCompliant(String ruleName) {
        List<NonCompliantResource> all = new ArrayList<>();
        Optional<String> nextToken = Optional.empty();
        do {
            Optional<NonCompliantPage> page = nonCompliantPage(ruleName, nextToken);
            if (page.isEmpty()) {
                return Optional.empty();
            }
            all.addAll(page.get().results());
            nextToken = page.get().nextToken();
        } while (nextToken.isPresent());
        return Optional.of(List.copyOf(all));
    }

    /**
     * One page of at most {@link #PAGE_SIZE} NON_COMPLIANT results (GetComplianceDetailsByConfigRule
     * with Limit and NextToken: "You cannot specify a number greater than 100",
     * https://docs.aws.amazon.com/config/latest/APIReference/API_GetComplianceDetailsByConfigRule.html);
     * empty when the rule does not exist in this account and region.
     */
    @RequiresIam("config:GetComplianceDetailsByConfigRule")
    @Override
    public Optional<NonCompliantPage> nonCompliantPage(String ruleName, Optional<String> nextToken) {
        GetComplianceDetailsByConfigRuleResponse response;
        try {
            response = config.getComplianceDetailsByConfigRule(request -> request
                    .configRuleName(ruleName)
                    .complianceTypesWithStrings(ComplianceType.NON_COMPLIANT.name())
                    .limit(PAGE_SIZE)
                    .nextToken(nextToken.orElse(null)));
        } catch (NoSuchConfigRuleException missing) {
            return Optional.empty();
        }
        List<NonCompliantResource> results = response.evaluationResults().stream()
                .map(result -> {
                    EvaluationResultIdentifier identifier = result.evaluationResultIdentifier();
                    EvaluationResultQualifier qualifier = identifier.evaluationResultQualifier();
                    return new NonCompliantResource(qualifier.configRuleName(), qualifier.resourceType(),
                            qualifier.resourceId(), identifier.orderingTimestamp());
                })
                .toList();
        return Optional.of(new NonCompliantPage(results,
                Optional.ofNullable(response.nextToken()).filter(token -> !token.isEmpty())));
    }

    /** The names of the Config rules that start with the prefix (DescribeConfigRules, all pages). */
    @RequiresIam("config:DescribeConfigRules")
    @Override
    public List<String> ruleNamesStartingWith(String prefix) {
        return config.describeConfigRulesPaginator(request -> { })
                .configRules().stream()
                .map(ConfigRule::configRuleName)
                .filter(name -> name.startsWith(prefix))
                .toList();
    }

    /**
     * GetComplianceDetailsByResource for the evaluated resource (type and id exactly as Config
     * evaluated them), narrowed to one rule: the current result's compliance and OrderingTimestamp.
     * Empty when Config holds no result for that rule (or one without an OrderingTimestamp); a
     * compliance this SDK cannot name is kept as unknown, which never counts as NON_COMPLIANT.
     */
    @RequiresIam("config:GetComplianceDetailsByResource")
    @Override
    public Optional<ConfigResult> current(String ruleName, String resourceType, String resourceId) {
        return config.getComplianceDetailsByResourcePaginator(request -> request
                        .resourceType(resourceType)
                        .resourceId(resourceId))
                .evaluationResults().stream()
                .filter(result -> ruleName.equals(ruleOf(result)))
                .filter(result -> result.evaluationResultIdentifier().orderingTimestamp() != null)
                .findFirst()
                .map(result -> new ConfigResult(known(result.complianceTypeAsString()),
                        result.evaluationResultIdentifier().orderingTimestamp()));
    }

    /** InputParameters is a JSON object written by whoever made the rule; what is not text in it is left out. */
    private static Map<String, String> textParameters(String inputParameters) {
        if (inputParameters == null || inputParameters.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> parameters = new HashMap<>();
            Json.readTree(inputParameters).fields().forEachRemaining(parameter -> {
                if (parameter.getValue().isTextual()) {
                    parameters.put(parameter.getKey(), parameter.getValue().asText());
                }
            });
            return parameters;
        } catch (IOException notJson) {
            return Map.of();
        }
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
