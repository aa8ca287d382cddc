package io.driftdeploy.event;

/** How an alarm state change reached the function. */
public enum AlarmDelivery {
    /** A {@code CloudWatch Alarm State Change} event from EventBridge. */
    EVENTBRIDGE,
    /** The alarm's classic JSON message, published to SNS by the alarm action, in the SNS-to-Lambda event. */
    SNS
}
