package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.event.ComplianceChange;
import io.driftdeploy.event.ComplianceType;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EvaluationTest {

    private static Evaluation of(String resourceType, String resourceId) {
        return new Evaluation("e", "123456789012", "us-east-1", "drift-rule", resourceType, resourceId,
                ComplianceType.NON_COMPLIANT, Instant.EPOCH);
    }

    @ParameterizedTest
    @CsvSource({
            "AWS::EC2::Instance, i-0abc1234def567890",
            "AWS::EC2::Instance, i-0abc1234",
            "AWS::SSM::ManagedInstanceInventory, i-0abc1234def567890"})
    void anEc2InstanceUnderEitherTypeIsEvaluated(String type, String id) {
        Evaluation evaluation = of(type, id);
        assertThat(evaluation.instanceId()).isEqualTo(id);
        assertThat(evaluation.resourceType()).isEqualTo(type);
    }

    @Test
    void anOnPremisesManagedInstanceIsNoEc2Instance() {
        assertThatThrownBy(() -> of(ComplianceChange.SSM_MANAGED_INSTANCE_INVENTORY, "mi-0abc1234def567890"))
                .hasMessageContaining("resourceId").hasMessageContaining("mi-0abc1234def567890");
    }

    @Test
    void anotherResourceTypeIsRefused() {
        assertThatThrownBy(() -> of("AWS::S3::Bucket", "i-0abc1234def567890"))
                .hasMessageContaining("resourceType").hasMessageContaining("AWS::S3::Bucket");
    }
}
