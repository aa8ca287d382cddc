package io.driftdeploy.policy;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What CloudWatch says an alarm watches, for the parts a state change leaves out: an EventBridge
 * alarm event carries no comparison operator, and neither delivery carries the description.
 *
 * @param comparisonOperator e.g. {@code GreaterThanThreshold}; empty for a composite alarm
 * @param threshold          empty for a composite alarm and for anomaly detection bands
 * @param evaluationPeriods  how many periods are evaluated; empty for a composite alarm
 * @param alarmRule          the rule of a composite alarm
 */
public record AlarmDefinition(
        String alarmName,
        Optional<String> description,
        Optional<String> comparisonOperator,
        OptionalDouble threshold,
        OptionalInt evaluationPeriods,
        Optional<String> alarmRule) {

    public AlarmDefinition {
        Objects.requireNonNull(alarmName, "alarmName");
    }
}
