package io.driftdeploy.event;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A CloudWatch alarm changed state, delivered by EventBridge or by SNS.
 *
 * @param eventId EventBridge event id, or the SNS MessageId
 * @param delivery how it arrived
 * @param account account of the alarm
 * @param region region code of the alarm (from the alarm ARN for SNS, whose {@code Region} is a display name)
 * @param alarmName the alarm
 * @param alarmArn the alarm ARN, when the delivery carries it
 * @param previousState state before the change
 * @param newState state after the change
 * @param reason CloudWatch's explanation of the new state
 * @param stateChangeTime when the alarm changed state
 * @param metric the watched metric, for a metric alarm on a single metric (empty for composite and
 *     metric-math alarms)
 * @param compositeRule the alarm rule, for a composite alarm
 */
public record AlarmStateChange(
        String eventId,
        AlarmDelivery delivery,
        String account,
        String region,
        String alarmName,
        Optional<String> alarmArn,
        AlarmState previousState,
        AlarmState newState,
        String reason,
        Instant stateChangeTime,
        Optional<MetricTrigger> metric,
        Optional<String> compositeRule) {

    public static final String SOURCE = "aws.cloudwatch";
    public static final String DETAIL_TYPE = "CloudWatch Alarm State Change";

    /** The SNS-to-Lambda event's records field; its presence tells the two deliveries apart. */
    static final String SNS_RECORDS = "Records";

    static AlarmStateChange fromEventBridge(EventEnvelope envelope) {
        envelope.requireSource(SOURCE);
        envelope.requireDetailType(DETAIL_TYPE);
        JsonField detail = envelope.detailField();
        JsonField state = detail.object("state");
        Optional<JsonField> configuration = detail.optionalObject("configuration");
        return new AlarmStateChange(
                envelope.id(),
                AlarmDelivery.EVENTBRIDGE,
                envelope.account(),
                envelope.region(),
                detail.text("alarmName", FieldLimits.ALARM_NAME),
                envelope.resources().stream().findFirst(),
                detail.object("previousState").enumValue("value", AlarmState.class),
                state.enumValue("value", AlarmState.class),
                state.text("reason", FieldLimits.STATE_REASON),
                state.instant("timestamp"),
                configuration.flatMap(config -> eventBridgeMetric(config, state)),
                configuration.flatMap(config -> config.optionalText("alarmRule", FieldLimits.ALARM_RULE)));
    }

    /**
     * The metric whose data the alarm evaluates: the returned entry of {@code metrics} that is a
     * plain metric. Metric math returns an expression instead, and has no single metric.
     */
    private static Optional<MetricTrigger> eventBridgeMetric(JsonField configuration, JsonField state) {
        for (JsonField query : configuration.optionalArray("metrics").orElse(List.of())) {
            Optional<JsonField> metricStat = query.optionalObject("metricStat");
            if (metricStat.isPresent() && query.json().path("returnData").asBoolean(false)) {
                JsonField stat = metricStat.get();
                JsonField metric = stat.object("metric");
                return Optional.of(new MetricTrigger(
                        metric.text("namespace", FieldLimits.NAMESPACE),
                        metric.text("name", FieldLimits.METRIC_NAME),
                        stat.optionalText("stat", FieldLimits.STATISTIC),
                        stat.optionalInt("period", 1, FieldLimits.MAX_PERIOD_SECONDS),
                        thresholdFromReasonData(state),
                        Optional.empty(),
                        metric.optionalObject("dimensions").map(AlarmStateChange::dimensionObject).orElse(Map.of())));
            }
        }
        return Optional.empty();
    }

    /** The threshold is only in {@code reasonData}, a JSON document embedded as a string. */
    private static OptionalDouble thresholdFromReasonData(JsonField state) {
        return state.optionalText("reasonData", FieldLimits.STATE_REASON_DATA)
                .map(text -> JsonField.parseEmbedded(text, state.pathOf("reasonData")).optionalDouble("threshold"))
                .orElse(OptionalDouble.empty());
    }

    private static Map<String, String> dimensionObject(JsonField dimensions) {
        requireDimensionCount(dimensions.json().size(), dimensions.path());
        Map<String, String> byName = new HashMap<>();
        dimensions.json().fieldNames().forEachRemaining(name -> byName.put(
                FieldLimits.DIMENSION_NAME.check(name, dimensions.path()),
                dimensions.text(name, FieldLimits.DIMENSION_VALUE)));
        return byName;
    }

    private static void requireDimensionCount(int count, String path) {
        if (count > FieldLimits.MAX_DIMENSIONS) {
            throw new InvalidEventException(path, "expected at most " + FieldLimits.MAX_DIMENSIONS + " dimensions, got " + count);
        }
    }

    static AlarmStateChange fromSns(JsonField root) {
        List<JsonField> records = root.array(SNS_RECORDS);
        if (records.size() != 1) {
            throw root.invalid(SNS_RECORDS, "expected exactly one record, got " + records.size());
        }
        JsonField record = records.getFirst();
        record.expect("EventSource", "aws:sns");
        JsonField sns = record.object("Sns");
        JsonField message = JsonField.parseEmbedded(sns.text("Message", FieldLimits.SNS_MESSAGE), sns.pathOf("Message"));
        Optional<String> alarmArn = message.optionalText("AlarmArn", FieldLimits.ARN);
        String region = alarmArn.isPresent()
                ? JsonField.regionOfArn(alarmArn.get(), message.pathOf("AlarmArn"))
                : JsonField.regionOfArn(sns.text("TopicArn", FieldLimits.ARN), sns.pathOf("TopicArn"));
        return new AlarmStateChange(
                sns.text("MessageId", FieldLimits.EVENT_ID),
                AlarmDelivery.SNS,
                message.text("AWSAccountId", FieldLimits.ACCOUNT),
                region,
                message.text("AlarmName", FieldLimits.ALARM_NAME),
                alarmArn,
                message.enumValue("OldStateValue", AlarmState.class),
                message.enumValue("NewStateValue", AlarmState.class),
                message.text("NewStateReason", FieldLimits.STATE_REASON),
                message.instant("StateChangeTime"),
                message.optionalObject("Trigger").flatMap(AlarmStateChange::snsMetric),
                message.optionalText("AlarmRule", FieldLimits.ALARM_RULE));
    }

    /** A metric-math alarm's trigger lists {@code Metrics} instead of one metric: no single metric then. */
    private static Optional<MetricTrigger> snsMetric(JsonField trigger) {
        if (!trigger.has("MetricName")) {
            return Optional.empty();
        }
        Map<String, String> dimensions = new HashMap<>();
        List<JsonField> listed = trigger.optionalArray("Dimensions").orElse(List.of());
        requireDimensionCount(listed.size(), trigger.pathOf("Dimensions"));
        for (JsonField dimension : listed) {
            dimensions.put(dimension.text("name", FieldLimits.DIMENSION_NAME), dimension.text("value", FieldLimits.DIMENSION_VALUE));
        }
        return Optional.of(new MetricTrigger(
                trigger.text("Namespace", FieldLimits.NAMESPACE),
                trigger.text("MetricName", FieldLimits.METRIC_NAME),
                trigger.optionalText("Statistic", FieldLimits.STATISTIC)
                        .or(() -> trigger.optionalText("ExtendedStatistic", FieldLimits.STATISTIC)),
                trigger.optionalInt("Period", 1, FieldLimits.MAX_PERIOD_SECONDS),
                trigger.optionalDouble("Threshold"),
                trigger.optionalText("ComparisonOperator", FieldLimits.COMPARISON_OPERATOR),
                dimensions));
    }
}
