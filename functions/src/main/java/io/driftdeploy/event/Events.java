package io.driftdeploy.event;

/**
 * Entry points: raw event bytes in, one validated immutable record out, or an
 * {@link InvalidEventException} naming the offending field. One parser per function.
 */
public final class Events {

    private Events() {
    }

    /** For the drift function: a {@code Config Rules Compliance Change} about an EC2 instance. */
    public static ComplianceChange parseCompliance(byte[] json) {
        return ComplianceChange.from(envelope(json));
    }

    /** For the images function: an AMI state change, an Image Builder state change or a Golden Image Published. */
    public static ImageAvailable parseImage(byte[] json) {
        return ImageEvents.parse(envelope(json));
    }

    /** For the refreshes function: an {@code EC2 Auto Scaling Instance Refresh ...} event. */
    public static InstanceRefreshEvent parseRefresh(byte[] json) {
        return InstanceRefreshEvent.from(envelope(json));
    }

    /**
     * For the alarms function: a {@code CloudWatch Alarm State Change} from EventBridge, or the
     * SNS-to-Lambda event carrying exactly one alarm message.
     */
    public static AlarmStateChange parseAlarm(byte[] json) {
        JsonField root = JsonField.parseDocument(json);
        return root.has(AlarmStateChange.SNS_RECORDS)
                ? AlarmStateChange.fromSns(root)
                : AlarmStateChange.fromEventBridge(EventEnvelope.parse(root));
    }

    private static EventEnvelope envelope(byte[] json) {
        return EventEnvelope.parse(JsonField.parseDocument(json));
    }
}
