package io.driftdeploy.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * "Config Rules Compliance Change" events for tests, made from the sample in
 * {@code events/drift/config-noncompliant-ec2.json} with only the varying fields replaced, so
 * tests send exactly the shape AWS sends.
 */
public final class ComplianceEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLE = "events/drift/config-noncompliant-ec2.json";

    private final ObjectNode event;

    private ComplianceEvents(ObjectNode event) {
        this.event = event;
    }

    /** A NON_COMPLIANT evaluation of the instance by the rule, with a fresh event id, captured now. */
    public static ComplianceEvents nonCompliant(String ruleName, String instanceId) {
        try {
            ObjectNode sample = (ObjectNode) JSON.readTree(Files.readString(Checkout.root().resolve(SAMPLE)));
            return new ComplianceEvents(sample).id(UUID.randomUUID().toString()).rule(ruleName).instance(instanceId)
                    .orderedAt(Instant.now());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SAMPLE, e);
        }
    }

    /** The account the event comes from: a member's, forwarded to the central bus, or one that is not served. */
    public ComplianceEvents account(String accountId) {
        event.put("account", accountId);
        detail().put("awsAccountId", accountId);
        return this;
    }

    public ComplianceEvents id(String id) {
        event.put("id", id);
        return this;
    }

    public ComplianceEvents rule(String ruleName) {
        return subject("configRuleName", ruleName);
    }

    public ComplianceEvents instance(String instanceId) {
        return subject("resourceId", instanceId);
    }

    /** The resource type Config evaluated. */
    public ComplianceEvents resourceType(String resourceType) {
        return subject("resourceType", resourceType);
    }

    public ComplianceEvents compliance(String complianceType) {
        ((ObjectNode) detail().get("newEvaluationResult")).put("complianceType", complianceType);
        return this;
    }

    /** The new evaluation's orderingTimestamp. */
    public ComplianceEvents orderedAt(Instant orderingTimestamp) {
        ((ObjectNode) detail().get("newEvaluationResult").get("evaluationResultIdentifier"))
                .put("orderingTimestamp", orderingTimestamp.toString());
        return this;
    }

    /** When Config recorded the new evaluation and sent the event (the event's time, to the second, as EventBridge writes it). */
    public ComplianceEvents recordedAt(Instant recorded) {
        event.put("time", recorded.truncatedTo(ChronoUnit.SECONDS).toString());
        ((ObjectNode) detail().get("newEvaluationResult")).put("resultRecordedTime", recorded.toString());
        return this;
    }

    public String ruleName() {
        return detail().get("configRuleName").asText();
    }

    public String instanceId() {
        return detail().get("resourceId").asText();
    }

    public String resourceType() {
        return detail().get("resourceType").asText();
    }

    /** The new evaluation's compliance type, as the event names it. */
    public String complianceType() {
        return detail().get("newEvaluationResult").get("complianceType").asText();
    }

    public Instant orderingTimestamp() {
        return Instant.parse(detail().get("newEvaluationResult").get("evaluationResultIdentifier").get("orderingTimestamp").asText());
    }

    public String id() {
        return event.get("id").asText();
    }

    public byte[] bytes() {
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

    private ObjectNode detail() {
        return (ObjectNode) event.get("detail");
    }

    /** The detail and both evaluations' qualifiers name the subject; they must agree. */
    private ComplianceEvents subject(String field, String value) {
        detail().put(field, value);
        qualifier("newEvaluationResult").put(field, value);
        qualifier("oldEvaluationResult").put(field, value);
        return this;
    }

    private ObjectNode qualifier(String evaluation) {
        return (ObjectNode) detail().get(evaluation).get("evaluationResultIdentifier").get("evaluationResultQualifier");
    }
}
