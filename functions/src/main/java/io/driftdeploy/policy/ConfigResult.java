package io.driftdeploy.policy;

import io.driftdeploy.event.ComplianceType;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * AWS Config's current result of one rule for one resource, as GetComplianceDetailsByResource
 * returns it: what rule 3 judges an evaluation against, whatever an event claimed.
 *
 * @param compliance        the current compliance; empty when Config names one this code does not know
 * @param orderingTimestamp the OrderingTimestamp of the evaluation Config holds as current
 */
public record ConfigResult(Optional<ComplianceType> compliance, Instant orderingTimestamp) {

    public ConfigResult {
        Objects.requireNonNull(compliance, "compliance");
        Objects.requireNonNull(orderingTimestamp, "orderingTimestamp");
    }

    /** Whether AWS Config itself now holds the resource NON_COMPLIANT for the rule. */
    public boolean nonCompliant() {
        return compliance.filter(type -> type == ComplianceType.NON_COMPLIANT).isPresent();
    }
}
