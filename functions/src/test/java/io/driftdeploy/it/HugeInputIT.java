package io.driftdeploy.it;

import static io.driftdeploy.testing.EventSamples.detail;
import static io.driftdeploy.testing.EventSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.AlarmsHandler;
import io.driftdeploy.handler.DriftHandler;
import io.driftdeploy.handler.ImagesHandler;
import io.driftdeploy.handler.RefreshesHandler;
import io.driftdeploy.orchestration.Result;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.message.Notification;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every function, fed the huge values that used to make its rejection fail on SNS's 256 KB
 * limit (so Lambda retried the event into the DLQ), on the emulator: nothing escapes handle(),
 * the result names the field, nothing is done, and the notification really published stays
 * within SNS's limits. Values at AWS's own limits are handled, and their notification and audit
 * record stay within SNS's and DynamoDB's limits.
 */
class HugeInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NOTIFIED = Duration.ofSeconds(30);
    private static final int SNS_MESSAGE_BYTES = 262_144;
    private static final int DYNAMODB_ITEM_BYTES = 400 * 1024;
    private static final String HUGE_INSTANCE = "i-" + "0".repeat(140_000);
    private static final String HUGE_AMI = "ami-" + "f".repeat(140_000);
    private static final String OVER_2KB = "n".repeat(2_100);

    private final TestEnvironment env = TestEnvironment.create();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    /** One huge input for one function, and the field its rejection must name. */
    record Huge(String label, String function, byte[] event, String field) {
        @Override
        public String toString() {
            return function + ": " + label;
        }
    }

    static Stream<Huge> hugeValues() {
        return Stream.of(
                new Huge("140,000-character resourceId", "drift", sample("drift/config-noncompliant-ec2.json",
                        event -> subject(event, "resourceId", HUGE_INSTANCE)), "detail.resourceId"),
                new Huge("rule name over 2 KB", "drift", sample("drift/config-noncompliant-ec2.json",
                        event -> subject(event, "configRuleName", OVER_2KB)), "detail.configRuleName"),
                new Huge("140,000-character imageId", "images", sample("images/golden-image-published.json",
                        event -> detail(event).put("imageId", HUGE_AMI)), "detail.imageId"),
                new Huge("Image Builder ARN with ../", "images", sample("images/imagebuilder-available.json",
                        event -> event.putArray("resources")
                                .add("arn:aws:imagebuilder:us-east-1:123456789012:image/app-golden/1.4.0/3/../../../x")),
                        "resources[0]"),
                new Huge("group name over 2 KB", "refreshes", sample("refreshes/refresh-started.json",
                        event -> detail(event).put("AutoScalingGroupName", OVER_2KB)), "detail.AutoScalingGroupName"),
                new Huge("alarm name over 2 KB", "alarms", sample("alarms/drift-alarm-state-alarm.json",
                        event -> detail(event).put("alarmName", OVER_2KB)), "detail.alarmName"),
                new Huge("SNS alarm name over 2 KB", "alarms", sample("alarms/sns-drift-alarm.json",
                        event -> snsMessageField(event, "AlarmName", OVER_2KB)), "Records[0].Sns.Message.AlarmName"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hugeValues")
    void aHugeValueIsRejectedNamingTheFieldAndTheRejectionIsPublished(Huge huge) {
        Map<String, Object> result = handler(huge.function()).apply(huge.event());

        assertThat(result).containsEntry("decision", "rejected").containsEntry("reason", "invalid-event")
                .containsEntry("field", huge.field()).containsEntry("actions", List.of());
        assertThat((String) result.get("error")).hasSizeLessThan(600);
        assertThat(result).containsKey("notificationId");
        ReceivedNotification notification = env.awaitNotifications(1, NOTIFIED).get(0);
        assertWithinSnsLimits(notification);
        assertThat(notification.kind()).isEqualTo("rejected");
        assertThat(notification.body().path("facts").path("field").asText()).isEqualTo(huge.field());
        assertThat(ledgerItems()).as("nothing is done for a rejected event, not even a claim").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hugeValues")
    void theRejectionRepeatsOnlyAPrefixOfTheValue(Huge huge) {
        String error = (String) handler(huge.function()).apply(huge.event()).get("error");

        assertThat(error).doesNotContain("0".repeat(65), "f".repeat(65), "n".repeat(65));
        if (!huge.label().contains("../")) {
            assertThat(error).containsPattern("\u2026 \\(\\d+ characters\\)");
        }
    }

    @Test
    void aRefreshOfAGroupWithTheLongestNameAllowedIsReportedWithinTheLimits() {
        String group = "g".repeat(255);
        byte[] event = sample("refreshes/refresh-failed.json", e -> detail(e)
                .put("AutoScalingGroupName", group).put("InstanceRefreshId", "r".repeat(255)));

        Map<String, Object> result = handler("refreshes").apply(event);

        assertThat(result.get("decision")).isNotEqualTo("rejected");
        assertWithinSnsLimits(env.awaitNotifications(1, NOTIFIED).get(0));
        assertAuditedWithinDynamoDbLimits(group);
    }

    @Test
    void anAlarmWithTheLongestNameReasonAndRuleAllowedIsReportedWithinTheLimits() {
        String alarm = "a".repeat(255);
        byte[] event = sample("alarms/composite-alarm-state-alarm.json", e -> {
            detail(e).put("alarmName", alarm);
            ((ObjectNode) detail(e).get("state")).put("reason", "r".repeat(1023));
            ((ObjectNode) detail(e).get("configuration")).put("alarmRule", "ALARM(" + "x".repeat(10_232) + ")");
            e.putArray("resources").add("arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + alarm);
        });

        Map<String, Object> result = handler("alarms").apply(event);

        assertThat(result.get("decision")).isNotEqualTo("rejected");
        ReceivedNotification notification = env.awaitNotifications(1, NOTIFIED).get(0);
        assertWithinSnsLimits(notification);
        assertThat(notification.kind()).isEqualTo("alarm");
        assertAuditedWithinDynamoDbLimits(alarm);
    }

    private Function<byte[], Map<String, Object>> handler(String function) {
        Settings settings = env.settings(Map.of(
                Settings.PREFIX + "DRIFT_RULES", env.prefix + "-drift-rule",
                Settings.PREFIX + "DRIFT_ALARMS", env.prefix + "-drift-alarm"));
        Clock clock = Clock.systemUTC();
        Telemetry telemetry = new Telemetry(function, new PrintStream(log, true, StandardCharsets.UTF_8), clock);
        Function<byte[], Result> handler = switch (function) {
            case "drift" -> new DriftHandler(settings, env.aws, clock, telemetry)::handle;
            case "images" -> new ImagesHandler(settings, env.aws, clock, telemetry)::handle;
            case "refreshes" -> new RefreshesHandler(settings, env.aws, clock, telemetry)::handle;
            case "alarms" -> new AlarmsHandler(settings, env.aws, clock, telemetry)::handle;
            default -> throw new IllegalArgumentException(function);
        };
        return handler.andThen(Result::json);
    }

    private static void assertWithinSnsLimits(ReceivedNotification notification) {
        assertThat(notification.subject()).isNotBlank().hasSizeLessThanOrEqualTo(Notification.MAX_SUBJECT_LENGTH)
                .doesNotContainPattern("\\p{Cntrl}");
        int attributeBytes = notification.attributes().entrySet().stream()
                .mapToInt(e -> utf8(e.getKey()) + utf8(e.getValue())).sum();
        assertThat(notification.attributes().values()).allSatisfy(value -> assertThat(value).isNotBlank());
        assertThat(utf8(notification.body().toString()) + utf8(notification.subject()) + attributeBytes)
                .isLessThan(SNS_MESSAGE_BYTES);
    }

    private void assertAuditedWithinDynamoDbLimits(String subject) {
        List<Map<String, AttributeValue>> records = env.aws.dynamoDb().query(r -> r.tableName(env.tableName)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", Ledger.PARTITION_KEY))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(AuditTrail.partitionKey(subject))))).items();
        assertThat(records).isNotEmpty().allSatisfy(record -> {
            assertThat(utf8(record.get(Ledger.PARTITION_KEY).s())).isLessThanOrEqualTo(Ledger.MAX_PARTITION_KEY_BYTES);
            assertThat(utf8(record.get(Ledger.SORT_KEY).s())).isLessThanOrEqualTo(Ledger.MAX_SORT_KEY_BYTES);
            assertThat(itemBytes(record)).isLessThan(DYNAMODB_ITEM_BYTES);
        });
        assertThat(ledgerItems()).allSatisfy(item -> {
            assertThat(utf8(item.get(Ledger.PARTITION_KEY).s())).isLessThanOrEqualTo(Ledger.MAX_PARTITION_KEY_BYTES);
            assertThat(utf8(item.get(Ledger.SORT_KEY).s())).isLessThanOrEqualTo(Ledger.MAX_SORT_KEY_BYTES);
        });
    }

    private List<Map<String, AttributeValue>> ledgerItems() {
        return env.aws.dynamoDb().scan(r -> r.tableName(env.tableName)).items();
    }

    /** Attribute names and values, as DynamoDB counts an item's size (strings and lists of strings here). */
    private static int itemBytes(Map<String, AttributeValue> item) {
        return item.entrySet().stream().mapToInt(e -> utf8(e.getKey()) + (e.getValue().s() != null ? utf8(e.getValue().s())
                : e.getValue().hasL() ? e.getValue().l().stream().mapToInt(v -> v.s() == null ? 21 : utf8(v.s())).sum()
                : 21)).sum();
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Sets the field in the detail and in the evaluation's qualifier, which must agree. */
    private static void subject(ObjectNode event, String field, String value) {
        detail(event).put(field, value);
        ((ObjectNode) detail(event).at("/newEvaluationResult/evaluationResultIdentifier/evaluationResultQualifier"))
                .put(field, value);
    }

    private static void snsMessageField(ObjectNode event, String field, String value) {
        ObjectNode sns = (ObjectNode) event.at("/Records/0/Sns");
        try {
            ObjectNode message = (ObjectNode) JSON.readTree(sns.get("Message").asText());
            message.put(field, value);
            sns.put("Message", JSON.writeValueAsString(message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
