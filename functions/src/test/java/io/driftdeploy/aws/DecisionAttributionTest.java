package io.driftdeploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ApiName;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;

/** The decision a call is made for, as the SDK is asked to add it to the User-Agent (end to end: AccountClientsTest). */
class DecisionAttributionTest {

    private final DecisionAttribution interceptor = new DecisionAttribution();

    @Test
    void aCallInADecisionNamesItAndACallOutsideNone() {
        try (DecisionAttribution.Scope scope = DecisionAttribution.of("0f3c6a2e-7d41-4b7e-9a55-2f1c3d4e5f60")) {
            assertThat(apiNames(DescribeInstancesRequest.builder().build()))
                    .containsExactly("drift-deploy-decision/0f3c6a2e-7d41-4b7e-9a55-2f1c3d4e5f60");
        }
        assertThat(apiNames(DescribeInstancesRequest.builder().build())).as("after the decision").isEmpty();
    }

    @Test
    void aNestedScopeGivesBackTheOuterDecisionAndARequestsOwnApiNamesStay() {
        DescribeInstancesRequest named = DescribeInstancesRequest.builder().overrideConfiguration(override -> override
                .addApiName(ApiName.builder().name("caller").version("1").build())).build();
        try (DecisionAttribution.Scope outer = DecisionAttribution.of("sweep-1")) {
            try (DecisionAttribution.Scope inner = DecisionAttribution.of("event-2")) {
                assertThat(apiNames(named)).containsExactly("caller/1", "drift-deploy-decision/event-2");
            }
            assertThat(apiNames(named)).containsExactly("caller/1", "drift-deploy-decision/sweep-1");
        }
    }

    @Test
    void anIdIsMadeAUserAgentTokenAndBounded() {
        assertThat(DecisionAttribution.token("alarm:state/2026-12-02T10:00:00Z#sweep#rule one")).isEqualTo(
                "alarm_state_2026-12-02T10_00_00Z#sweep#rule_one");
        assertThat(DecisionAttribution.token("x".repeat(500))).hasSize(200);
    }

    private List<String> apiNames(SdkRequest request) {
        Context.ModifyRequest context = () -> request;
        DescribeInstancesRequest modified = (DescribeInstancesRequest) interceptor.modifyRequest(context, new ExecutionAttributes());
        return modified.overrideConfiguration().map(AwsRequestOverrideConfiguration::apiNames).orElse(List.of()).stream()
                .map(name -> name.name() + "/" + name.version()).toList();
    }
}
