package io.driftdeploy.policy;

import io.driftdeploy.event.ComplianceChange;
import io.driftdeploy.event.ComplianceType;
import java.time.Instant;
import java.util.Objects;

/**
 * One AWS Config evaluation of one EC2 instance by one rule: what the drift path decides on,
 * whether it came from a compliance-change event or from a sweep of a rule's results.
 *
 * <p>Two resource types name an EC2 instance (see {@link ComplianceChange}); Config is re-read
 * with the evaluated type and id, so both are kept as given.
 *
 * @param eventId            de-duplication key: the EventBridge event id, or a sweep's own id
 * @param orderingTimestamp  when the evaluated configuration was captured; orders evaluations
 */
public record Evaluation(
        String eventId,
        String account,
        String region,
        String ruleName,
        String resourceType,
        String resourceId,
        ComplianceType compliance,
        Instant orderingTimestamp) {

    public Evaluation {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(ruleName, "ruleName");
        Objects.requireNonNull(compliance, "compliance");
        Objects.requireNonNull(orderingTimestamp, "orderingTimestamp");
        if (!ComplianceChange.INSTANCE_RESOURCE_TYPES.contains(resourceType)) {
            throw new IllegalArgumentException("resourceType " + resourceType + " is not an EC2 instance");
        }
        if (resourceId == null || !ComplianceChange.INSTANCE_ID.matcher(resourceId).matches()) {
            throw new IllegalArgumentException("resourceId " + resourceId + " is not an EC2 instance id (i-...)");
        }
    }

    /**
     * Whether a resource type and id as Config evaluated them name an EC2 instance the drift path
     * can decide on (the sweep meets every resource type a drift rule evaluates).
     */
    public static boolean namesAnInstance(String resourceType, String resourceId) {
        return ComplianceChange.INSTANCE_RESOURCE_TYPES.contains(resourceType)
                && resourceId != null && ComplianceChange.INSTANCE_ID.matcher(resourceId).matches();
    }

    /** The EC2 instance evaluated (for both resource types, the resource id). */
    public String instanceId() {
        return resourceId;
    }
}
