package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftdeploy.infra.DriftDeployFunction.Kind;
import io.driftdeploy.testing.Emulator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.TestEventPatternResponse;
import software.amazon.awscdk.assertions.Template;

/**
 * Each rule's pattern, exactly as synthesized, against every EventBridge sample in events/ through
 * the TestEventPattern API: a sample is matched by exactly one rule of the kind the catalog names
 * (one delivery, not two) and by no rule when the catalog says none. The samples carry the seed's
 * names (its Config rules, its drift alarm, guard alarms app-blue-*), so the app is synthesized with
 * those names; the default names are tested on the alarms rule below.
 */
class EventPatternTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EventBridgeClient eventBridge;
    private static List<SynthesizedRule> rules;

    /** A rule of the template, its pattern as JSON text, and the function kind its target invokes. */
    record SynthesizedRule(String logicalId, String kind, String pattern) {
    }

    /** One EventBridge sample of events/catalog.json. */
    record Sample(String file, String rule) {
        @Override
        public String toString() {
            return file;
        }
    }

    @BeforeAll
    static void readRulesAndConnectToTheEmulator() {
        rules = synthesizedRules(SynthesizedApp.seedNames());
        eventBridge = Emulator.client(EventBridgeClient.builder());
    }

    static Stream<Sample> eventBridgeSamples() throws IOException {
        JsonNode catalog = JSON.readTree(SynthesizedApp.REPO_ROOT.resolve("events/catalog.json").toFile());
        List<Sample> samples = new ArrayList<>();
        for (JsonNode entry : catalog) {
            if ("eventbridge".equals(entry.path("delivery").asText())) {
                samples.add(new Sample(entry.path("file").asText(), entry.path("rule").asText()));
            }
        }
        assertThat(samples).as("EventBridge samples in events/catalog.json").isNotEmpty();
        return samples.stream();
    }

    @ParameterizedTest
    @MethodSource("eventBridgeSamples")
    void sampleIsMatchedByExactlyTheRuleOfItsKind(Sample sample) throws IOException {
        String event = JSON.writeValueAsString(JSON.readTree(SynthesizedApp.REPO_ROOT.resolve("events").resolve(sample.file()).toFile()));
        List<String> matchedKinds = new ArrayList<>();
        for (SynthesizedRule rule : rules) {
            TestEventPatternResponse response = eventBridge.testEventPattern(b -> b.eventPattern(rule.pattern()).event(event));
            assertThat(response.result()).as("TestEventPattern answer for %s (does the emulator implement it?)",
                    rule.logicalId()).isNotNull();
            if (response.result()) {
                matchedKinds.add(rule.kind());
            }
        }
        List<String> expected = "none".equals(sample.rule()) ? List.of() : List.of(sample.rule());
        assertThat(matchedKinds).as("kinds of the rules matching %s", sample.file()).isEqualTo(expected);
    }

    /** An alarm name and whether the default app's alarms rule must deliver its state changes. */
    record AlarmCase(String alarmName, boolean heard) {
        @Override
        public String toString() {
            return alarmName + (heard ? " is heard" : " is not heard");
        }
    }

    static Stream<AlarmCase> alarmNames() {
        return Stream.of(
                new AlarmCase("DriftDeploy-drift-detected", true),
                new AlarmCase("DriftDeploy-guard-app-blue-5xx", true),
                // Every other alarm in the account: not this app's business.
                new AlarmCase("billing-estimated-charges", false),
                new AlarmCase("drift-deploy-drift-detected", false),
                // The dead-letter alarms notify the topic themselves: one route, not two.
                new AlarmCase("DriftDeploy-drift-dead-letters", false),
                new AlarmCase("DriftDeploy-alarms-dead-letters", false));
    }

    @ParameterizedTest
    @MethodSource("alarmNames")
    void alarmsRuleHearsOnlyTheDriftAlarmAndGuardAlarms(AlarmCase alarm) throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(
                SynthesizedApp.REPO_ROOT.resolve("events/alarms/drift-alarm-state-alarm.json").toFile());
        ((ObjectNode) event.path("detail")).put("alarmName", alarm.alarmName());
        SynthesizedRule alarmsRule = synthesizedRules(SynthesizedApp.defaults()).stream()
                .filter(rule -> rule.kind().equals("alarms")).findFirst().orElseThrow();
        TestEventPatternResponse response = eventBridge.testEventPattern(b -> b
                .eventPattern(alarmsRule.pattern()).event(event.toString()));
        assertThat(response.result()).as("alarms rule on %s", alarm.alarmName()).isEqualTo(alarm.heard());
    }

    @SuppressWarnings("unchecked")
    private static List<SynthesizedRule> synthesizedRules(SynthesizedApp app) {
        Template template = app.template(app.stacks.functions());
        Map<String, Map<String, Object>> aliases = template.findResources("AWS::Lambda::Alias");
        Map<String, Map<String, Object>> functions = template.findResources("AWS::Lambda::Function");
        List<SynthesizedRule> found = new ArrayList<>();
        template.findResources("AWS::Events::Rule").forEach((logicalId, resource) -> {
            Map<String, Object> properties = (Map<String, Object>) resource.get("Properties");
            Map<String, Object> target = ((List<Map<String, Object>>) properties.get("Targets")).get(0);
            String aliasId = (String) ((Map<String, Object>) target.get("Arn")).get("Ref");
            Map<String, Object> alias = (Map<String, Object>) aliases.get(aliasId).get("Properties");
            String functionId = (String) ((Map<String, Object>) alias.get("FunctionName")).get("Ref");
            String handler = (String) ((Map<String, Object>) functions.get(functionId).get("Properties")).get("Handler");
            try {
                found.add(new SynthesizedRule(logicalId, kindOf(handler), JSON.writeValueAsString(properties.get("EventPattern"))));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(found).hasSize(6);
        return found;
    }

    /** The catalog's rule name for a handler: DriftHandler -> drift. */
    private static String kindOf(String handler) {
        for (Kind kind : Kind.values()) {
            if (kind.handler().equals(handler)) {
                return kind.id().toLowerCase(Locale.ROOT);
            }
        }
        throw new IllegalStateException("rule targets an unknown handler " + handler);
    }
}
