package io.driftdeploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

class DecisionAttributionTest {

    private final DecisionAttribution interceptor = new DecisionAttribution();

    @Test
    void aCallInADecisionCarriesItsIdAfterTheSdksUserAgent() {
        try (DecisionAttribution.Scope scope = DecisionAttribution.of("0f3c6a2e-7d41-4b7e-9a55-2f1c3d4e5f60")) {
            assertThat(userAgentOf(request("aws-sdk-java/2.40.2"))).isEqualTo(
                    "aws-sdk-java/2.40.2 drift-deploy-decision/0f3c6a2e-7d41-4b7e-9a55-2f1c3d4e5f60");
        }
        assertThat(userAgentOf(request("aws-sdk-java/2.40.2"))).as("after the decision").isEqualTo("aws-sdk-java/2.40.2");
    }

    @Test
    void aNestedScopeGivesBackTheOuterDecision() {
        try (DecisionAttribution.Scope outer = DecisionAttribution.of("sweep-1")) {
            try (DecisionAttribution.Scope inner = DecisionAttribution.of("event-2")) {
                assertThat(userAgentOf(request("sdk"))).endsWith("/event-2");
            }
            assertThat(userAgentOf(request("sdk"))).endsWith("/sweep-1");
        }
    }

    @Test
    void anIdIsMadeAUserAgentTokenAndBounded() {
        assertThat(DecisionAttribution.token("alarm:state/2026-12-02T10:00:00Z#sweep#rule one")).isEqualTo(
                "alarm_state_2026-12-02T10_00_00Z#sweep#rule_one");
        assertThat(DecisionAttribution.token("x".repeat(500))).hasSize(200);
    }

    private String userAgentOf(SdkHttpRequest request) {
        Context.ModifyHttpRequest context = new Context.ModifyHttpRequest() {
            @Override
            public SdkHttpRequest httpRequest() {
                return request;
            }

            @Override
            public Optional<software.amazon.awssdk.core.sync.RequestBody> requestBody() {
                return Optional.empty();
            }

            @Override
            public Optional<software.amazon.awssdk.core.async.AsyncRequestBody> asyncRequestBody() {
                return Optional.empty();
            }

            @Override
            public software.amazon.awssdk.core.SdkRequest request() {
                return null;
            }
        };
        return interceptor.modifyHttpRequest(context, new ExecutionAttributes()).firstMatchingHeader("User-Agent").orElseThrow();
    }

    private static SdkHttpRequest request(String userAgent) {
        return SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create("https://ec2.us-east-1.amazonaws.com/"))
                .putHeader("User-Agent", userAgent).build();
    }
}
