package io.driftdeploy.event;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An AWS Config rule's evaluation of one EC2 instance changed ({@code Config Rules Compliance
 * Change}). Only EC2 instances are accepted: the drift path replaces instances and nothing else.
 * Config names an EC2 instance under two resource types: {@code AWS::EC2::Instance}, and
 * {@code AWS::SSM::ManagedInstanceInventory} with an {@code i-} id, which is what the managed rule
 * EC2_MANAGEDINSTANCE_INVENTORY_BLACKLISTED evaluates (an {@code mi-} id is an on-premises server).
 *
 * @param eventId EventBridge event id
 * @param account account of the event
 * @param region region of the event
 * @param configRuleName the rule that evaluated the instance
 * @param resourceType the type Config evaluated: one of {@link #INSTANCE_RESOURCE_TYPES}
 * @param resourceId the instance id
 * @param complianceType the new evaluation
 * @param orderingTimestamp when the evaluated configuration was captured; orders evaluations of
 *     one rule and instance (a later COMPLIANT cancels an earlier NON_COMPLIANT)
 * @param previousCompliance the evaluation before this one; empty on the first evaluation
 * @param annotation the rule's explanation, when it gave one
 * @param eventTime when the event was emitted
 */
public record ComplianceChange(
        String eventId,
        String account,
        String region,
        String configRuleName,
        String resourceType,
        String resourceId,
        ComplianceType complianceType,
        Instant orderingTimestamp,
        Optional<ComplianceType> previousCompliance,
        Optional<String> annotation,
        Instant eventTime) {

    public static final String SOURCE = "aws.config";
    public static final String DETAIL_TYPE = "Config Rules Compliance Change";
    public static final String EC2_INSTANCE = "AWS::EC2::Instance";
    public static final String SSM_MANAGED_INSTANCE_INVENTORY = "AWS::SSM::ManagedInstanceInventory";
    public static final Set<String> INSTANCE_RESOURCE_TYPES = Set.of(EC2_INSTANCE, SSM_MANAGED_INSTANCE_INVENTORY);

    /** EC2 instance ids: {@code i-} and 8 or 17 hex digits. */
    public static final Pattern INSTANCE_ID = FieldLimits.INSTANCE_ID.format().orElseThrow();

    private static final String QUALIFIER = "evaluationResultIdentifier";

    static ComplianceChange from(EventEnvelope envelope) {
        envelope.requireSource(SOURCE);
        envelope.requireDetailType(DETAIL_TYPE);
        JsonField detail = envelope.detailField();
        String resourceType = detail.text("resourceType", FieldLimits.CONFIG_RESOURCE_TYPE);
        if (!INSTANCE_RESOURCE_TYPES.contains(resourceType)) {
            throw detail.invalid("resourceType", "expected " + EC2_INSTANCE + " or " + SSM_MANAGED_INSTANCE_INVENTORY
                    + ", got " + FieldLimits.echo(resourceType));
        }
        String resourceId = detail.text("resourceId", FieldLimits.INSTANCE_ID);
        String ruleName = detail.text("configRuleName", FieldLimits.CONFIG_RULE_NAME);

        JsonField evaluation = detail.object("newEvaluationResult");
        JsonField identifier = evaluation.object(QUALIFIER);
        requireSameSubject(identifier.object("evaluationResultQualifier"), ruleName, resourceType, resourceId);

        return new ComplianceChange(
                envelope.id(),
                envelope.account(),
                envelope.region(),
                ruleName,
                resourceType,
                resourceId,
                evaluation.enumValue("complianceType", ComplianceType.class),
                identifier.instant("orderingTimestamp"),
                detail.optionalObject("oldEvaluationResult")
                        .map(old -> old.enumValue("complianceType", ComplianceType.class)),
                evaluation.optionalText("annotation", FieldLimits.CONFIG_ANNOTATION),
                envelope.time());
    }

    /**
     * The evaluation must be about the rule and instance the notification names: acting on a
     * mismatched pair would replace the wrong instance.
     */
    private static void requireSameSubject(JsonField qualifier, String ruleName, String resourceType, String resourceId) {
        qualifier.expect("configRuleName", ruleName);
        qualifier.expect("resourceType", resourceType);
        qualifier.expect("resourceId", resourceId);
    }
}
