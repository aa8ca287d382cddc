package io.driftdeploy.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ComplianceChangeTest {

    private static ComplianceChange parse(String file) {
        return Events.parseCompliance(EventSamples.bytes(file));
    }

    @Test
    void nonCompliantInstanceCarriesEverythingTheDriftPathNeeds() {
        assertThat(parse("drift/config-noncompliant-ec2.json")).isEqualTo(new ComplianceChange(
                "5f1c2a7e-3b9d-4c1e-8f20-6a7b8c9d0e11",
                "123456789012",
                "us-east-1",
                "ec2-managedinstance-inventory-blacklisted",
                "AWS::EC2::Instance",
                "i-0abc1234def567890",
                ComplianceType.NON_COMPLIANT,
                Instant.parse("2025-06-12T09:13:41.118Z"),
                Optional.of(ComplianceType.COMPLIANT),
                Optional.empty(),
                Instant.parse("2025-06-12T09:14:07Z")));
    }

    @Test
    void firstEvaluationHasNoPreviousComplianceAndKeepsTheAnnotation() {
        ComplianceChange change = parse("drift/config-noncompliant-ec2-first-evaluation.json");
        assertThat(change.previousCompliance()).isEmpty();
        assertThat(change.annotation()).contains("Inventory type AWS:Application is collected on this instance.");
        assertThat(change.resourceId()).isEqualTo("i-0def5678abc901234");
    }

    @Test
    void recoveryIsCompliantAfterNonCompliant() {
        ComplianceChange change = parse("drift/config-compliant-ec2.json");
        assertThat(change.complianceType()).isEqualTo(ComplianceType.COMPLIANT);
        assertThat(change.previousCompliance()).contains(ComplianceType.NON_COMPLIANT);
        assertThat(change.orderingTimestamp()).isEqualTo(Instant.parse("2025-06-12T10:05:02.641Z"));
    }

    @Test
    void otherResourceTypeIsRejectedWithBothTypesInTheMessage() {
        assertThatThrownBy(() -> parse("drift/config-noncompliant-s3-bucket.json"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("invalid event: detail.resourceType: expected AWS::EC2::Instance or "
                        + "AWS::SSM::ManagedInstanceInventory, got AWS::S3::Bucket");
    }

    @Test
    void theInventoryRulesEvaluationOfAnEc2InstanceKeepsItsResourceType() {
        ComplianceChange change = parse("drift/config-noncompliant-ssm-inventory.json");
        assertThat(change.resourceType()).isEqualTo(ComplianceChange.SSM_MANAGED_INSTANCE_INVENTORY);
        assertThat(change.resourceId()).isEqualTo("i-0abc1234def567890");
        assertThat(change.complianceType()).isEqualTo(ComplianceType.NON_COMPLIANT);
    }

    @Test
    void anOnPremisesManagedInstanceIsRejected() {
        String onPremises = new String(EventSamples.bytes("drift/config-noncompliant-ssm-inventory.json"), StandardCharsets.UTF_8)
                .replace("i-0abc1234def567890", "mi-0abc1234def567890");
        assertThatThrownBy(() -> Events.parseCompliance(onPremises.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("detail.resourceId"));
    }

    @Test
    void aQualifierOfAnotherResourceTypeIsRejected() {
        String mixed = new String(EventSamples.bytes("drift/config-noncompliant-ssm-inventory.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"resourceType\": \"AWS::SSM::ManagedInstanceInventory\"", "\"resourceType\": \"AWS::EC2::Instance\"");
        assertThatThrownBy(() -> Events.parseCompliance(mixed.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.field()).isEqualTo("detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.resourceType"));
    }
}
