package io.driftdeploy.event;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The metric a metric alarm watches, as far as the state change tells it. EventBridge events do
 * not carry the comparison operator, and carry the threshold only inside the state's reason data.
 *
 * @param namespace e.g. {@code AWS/Config}
 * @param metricName e.g. {@code NonCompliantResourceCount}
 * @param statistic as the delivery spells it ({@code Average} from EventBridge, {@code AVERAGE} from SNS)
 * @param periodSeconds evaluation period
 * @param threshold alarm threshold
 * @param comparisonOperator e.g. {@code GreaterThanThreshold} (SNS only)
 * @param dimensions dimension name to value; empty when the metric has none
 */
public record MetricTrigger(
        String namespace,
        String metricName,
        Optional<String> statistic,
        OptionalInt periodSeconds,
        OptionalDouble threshold,
        Optional<String> comparisonOperator,
        Map<String, String> dimensions) {

    public MetricTrigger {
        dimensions = Map.copyOf(dimensions);
    }
}
