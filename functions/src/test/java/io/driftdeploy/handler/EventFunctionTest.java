package io.driftdeploy.handler;

import static io.driftdeploy.handler.RolloutFakes.V2;
import static io.driftdeploy.handler.RolloutFakes.published;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.fakes.FakeLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What Lambda's entry adds to what a function logs: the invocation, as Powertools names it. */
class EventFunctionTest {

    private static final String TRACE_HEADER = "Root=1-674d6f2a-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1";

    private final RolloutFakes fakes = new RolloutFakes();

    @AfterEach
    void clearTraceProperty() {
        System.clearProperty(EventFunction.TRACE_HEADER);
    }

    private List<JsonNode> invoke(FakeLambdaContext context) throws Exception {
        fakes.logs.reset();
        fakes.imagesFunction.handleRequest(new ByteArrayInputStream(published(V2)), new ByteArrayOutputStream(), context);
        ObjectMapper json = new ObjectMapper();
        return Arrays.stream(fakes.logs.toString(StandardCharsets.UTF_8).split("\n"))
                .map(line -> {
                    try {
                        return json.readTree(line);
                    } catch (Exception e) {
                        throw new IllegalStateException(line, e);
                    }
                })
                .filter(line -> line.has("decision"))
                .toList();
    }

    @Test
    void theDecisionLineNamesTheInvocationAndOnlyTheFirstIsTheColdStart() throws Exception {
        fakes.group("shop-blue", RolloutFakes.V1);

        JsonNode first = invoke(new FakeLambdaContext("drift-deploy-images", "req-1", TRACE_HEADER)).getFirst();
        JsonNode second = invoke(new FakeLambdaContext("drift-deploy-images", "req-2", null)).getFirst();

        assertThat(first.path("function_request_id").asText()).isEqualTo("req-1");
        assertThat(first.path("function_name").asText()).isEqualTo("drift-deploy-images");
        assertThat(first.path("xray_trace_id").asText()).isEqualTo("1-674d6f2a-0123456789abcdef01234567");
        assertThat(first.path("cold_start").asBoolean()).isTrue();
        assertThat(second.path("function_request_id").asText()).isEqualTo("req-2");
        assertThat(second.path("cold_start").asBoolean()).isFalse();
        assertThat(second.has("xray_trace_id")).isFalse();
    }

    /** A runtime whose context has no trace id sets the header as a system property for each invocation. */
    @Test
    void theTraceHeaderComesFromTheRuntimesPropertyWhenTheContextHasNone() throws Exception {
        System.setProperty(EventFunction.TRACE_HEADER, TRACE_HEADER);

        JsonNode line = invoke(new FakeLambdaContext("drift-deploy-images", "req-1", null)).getFirst();

        assertThat(line.path("xray_trace_id").asText()).isEqualTo("1-674d6f2a-0123456789abcdef01234567");
    }
}
