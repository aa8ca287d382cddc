package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.AlarmsHandler;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.testing.Checkout;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * Every accepted shape of an alarm state change, from the samples in events/alarms, produces the
 * notification people act on, read back from the queue subscribed to the topic.
 */
class AlarmsNotificationsIT {

    private static final String CONSOLE =
            "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/";

    // The samples name fixed alarms, so no test may start a refresh guarded by one of them:
    // app-blue-rollout-guard would then be a rollout guard here, not a plain alarm.
    private final TestEnvironment env = TestEnvironment.create();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private AlarmsHandler handler;

    @BeforeEach
    void createHandler() {
        // The samples' alarm exists, so DescribeAlarms can add what EventBridge leaves out.
        env.aws.cloudwatch().putMetricAlarm(r -> r
                .alarmName("config-drift-detected")
                .alarmDescription("AWS Config reports non-compliant resources (configuration drift).")
                .namespace("AWS/Config").metricName("NonCompliantResourceCount")
                .statistic(Statistic.AVERAGE).period(300).evaluationPeriods(1)
                .threshold(0.0).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));
        // The drift alarm of this environment is another one: here the samples are plain alarms.
        handler = new AlarmsHandler(env.settings(Map.of(
                        Settings.PREFIX + "DRIFT_RULES", env.prefix + "-drift-rule",
                        Settings.PREFIX + "DRIFT_ALARMS", env.prefix + "-drift-alarm")),
                env.aws, Clock.systemUTC(), new Telemetry("alarms", new PrintStream(log, true, StandardCharsets.UTF_8),
                Clock.systemUTC()));
    }

    static byte[] sample(String file) {
        try {
            return Files.readAllBytes(Checkout.root().resolve("events").resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "alarms/drift-alarm-state-alarm.json|warning|drift-deploy: ALARM config-drift-detected"
                    + "|Alarm config-drift-detected went OK -> ALARM at 2025-06-12T09:20:12.507Z."
                    + "|NonCompliantResourceCount (AWS/Config) Average > 0 over 1 x 300 s|eventbridge",
            "alarms/drift-alarm-state-ok.json|info|drift-deploy: recovered (OK) config-drift-detected"
                    + "|Alarm config-drift-detected recovered: ALARM -> OK at 2025-06-12T10:15:12.615Z."
                    + "|NonCompliantResourceCount (AWS/Config) Average > 0 over 1 x 300 s|eventbridge",
            "alarms/drift-alarm-state-insufficient-data.json|low|drift-deploy: insufficient data config-drift-detected"
                    + "|Alarm config-drift-detected has insufficient data: OK -> INSUFFICIENT_DATA at 2025-06-12T11:30:12.705Z."
                    + "|NonCompliantResourceCount (AWS/Config) Average > 0 over 1 x 300 s|eventbridge",
            "alarms/composite-alarm-state-alarm.json|warning|drift-deploy: ALARM app-blue-rollout-guard"
                    + "|Alarm app-blue-rollout-guard went OK -> ALARM at 2025-06-12T08:02:49.226Z."
                    + "|composite rule ALARM(app-blue-5xx-errors) OR ALARM(app-blue-unhealthy-hosts)|eventbridge",
            "alarms/sns-drift-alarm.json|warning|drift-deploy: ALARM config-drift-detected"
                    + "|Alarm config-drift-detected went OK -> ALARM at 2025-06-12T09:20:12.507Z."
                    + "|NonCompliantResourceCount (AWS/Config) AVERAGE > 0 over 1 x 300 s|sns",
    })
    void eachAcceptedShapeIsToldWithItsContext(String file, String severity, String subject, String headline,
                                               String condition, String delivery) {
        Map<String, Object> result = handler.handle(sample(file)).json();

        assertThat(result).containsEntry("function", "alarms").containsEntry("decision", "notify")
                .containsEntry("reason", "alarm-state-change").containsKey("notificationId");
        ReceivedNotification received = env.awaitNotifications(1, Duration.ofSeconds(20)).getFirst();
        assertThat(received.attributes()).containsEntry("kind", "alarm").containsEntry("severity", severity)
                .containsEntry("action", "notify").doesNotContainKeys("group", "app");
        assertThat(received.subject()).isEqualTo(subject);
        String alarm = received.body().path("facts").path("alarm").asText();
        assertThat(received.body().path("summary").asText()).startsWith(headline)
                .contains(condition).endsWith("Console: " + CONSOLE + alarm);
        assertThat(received.body().path("facts").path("condition").asText()).isEqualTo(condition);
        assertThat(received.body().path("facts").path("delivery").asText()).isEqualTo(delivery);
        assertThat(received.body().path("facts").path("console").asText()).isEqualTo(CONSOLE + alarm);
        assertThat(received.body().path("facts").path("eventId").asText()).isEqualTo(result.get("eventId"));
    }

    @Test
    void theDescriptionComesFromTheAlarmsDefinition() {
        handler.handle(sample("alarms/drift-alarm-state-alarm.json"));

        assertThat(env.awaitNotifications(1, Duration.ofSeconds(20)).getFirst().body().path("facts")
                .path("description").asText())
                .isEqualTo("AWS Config reports non-compliant resources (configuration drift).");
    }

    @Test
    void aRedeliveredEventIsAuditedButToldOnce() {
        handler.handle(sample("alarms/sns-drift-alarm.json"));
        Map<String, Object> again = handler.handle(sample("alarms/sns-drift-alarm.json")).json();

        assertThat(again).containsEntry("decision", "skip").containsEntry("reason", "duplicate-event")
                .doesNotContainKey("notificationId");
        assertThat(env.notificationsSoFar()).hasSize(1);
    }

    @Test
    void oneStateChangeDeliveredBothByEventBridgeAndBySnsIsToldOnce() {
        handler.handle(sample("alarms/drift-alarm-state-alarm.json"));
        Map<String, Object> viaSns = handler.handle(sample("alarms/sns-drift-alarm.json")).json();

        assertThat(viaSns).containsEntry("decision", "skip").containsEntry("reason", "duplicate-event");
        assertThat(env.notificationsSoFar()).singleElement()
                .satisfies(notification -> assertThat(notification.body().path("facts").path("delivery").asText())
                        .isEqualTo("eventbridge"));
    }

    @Test
    void malformedInputIsRejectedNamingTheFieldAndNothingElseHappens() {
        Map<String, Object> result = handler.handle(sample("drift/config-noncompliant-ec2.json")).json();

        assertThat(result).containsEntry("decision", "rejected").containsEntry("reason", "invalid-event")
                .containsEntry("field", "source");
        List<ReceivedNotification> received = env.notificationsSoFar();
        assertThat(received).singleElement().satisfies(notification -> {
            assertThat(notification.kind()).isEqualTo("rejected");
            assertThat(notification.body().path("facts").path("field").asText()).isEqualTo("source");
        });
    }

    @Test
    void notJsonIsRejectedToo() {
        Map<String, Object> result = handler.handle("{\"Records\": [".getBytes(StandardCharsets.UTF_8)).json();

        assertThat(result).containsEntry("decision", "rejected").containsEntry("field", "$");
    }
}
