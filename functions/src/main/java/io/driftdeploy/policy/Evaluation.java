package io.driftdeploy.policy;

import io.driftdeploy.event.ComplianceType;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One AWS Config evaluation of one EC2 instance by one rule: what the drift path decides on,
 * whether it came from a compliance-change event or from a sweep of a rule's results.
 *
 * <p>Two resource types name an EC2 instance: {@code AWS::EC2::Instance}, and
 * {@code AWS::SSM::ManagedInstanceInventory} with an {@code i-} id, which is what the managed rule
 * EC2_MANAGEDINSTANCE_INVENTORY_BLACKLISTED evaluates. Config is re-read with the evaluated type
 * and id, so both are kept as given.
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

    public static final String EC2_INSTANCE = "AWS::EC2::Instance";
    public static final String SSM_MANAGED_INSTANCE_INVENTORY = "AWS::SSM::ManagedInstanceInventory";
    public static final Set<String> INSTANCE_RESOURCE_TYPES = Set.of(EC2_INSTANCE, SSM_MANAGED_INSTANCE_INVENTORY);

    /** EC2 instance ids: {@code i-} and 8 or 17 hex digits (an SSM {@code mi-} id is no EC2 instance). */
    public static final Pattern INSTANCE_ID = Pattern.compile("i-(?:[0-9a-f]{8}|[0-9a-f]{17})");

    public Evaluation {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(ruleName, "ruleName");
        Objects.requireNonNull(compliance, "compliance");
        Objects.requireNonNull(orderingTimestamp, "orderingTimestamp");
        if (!INSTANCE_RESOURCE_TYPES.contains(resourceType)) {
            throw new IllegalArgumentException("resourceType " + resourceType + " is not an EC2 instance");
        }
        if (resourceId == null || !INSTANCE_ID.matcher(resourceId).matches()) {
            throw new IllegalArgumentException("resourceId " + resourceId + " is not an EC2 instance id (i-...)");
        }
    }

    /** The EC2 instance evaluated (for both resource types, the resource id). */
    public String instanceId() {
        return resourceId;
    }
}
