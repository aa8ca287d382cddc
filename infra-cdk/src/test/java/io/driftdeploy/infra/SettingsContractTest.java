package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.driftdeploy.settings.Setting;
import io.driftdeploy.settings.Type;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;

/**
 * What the CDK accepts, every function accepts at init: the stack is synthesized with every function
 * setting at the edge of its range, and each function's environment, as synthesized, is read by the
 * functions' own settings reader. (Before the shared definition the CDK allowed an instance warmup up
 * to 86,400 s and the functions only 3,600: a valid deploy whose every function failed at init.)
 */
class SettingsContractTest {

    @ParameterizedTest
    @ValueSource(strings = {"min", "max"})
    void everyFunctionStartsWithEverySettingTheStackAccepts(String edge) {
        ToIntFunction<Setting> pick = edge.equals("min") ? Setting::min : Setting::max;
        Map<String, Object> context = new HashMap<>();
        for (Setting setting : Setting.passedFromContext()) {
            if (setting.type().kind() == Type.Kind.INTEGER) {
                context.put(setting.contextKey().orElseThrow(), Integer.toString(pick.applyAsInt(setting)));
            }
        }
        context.put("trustedAccounts", "111111111111,222222222222");
        context.put("guardAlarms", "app-5xx,app-latency");
        context.put("mode", "enforce");
        App app = new App(AppProps.builder().context(SynthesizedApp.context(context)).build());
        Template functions = Template.fromStack(DriftDeployApp.define(app).functions());

        List<Map<String, String>> environments = environments(functions);
        assertThat(environments).hasSize(DriftDeployFunction.Kind.values().length);
        // The sweep function alone has a queue, and starts with it.
        assertThat(environments).filteredOn(environment -> environment.containsKey("DRIFT_DEPLOY_SWEEP_QUEUE_URL"))
                .singleElement().satisfies(environment -> assertThatCode(
                        () -> io.driftdeploy.config.Settings.sweepQueueUrl(environment)).doesNotThrowAnyException());
        for (Map<String, String> environment : environments) {
            assertThatCode(() -> io.driftdeploy.config.Settings.from(environment)).doesNotThrowAnyException();
            io.driftdeploy.config.Settings read = io.driftdeploy.config.Settings.from(environment);
            assertThat(read.drift().minHealthyPercent()).isEqualTo(pick.applyAsInt(Setting.MIN_HEALTHY_PERCENT));
            assertThat(read.rollout().instanceWarmupSeconds())
                    .isEqualTo(pick.applyAsInt(Setting.INSTANCE_WARMUP_SECONDS));
            assertThat(read.rollout().trustedAccounts()).containsExactly("111111111111", "222222222222");
            assertThat(read.auditRetention()).isEqualTo(Duration.ofDays(pick.applyAsInt(Setting.AUDIT_RETENTION_DAYS)));
        }
    }

    /** What the stack's account ({@code Ref AWS::AccountId}) stands for here: a 12-digit id, as at deploy time. */
    static final String ACCOUNT_PLACEHOLDER = "111122223333";

    @org.junit.jupiter.api.Test
    void theOwnAccountIsTheDeployingAccountAndImagesAreTrustedFromItByDefault() {
        App app = new App(AppProps.builder().context(SynthesizedApp.context(Map.of())).build());
        for (Map<String, String> environment : environments(Template.fromStack(DriftDeployApp.define(app).functions()))) {
            io.driftdeploy.config.Settings read = io.driftdeploy.config.Settings.from(environment);
            assertThat(read.accountId()).isEqualTo(ACCOUNT_PLACEHOLDER);
            assertThat(read.rollout().trustedAccounts()).containsExactly(ACCOUNT_PLACEHOLDER);
        }
    }

    /**
     * Each function's variables; values the stack fills in at deploy time (Ref, Fn::*) become
     * placeholders: the account id a 12-digit one, anything else a text naming the variable.
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, String>> environments(Template template) {
        Map<String, Map<String, Object>> lambdas = (Map<String, Map<String, Object>>) (Map<?, ?>)
                template.findResources("AWS::Lambda::Function");
        return lambdas.values().stream().map(resource -> {
            Map<String, Object> properties = (Map<String, Object>) resource.get("Properties");
            Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) properties.get("Environment"))
                    .get("Variables");
            Map<String, String> environment = new HashMap<>();
            variables.forEach((name, value) ->
                    environment.put(name, value instanceof String text ? text
                            : Map.of("Ref", "AWS::AccountId").equals(value) ? ACCOUNT_PLACEHOLDER
                            : "resolved-at-deploy-" + name));
            return environment;
        }).toList();
    }
}
