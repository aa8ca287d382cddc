package io.driftdeploy.event;

import java.time.Instant;

/**
 * What AWS allows in each field an event supplies, in one place. Every value is checked against
 * its limit when the event is parsed, before any AWS call, so that no value an event carries can
 * make a notification, an audit record or a ledger key exceed what SNS and DynamoDB accept (a
 * 140,000-character instance id used to make the rejection itself fail, and the event retried
 * into the DLQ). A value over its limit is an {@link InvalidEventException} naming the field.
 *
 * <p>Sources, AWS API Reference pages (length constraints and patterns as AWS documents them):
 * <ul>
 *   <li>Auto Scaling, AutoScalingGroup / DescribeInstanceRefreshes: AutoScalingGroupName 1-255,
 *       pattern {@code [\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*}; InstanceRefreshId
 *       XmlStringMaxLen255; AutoScalingGroupARN and Alarm AlarmARN 1-1600
 *       (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_AutoScalingGroup.html,
 *       https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Alarm.html);
 *       RefreshPreferences CheckpointPercentages 1-100, CheckpointDelay 0-172800 seconds.</li>
 *   <li>CloudWatch, PutMetricAlarm / SetAlarmState / MetricAlarm: AlarmName 1-255, StateReason 0-1023,
 *       StateReasonData 0-4000, AlarmRule 1-10240, Namespace 1-255 (pattern {@code [^:].*}), MetricName
 *       1-255, Dimension Name 1-255 and Value 1-1024; Period times EvaluationPeriods at most 7 days
 *       (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).</li>
 *   <li>AWS Config, Evaluation / ExternalEvaluation / ConfigRule: ConfigRuleName 1-128, pattern
 *       {@code .*\S.*}; ComplianceResourceType 1-256; ComplianceResourceId 1-768; Annotation 1-256
 *       (https://docs.aws.amazon.com/config/latest/APIReference/API_Evaluation.html).</li>
 *   <li>EC2 Image Builder, ImageVersion arn: {@code arn:aws[^:]*:imagebuilder:REGION:(ACCOUNT|aws):image/NAME/X.Y.Z/BUILD},
 *       NAME {@code [a-z0-9-_]+}, each version node at most 2^30-1
 *       (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ImageVersion.html).</li>
 *   <li>EC2: instance ids {@code i-} and AMI ids {@code ami-} with 8 or 17 hex digits; tag values
 *       (the application a publisher names is matched against one) 0-256.</li>
 *   <li>SNS, Publish: a message is at most 256 KB (262,144 bytes)
 *       (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).</li>
 * </ul>
 */
public final class FieldLimits {

    /** How many characters of a rejected value an error repeats: enough to recognise it, never the whole. */
    public static final int ECHO_LENGTH = 64;

    /**
     * The bound on every text field with no tighter limit of its own: the longest free text AWS puts
     * in any field these events carry (a composite alarm's AlarmRule, 10,240 characters).
     */
    public static final int ANY_TEXT_LENGTH = 10_240;

    /**
     * No event AWS delivers to these functions is over 256 KB (EventBridge's and SNS's limit); an
     * SNS message escaped inside the SNS-to-Lambda record grows a little, so 1 MiB is ample.
     */
    public static final int DOCUMENT_BYTES = 1 << 20;

    /** AWS's pattern for names: any Unicode character except control characters other than tab, CR and LF. */
    private static final String XML_CHARACTERS = "[\\x{20}-\\x{D7FF}\\x{E000}-\\x{FFFD}\\x{10000}-\\x{10FFFF}\\r\\n\\t]+";

    static final FieldLimit ANY_TEXT = FieldLimit.text("text", ANY_TEXT_LENGTH);

    /** EventBridge event ids and SNS message ids are UUIDs; anything printable up to 128 is allowed. */
    static final FieldLimit EVENT_ID = FieldLimit.identifier("an event id (printable ASCII, no spaces)", 128,
            "[\\x21-\\x7E]+");
    static final FieldLimit ACCOUNT = FieldLimit.identifier("a 12-digit AWS account id", 12, "[0-9]{12}");
    static final FieldLimit REGION = FieldLimit.identifier("an AWS region code (e.g. us-east-1)", 32,
            "[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}");
    static final FieldLimit ARN = FieldLimit.identifier("an ARN (arn:partition:service:...)", 1600,
            "arn:aws[a-z-]*:[a-z0-9-]+:[^\\p{Cntrl}]*");

    static final FieldLimit INSTANCE_ID = FieldLimit.identifier("an EC2 instance id (i-...)", 19,
            "i-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    static final FieldLimit AMI_ID = FieldLimit.identifier("an AMI id (ami-...)", 21,
            "ami-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    /** EC2 ImageState and Image Builder ImageStatus values are single words (available, AVAILABLE, ...). */
    static final FieldLimit IMAGE_STATE = FieldLimit.identifier("an image state (e.g. available)", 32, "[A-Za-z_]+");
    static final FieldLimit TAG_VALUE = FieldLimit.text("a tag value", 256);
    static final FieldLimit IMAGE_BUILDER_ARN = FieldLimit.identifier(
            "an Image Builder image build version ARN (arn:aws:imagebuilder:REGION:ACCOUNT:image/NAME/X.Y.Z/BUILD)", 1600,
            "arn:aws(?:-[a-z]+)*:imagebuilder:[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}:(?:[0-9]{12}|aws(?:-[a-z-]+)?):image"
                    + "/[a-z0-9_-]+/[0-9]{1,10}\\.[0-9]{1,10}\\.[0-9]{1,10}/[0-9]{1,10}");

    static final FieldLimit CONFIG_RULE_NAME = FieldLimit.identifier("a Config rule name", 128, "(?s).*\\S.*");
    static final FieldLimit CONFIG_RESOURCE_TYPE = FieldLimit.text("a Config resource type", 256);
    static final FieldLimit CONFIG_RESOURCE_ID = FieldLimit.text("a Config resource id", 768);
    static final FieldLimit CONFIG_ANNOTATION = FieldLimit.text("a Config annotation", 256);

    static final FieldLimit GROUP_NAME = FieldLimit.identifier("an Auto Scaling group name", 255, XML_CHARACTERS);
    static final FieldLimit INSTANCE_REFRESH_ID = FieldLimit.identifier("an instance refresh id", 255, XML_CHARACTERS);

    static final FieldLimit ALARM_NAME = FieldLimit.identifier("an alarm name", 255, XML_CHARACTERS);
    static final FieldLimit STATE_REASON = FieldLimit.text("an alarm state reason", 1023);
    static final FieldLimit STATE_REASON_DATA = FieldLimit.text("alarm state reason data", 4000);
    static final FieldLimit ALARM_RULE = FieldLimit.text("a composite alarm rule", 10_240);
    static final FieldLimit NAMESPACE = FieldLimit.identifier("a metric namespace", 255, "[^:].*");
    static final FieldLimit METRIC_NAME = FieldLimit.text("a metric name", 255);
    static final FieldLimit DIMENSION_NAME = FieldLimit.text("a dimension name", 255);
    static final FieldLimit DIMENSION_VALUE = FieldLimit.text("a dimension value", 1024);
    static final FieldLimit STATISTIC = FieldLimit.text("a statistic", 255);
    static final FieldLimit COMPARISON_OPERATOR = FieldLimit.identifier("a comparison operator", 64, "[A-Za-z]+");
    static final FieldLimit SNS_MESSAGE = FieldLimit.text("an SNS message", 262_144);

    /** Timestamps are rejected at their length before they are parsed. */
    static final FieldLimit TIMESTAMP = FieldLimit.text("an ISO-8601 timestamp", 64);
    /**
     * No AWS event is older than AWS (2006) and none should outlive this code; the bounds keep every
     * timestamp's epoch milliseconds far from overflow (an orderingTimestamp in year +999999999 used
     * to overflow a long in the ledger).
     */
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

    /** Auto Scaling's checkpoint share (percent) and delay (at most 172,800 seconds, two days). */
    static final int MAX_CHECKPOINT_PERCENTAGE = 100;
    static final int MAX_CHECKPOINT_DELAY_SECONDS = 172_800;
    /** A metric has at most 30 dimensions (AWS::CloudWatch::Alarm Metric, Dimensions: maximum 30). */
    static final int MAX_DIMENSIONS = 30;
    /** An alarm evaluates at most 7 days of data, so no period is longer. */
    static final int MAX_PERIOD_SECONDS = 7 * 24 * 3600;

    private FieldLimits() {
    }

    /**
     * A bad value as an error repeats it: the first {@link #ECHO_LENGTH} characters and the length
     * when it is longer, control characters shown as {@code ?} so that it stays one line.
     */
    public static String echo(String value) {
        return oneLine(value, ECHO_LENGTH);
    }

    /** {@link #abbreviate} to {@code keep} characters, with control characters (line breaks too) shown as {@code ?}. */
    public static String oneLine(String text, int keep) {
        return abbreviate(text, keep).replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * {@code text} itself when it has at most {@code keep} characters, otherwise its first
     * {@code keep} characters and a marker saying how long it was: {@code abc… (140000 characters)}.
     * Never splits a surrogate pair.
     */
    public static String abbreviate(String text, int keep) {
        if (text.length() <= keep || keep <= 0) {
            return keep <= 0 && !text.isEmpty() ? "\u2026 (" + text.length() + " characters)" : text;
        }
        int end = Character.isHighSurrogate(text.charAt(keep - 1)) ? keep - 1 : keep;
        return text.substring(0, end) + "\u2026 (" + text.length() + " characters)";
    }
}
