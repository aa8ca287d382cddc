package io.driftdeploy.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AlarmStateChangeTest {

    private static AlarmStateChange parse(String file) {
        return Events.parseAlarm(EventSamples.bytes(file));
    }

    @Test
    void metricAlarmFromEventBridge() {
        assertThat(parse("alarms/drift-alarm-state-alarm.json")).isEqualTo(new AlarmStateChange(
                "6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0",
                AlarmDelivery.EVENTBRIDGE,
                "123456789012",
                "us-east-1",
                "config-drift-detected",
                Optional.of("arn:aws:cloudwatch:us-east-1:123456789012:alarm:config-drift-detected"),
                AlarmState.OK,
                AlarmState.ALARM,
                "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (12/06/25 09:15:00)] was greater than the"
                        + " threshold (0.0) (minimum 1 datapoint for OK -> ALARM transition).",
                Instant.parse("2025-06-12T09:20:12.507Z"),
                Optional.of(new MetricTrigger("AWS/Config", "NonCompliantResourceCount", Optional.of("Average"),
                        OptionalInt.of(300), OptionalDouble.of(0.0), Optional.empty(), Map.of())),
                Optional.empty()));
    }

    @Test
    void recoveryAndMissingData() {
        AlarmStateChange ok = parse("alarms/drift-alarm-state-ok.json");
        assertThat(ok.previousState()).isEqualTo(AlarmState.ALARM);
        assertThat(ok.newState()).isEqualTo(AlarmState.OK);

        AlarmStateChange missing = parse("alarms/drift-alarm-state-insufficient-data.json");
        assertThat(missing.previousState()).isEqualTo(AlarmState.OK);
        assertThat(missing.newState()).isEqualTo(AlarmState.INSUFFICIENT_DATA);
    }

    @Test
    void compositeAlarmCarriesItsRuleAndNoMetric() {
        AlarmStateChange composite = parse("alarms/composite-alarm-state-alarm.json");
        assertThat(composite.alarmName()).isEqualTo("app-blue-rollout-guard");
        assertThat(composite.compositeRule())
                .contains("ALARM(app-blue-5xx-errors) OR ALARM(app-blue-unhealthy-hosts)");
        assertThat(composite.metric()).isEmpty();
        assertThat(composite.newState()).isEqualTo(AlarmState.ALARM);
    }

    @Test
    void classicAlarmMessageDeliveredBySns() {
        AlarmStateChange alarm = parse("alarms/sns-drift-alarm.json");
        assertThat(alarm.delivery()).isEqualTo(AlarmDelivery.SNS);
        assertThat(alarm.eventId()).isEqualTo("3d2c1b0a-9f8e-5d7c-b6a5-948372615a0b");
        assertThat(alarm.region()).as("the code from the ARN, not the display name").isEqualTo("us-east-1");
        assertThat(alarm.account()).isEqualTo("123456789012");
        assertThat(alarm.alarmName()).isEqualTo("config-drift-detected");
        assertThat(alarm.previousState()).isEqualTo(AlarmState.OK);
        assertThat(alarm.newState()).isEqualTo(AlarmState.ALARM);
        assertThat(alarm.stateChangeTime()).isEqualTo(Instant.parse("2025-06-12T09:20:12.507Z"));
        assertThat(alarm.metric()).contains(new MetricTrigger("AWS/Config", "NonCompliantResourceCount",
                Optional.of("AVERAGE"), OptionalInt.of(300), OptionalDouble.of(0.0),
                Optional.of("GreaterThanThreshold"), Map.of()));
        assertThat(alarm.compositeRule()).isEmpty();
    }

    @Test
    void snsMessageWithoutAlarmArnTakesTheRegionOfTheTopic() {
        byte[] withoutArn = EventSamples.withMessageField("alarms/sns-drift-alarm.json", "AlarmArn", null);
        AlarmStateChange alarm = Events.parseAlarm(withoutArn);
        assertThat(alarm.alarmArn()).isEmpty();
        assertThat(alarm.region()).isEqualTo("us-east-1");
    }
}
