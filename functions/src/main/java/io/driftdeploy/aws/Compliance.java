package io.driftdeploy.aws;

import io.driftdeploy.event.ComplianceType;
import java.util.Optional;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.EvaluationResult;

/** AWS Config's current evaluations: the drift path re-reads one right before it acts. */
public final class Compliance {

    private final ConfigClient config;

    public Compliance(ConfigClient config) {
        this.config = config;
    }

    /**
     * GetComplianceDetailsByResource for the evaluated resource (type and id exactly as Config
     * evaluated them), narrowed to one rule. Empty when Config holds no result for that rule, or
     * one this SDK cannot name.
     */
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
