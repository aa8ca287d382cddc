package io.driftdeploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.message.Notification;
import io.driftdeploy.policy.Severity;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * What is published and written stays within SNS's and DynamoDB's limits whatever the facts
 * hold: a notification fits one SNS message, audit facts one item, ledger keys their key limits.
 */
class ServiceLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HUGE = "x".repeat(2_000_000);

    /** Facts no real decision has, each too big for a message in its own way. */
    static Stream<Map<String, Object>> hugeFacts() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("level", Map.of("deeper", List.of(HUGE, Map.of("deepest", HUGE))));
        return Stream.of(
                Map.of("instance", HUGE),
                Map.of("instances", Collections.nCopies(100_000, "i-0123456789abcdef0")),
                Map.of("decisions", Collections.nCopies(5_000, Map.of("rule", "r".repeat(300), "reason", "capacity-guard"))),
                nested,
                Map.of("\u00e9".repeat(300_000), "multi-byte key"));
    }

    @ParameterizedTest
    @MethodSource("hugeFacts")
    void aNotificationFitsOneSnsMessage(Map<String, Object> facts) throws IOException {
        Notification notification = new Notification("drift", Severity.WARNING,
                Optional.of("a".repeat(10_000)), Optional.of("g".repeat(10_000)), "s".repeat(10_000), HUGE);

        String body = Notifier.body(notification, "notify", facts);
        Map<String, MessageAttributeValue> attributes = SnsNotifier.messageAttributes(Notifier.attributes(notification, "notify"));

        assertThat(BoundedJson.utf8Length(body)).isLessThanOrEqualTo(Notifier.MAX_BODY_BYTES);
        JsonNode parsed = JSON.readTree(body);
        assertThat(parsed.path("summary").asText()).contains("(2000000 characters)");
        int attributeBytes = attributes.entrySet().stream()
                .mapToInt(e -> BoundedJson.utf8Length(e.getKey()) + BoundedJson.utf8Length(e.getValue().stringValue())
                        + e.getValue().dataType().length())
                .sum();
        assertThat(BoundedJson.utf8Length(body) + BoundedJson.utf8Length(notification.subject()) + attributeBytes)
                .isLessThan(Notifier.MAX_MESSAGE_BYTES);
        assertThat(attributes.values()).allSatisfy(value -> assertThat(value.stringValue())
                .isNotBlank().hasSizeLessThanOrEqualTo(Notifier.MAX_ATTRIBUTE_LENGTH + 30));
    }

    @ParameterizedTest
    @MethodSource("hugeFacts")
    void auditFactsFitOneItem(Map<String, Object> facts) throws IOException {
        String json = BoundedJson.write(facts, AuditTrail.MAX_FACTS_BYTES);

        assertThat(BoundedJson.utf8Length(json)).isLessThanOrEqualTo(AuditTrail.MAX_FACTS_BYTES);
        assertThat(JSON.readTree(json).isObject()).isTrue();
    }

    @Test
    void factsThatFitAreWrittenUnchanged() throws IOException {
        Map<String, Object> facts = Map.of("instance", "i-0123456789abcdef0", "instances", List.of("a", "b"), "count", 2);

        assertThat(JSON.readTree(BoundedJson.write(facts, 1_000))).isEqualTo(JSON.valueToTree(facts));
    }

    @Test
    void aLongListKeepsItsFirstElementsAndSaysHowManyWereLeftOut() {
        String json = BoundedJson.write(Map.of("instances", Collections.nCopies(100_000, "i-0123456789abcdef0")), 64 * 1024);

        assertThat(json).contains("\"i-0123456789abcdef0\"").contains("more)");
    }

    @Test
    void whatNoStepCanFitIsReplacedByAMarker() {
        assertThat(BoundedJson.write(Map.of("a", HUGE), 40)).contains(BoundedJson.OMITTED);
    }

    @Test
    void blankAttributesAreLeftOut() {
        Notification notification = new Notification("drift", Severity.INFO,
                Optional.of("  "), Optional.empty(), "subject", "summary");

        assertThat(Notifier.attributes(notification, "notify")).containsOnlyKeys("kind", "severity", "action");
    }

    @Test
    void keysThatFitAreKeptAsTheyAre() {
        String key = "GROUP#" + "g".repeat(255);

        assertThat(Ledger.partitionKey(key)).isEqualTo(key);
        assertThat(Ledger.sortKey(key)).isEqualTo(key);
    }

    @Test
    void aKeyTooLongIsHashedWithinTheLimitStablyAndDistinctly() {
        String group = "g".repeat(3_000);
        String other = group + "h";

        String pk = Ledger.partitionKey("GROUP#" + group);
        String sk = Ledger.sortKey("rate#" + group);

        assertThat(BoundedJson.utf8Length(pk)).isLessThanOrEqualTo(Ledger.MAX_PARTITION_KEY_BYTES);
        assertThat(BoundedJson.utf8Length(sk)).isLessThanOrEqualTo(Ledger.MAX_SORT_KEY_BYTES);
        assertThat(pk).startsWith("GROUP#ggg").contains("#sha256=").isEqualTo(Ledger.partitionKey("GROUP#" + group));
        assertThat(Ledger.partitionKey("GROUP#" + other)).isNotEqualTo(pk);
    }

    @Test
    void aMultiByteKeyIsCutOnACharacterBoundary() {
        String key = Ledger.sortKey("\ud83d\udea8".repeat(1_000));

        assertThat(BoundedJson.utf8Length(key)).isLessThanOrEqualTo(Ledger.MAX_SORT_KEY_BYTES);
        assertThat(key.substring(0, key.indexOf("#sha256="))).matches("(\ud83d\udea8)+");
    }
}
