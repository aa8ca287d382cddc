package io.driftdeploy.aws;

import io.driftdeploy.policy.AlarmDefinition;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.CompositeAlarm;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/** Reads an alarm's definition from CloudWatch (DescribeAlarms). */
public final class AlarmDefinitions {

    private final CloudWatchClient cloudWatch;

    public AlarmDefinitions(CloudWatchClient cloudWatch) {
        this.cloudWatch = cloudWatch;
    }

    /** The alarm as it is defined now; empty when it no longer exists. */
    @RequiresIam("cloudwatch:DescribeAlarms")
    public Optional<AlarmDefinition> find(String alarmName) {
        DescribeAlarmsResponse response = cloudWatch.describeAlarms(request -> request
                .alarmNames(alarmName)
                .alarmTypes(AlarmType.METRIC_ALARM, AlarmType.COMPOSITE_ALARM));
        return response.metricAlarms().stream().findFirst().map(AlarmDefinitions::metric)
                .or(() -> response.compositeAlarms().stream().findFirst().map(AlarmDefinitions::composite));
    }

    private static AlarmDefinition metric(MetricAlarm alarm) {
        return new AlarmDefinition(
                alarm.alarmName(),
                Optional.ofNullable(alarm.alarmDescription()).filter(text -> !text.isBlank()),
                Optional.ofNullable(alarm.comparisonOperatorAsString()),
                alarm.threshold() == null ? OptionalDouble.empty() : OptionalDouble.of(alarm.threshold()),
                alarm.evaluationPeriods() == null ? OptionalInt.empty() : OptionalInt.of(alarm.evaluationPeriods()),
                Optional.empty());
    }

    private static AlarmDefinition composite(CompositeAlarm alarm) {
        return new AlarmDefinition(
                alarm.alarmName(),
                Optional.ofNullable(alarm.alarmDescription()).filter(text -> !text.isBlank()),
                Optional.empty(),
                OptionalDouble.empty(),
                OptionalInt.empty(),
                Optional.ofNullable(alarm.alarmRule()));
    }
}
