package io.driftdeploy.event;

import static io.driftdeploy.event.EventSamples.ALARM;
import static io.driftdeploy.event.EventSamples.AMI;
import static io.driftdeploy.event.EventSamples.CHECKPOINT;
import static io.driftdeploy.event.EventSamples.COMPOSITE;
import static io.driftdeploy.event.EventSamples.DRIFT;
import static io.driftdeploy.event.EventSamples.GOLDEN;
import static io.driftdeploy.event.EventSamples.IMAGE_BUILDER;
import static io.driftdeploy.event.EventSamples.MAPPER;
import static io.driftdeploy.event.EventSamples.MESSAGE;
import static io.driftdeploy.event.EventSamples.QUALIFIER;
import static io.driftdeploy.event.EventSamples.REFRESH;
import static io.driftdeploy.event.EventSamples.SNS;
import static io.driftdeploy.event.EventSamples.change;
import static io.driftdeploy.event.EventSamples.tree;
import static io.driftdeploy.event.EventSamples.with;
import static io.driftdeploy.event.EventSamples.withMessageField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftdeploy.event.MalformedEventTest.Case;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field an event supplies is bounded by what AWS allows for it: a value over the limit, of
 * the wrong format or out of range is rejected naming the field, and the rejection repeats only
 * a short prefix of it. A value exactly at the limit is accepted.
 */
class FieldBoundsTest {

    private static final String METRIC = "detail.configuration.metrics[0].metricStat";
    /** The reported 140,000-character resource id. */
    private static final String HUGE = "i-" + "a".repeat(140_000);

    static Stream<Case> tooLong() {
        return Stream.of(
                new Case("huge event id", "drift", with(DRIFT, "id", "e".repeat(129)), "id"),
                new Case("huge account", "drift", with(DRIFT, "account", "1".repeat(13)), "account"),
                new Case("huge region", "drift", with(DRIFT, "region", "us-east-" + "1".repeat(40)), "region"),
                new Case("huge resource ARN", "refreshes",
                        change(tree(REFRESH), "resources", MAPPER.createArrayNode().add("arn:aws:autoscaling:" + "x".repeat(1600))),
                        "resources[0]"),
                new Case("huge resource id", "drift", with(DRIFT, "detail.resourceId", HUGE), "detail.resourceId"),
                new Case("huge resource type", "drift", with(DRIFT, "detail.resourceType", "AWS::" + "X".repeat(300)),
                        "detail.resourceType"),
                new Case("huge rule name", "drift", with(DRIFT, "detail.configRuleName", "r".repeat(129)),
                        "detail.configRuleName"),
                new Case("huge annotation", "drift",
                        with(DRIFT, "detail.newEvaluationResult.annotation", "a".repeat(257)),
                        "detail.newEvaluationResult.annotation"),
                new Case("huge free text", "drift", with(DRIFT, "source", "s".repeat(FieldLimits.ANY_TEXT_LENGTH + 1)), "source"),
                new Case("huge AMI id", "images", with(AMI, "detail.ImageId", "ami-" + "0".repeat(140_000)), "detail.ImageId"),
                new Case("huge AMI state", "images", with(AMI, "detail.State", "available".repeat(10)), "detail.State"),
                new Case("huge golden image id", "images", with(GOLDEN, "detail.imageId", "ami-" + "f".repeat(140_000)),
                        "detail.imageId"),
                new Case("huge app", "images", with(GOLDEN, "detail.app", "a".repeat(257)), "detail.app"),
                new Case("huge group name", "refreshes", with(REFRESH, "detail.AutoScalingGroupName", "g".repeat(2_100)),
                        "detail.AutoScalingGroupName"),
                new Case("group name one over", "refreshes", with(REFRESH, "detail.AutoScalingGroupName", "g".repeat(256)),
                        "detail.AutoScalingGroupName"),
                new Case("huge refresh id", "refreshes", with(REFRESH, "detail.InstanceRefreshId", "r".repeat(256)),
                        "detail.InstanceRefreshId"),
                new Case("huge alarm name", "alarms", with(ALARM, "detail.alarmName", "a".repeat(2_100)), "detail.alarmName"),
                new Case("alarm name one over", "alarms", with(ALARM, "detail.alarmName", "a".repeat(256)), "detail.alarmName"),
                new Case("huge state reason", "alarms", with(ALARM, "detail.state.reason", "r".repeat(1024)),
                        "detail.state.reason"),
                new Case("huge reason data", "alarms", with(ALARM, "detail.state.reasonData", "{" + " ".repeat(4000) + "}"),
                        "detail.state.reasonData"),
                new Case("huge namespace", "alarms", with(ALARM, METRIC + ".metric.namespace", "n".repeat(256)),
                        METRIC + ".metric.namespace"),
                new Case("huge metric name", "alarms", with(ALARM, METRIC + ".metric.name", "n".repeat(256)),
                        METRIC + ".metric.name"),
                new Case("huge dimension value", "alarms",
                        change(tree(ALARM), METRIC + ".metric.dimensions",
                                MAPPER.createObjectNode().put("AutoScalingGroupName", "v".repeat(1025))),
                        METRIC + ".metric.dimensions.AutoScalingGroupName"),
                new Case("huge dimension name", "alarms",
                        change(tree(ALARM), METRIC + ".metric.dimensions", MAPPER.createObjectNode().put("d".repeat(300), "v")),
                        METRIC + ".metric.dimensions"),
                new Case("31 dimensions", "alarms", change(tree(ALARM), METRIC + ".metric.dimensions", dimensions(31)),
                        METRIC + ".metric.dimensions"),
                new Case("31 SNS dimensions", "alarms", withMessageField(SNS, "Trigger.Dimensions", snsDimensions(31)),
                        MESSAGE + ".Trigger.Dimensions"),
                new Case("huge alarm rule", "alarms", with(COMPOSITE, "detail.configuration.alarmRule", "A".repeat(10_241)),
                        "detail.configuration.alarmRule"),
                new Case("huge SNS alarm name", "alarms", withMessageField(SNS, "AlarmName", TextNode.valueOf("a".repeat(256))),
                        MESSAGE + ".AlarmName"),
                new Case("huge SNS reason", "alarms", withMessageField(SNS, "NewStateReason", TextNode.valueOf("r".repeat(1024))),
                        MESSAGE + ".NewStateReason"),
                new Case("huge SNS message id", "alarms", with(SNS, "Records[0].Sns.MessageId", "m".repeat(129)),
                        "Records[0].Sns.MessageId"),
                new Case("huge SNS comparison operator", "alarms",
                        withMessageField(SNS, "Trigger.ComparisonOperator", TextNode.valueOf("G".repeat(65))),
                        MESSAGE + ".Trigger.ComparisonOperator"),
                new Case("huge timestamp", "drift", with(DRIFT, "time", "2025-06-12T07:42:19" + "0".repeat(100) + "Z"), "time"));
    }

    static Stream<Case> wrongFormat() {
        return Stream.of(
                new Case("event id with a space", "drift", with(DRIFT, "id", "a b"), "id"),
                new Case("account of letters", "drift", with(DRIFT, "account", "12345678901x"), "account"),
                new Case("region not a code", "drift", with(DRIFT, "region", "US East (N. Virginia)"), "region"),
                new Case("instance id of 9 hex digits", "drift", with(DRIFT, "detail.resourceId", "i-0123456789"),
                        "detail.resourceId"),
                new Case("instance id in capitals", "drift", with(DRIFT, "detail.resourceId", "i-0ABC1234DEF567890"),
                        "detail.resourceId"),
                new Case("AMI id with trailing text", "images", with(AMI, "detail.ImageId", "ami-0fedcba9876543210 "),
                        "detail.ImageId"),
                new Case("AMI state with a space", "images", with(AMI, "detail.State", "avail able"), "detail.State"),
                new Case("group name with a control character", "refreshes",
                        with(REFRESH, "detail.AutoScalingGroupName", "app\u0000blue"), "detail.AutoScalingGroupName"),
                new Case("alarm name with a control character", "alarms", with(ALARM, "detail.alarmName", "drift\u0007"),
                        "detail.alarmName"),
                new Case("namespace starting with a colon", "alarms", with(ALARM, METRIC + ".metric.namespace", ":AWS"),
                        METRIC + ".metric.namespace"),
                new Case("SNS account not 12 digits", "alarms", withMessageField(SNS, "AWSAccountId", TextNode.valueOf("1234")),
                        MESSAGE + ".AWSAccountId"),
                new Case("SNS alarm ARN with a bad region", "alarms",
                        withMessageField(SNS, "AlarmArn", TextNode.valueOf("arn:aws:cloudwatch:../../x:123456789012:alarm:a")),
                        MESSAGE + ".AlarmArn"),
                new Case("resource not an ARN", "alarms",
                        change(tree(ALARM), "resources", MAPPER.createArrayNode().add("config-drift-detected")), "resources[0]"));
    }

    static Stream<Case> imageBuilderArns() {
        String valid = "arn:aws:imagebuilder:us-east-1:123456789012:image/app-golden/1.4.0/3";
        return Stream.of(
                valid + "/../../image-pipeline/x",
                "arn:aws:imagebuilder:us-east-1:123456789012:image/../app-golden/1.4.0/3",
                valid + "/4",
                valid + "junk",
                valid + " ",
                valid + "\n",
                "arn:aws:imagebuilder:us-east-1:123456789012:image/app-golden/1.4.0",
                "arn:aws:imagebuilder:us-east-1:123456789012:image/app-golden/1.4/3",
                "arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/app-golden/1.4.0/3",
                "arn:aws:imagebuilder:us-east-1:1234:image/app-golden/1.4.0/3",
                "arn:aws:imagebuilder:us-east-1:123456789012:image/App Golden/1.4.0/3",
                "arn:aws:imagebuilder::123456789012:image/app-golden/1.4.0/3",
                "arn:aws:imagebuilder:us-east-1:123456789012:image/app-golden/1.4.0/12345678901",
                "arn:aws:imagebuilder:us-east-1:123456789012:image/" + "a".repeat(2_000) + "/1.4.0/3")
                .map(arn -> new Case("Image Builder ARN " + FieldLimits.echo(arn), "images",
                        change(tree(IMAGE_BUILDER), "resources", MAPPER.createArrayNode().add(arn)), "resources[0]"));
    }

    static Stream<Case> outOfRange() {
        return Stream.of(
                new Case("ordering timestamp in year +999999999", "drift",
                        with(DRIFT, QUALIFIER + ".orderingTimestamp", "+999999999-12-31T23:59:59Z"), QUALIFIER + ".orderingTimestamp"),
                new Case("ordering timestamp in year -999999999", "drift",
                        with(DRIFT, QUALIFIER + ".orderingTimestamp", "-999999999-01-01T00:00:00Z"), QUALIFIER + ".orderingTimestamp"),
                new Case("ordering timestamp in year 9999", "drift",
                        with(DRIFT, QUALIFIER + ".orderingTimestamp", "9999-12-31T23:59:59Z"), QUALIFIER + ".orderingTimestamp"),
                new Case("event time in 1900", "drift", with(DRIFT, "time", "1900-01-01T00:00:00Z"), "time"),
                new Case("alarm time in year 10000", "alarms", with(ALARM, "detail.state.timestamp", "+10000-01-01T00:00:00.000+0000"),
                        "detail.state.timestamp"),
                new Case("checkpoint percentage over 100", "refreshes", with(CHECKPOINT, "detail.CheckpointPercentage", "101"),
                        "detail.CheckpointPercentage"),
                new Case("negative checkpoint percentage", "refreshes", with(CHECKPOINT, "detail.CheckpointPercentage", "-1"),
                        "detail.CheckpointPercentage"),
                new Case("checkpoint delay beyond two days", "refreshes", with(CHECKPOINT, "detail.CheckpointDelay", "172801"),
                        "detail.CheckpointDelay"),
                new Case("checkpoint delay beyond an int", "refreshes", with(CHECKPOINT, "detail.CheckpointDelay", "99999999999"),
                        "detail.CheckpointDelay"),
                new Case("checkpoint delay of a thousand digits", "refreshes",
                        change(tree(CHECKPOINT), "detail.CheckpointDelay", MAPPER.getNodeFactory().numberNode(
                                new BigInteger("9".repeat(1000)))),
                        "detail.CheckpointDelay"),
                new Case("period of zero", "alarms",
                        change(tree(ALARM), METRIC + ".period", MAPPER.getNodeFactory().numberNode(0)), METRIC + ".period"),
                new Case("infinite threshold", "alarms",
                        withMessageField(SNS, "Trigger.Threshold", MAPPER.getNodeFactory().numberNode(new BigDecimal("1e400"))),
                        MESSAGE + ".Trigger.Threshold"),
                new Case("NaN threshold", "alarms", withMessageField(SNS, "Trigger.Threshold", DoubleNode.valueOf(Double.NaN)),
                        MESSAGE + ".Trigger.Threshold"),
                new Case("document over a mebibyte", "drift", oversizedDocument(), "$"));
    }

    @ParameterizedTest
    @MethodSource({"tooLong", "wrongFormat", "imageBuilderArns", "outOfRange"})
    void rejectsNamingTheFieldAndEchoesOnlyAPrefix(Case bad) {
        assertThatThrownBy(() -> EventSamples.parserOf(bad.function()).apply(bad.event()))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.field()).isEqualTo(bad.field());
                    assertThat(e.problem()).hasSizeLessThan(600).doesNotContain("\n", "\u0000");
                    assertThat(e.getMessage()).isEqualTo("invalid event: " + bad.field() + ": " + e.problem());
                });
    }

    static Stream<Case> atTheLimit() {
        return Stream.of(
                new Case("group name of 255", "refreshes", with(REFRESH, "detail.AutoScalingGroupName", "g".repeat(255)), ""),
                new Case("refresh id of 255", "refreshes", with(REFRESH, "detail.InstanceRefreshId", "r".repeat(255)), ""),
                new Case("alarm name of 255", "alarms", with(ALARM, "detail.alarmName", "a".repeat(255)), ""),
                new Case("alarm name with Unicode", "alarms", with(ALARM, "detail.alarmName", "Drift \u00e9t\u00e9 \ud83d\udea8"), ""),
                new Case("state reason of 1023", "alarms", with(ALARM, "detail.state.reason", "r".repeat(1023)), ""),
                new Case("30 dimensions", "alarms", change(tree(ALARM), METRIC + ".metric.dimensions", dimensions(30)), ""),
                new Case("alarm rule of 10240", "alarms", with(COMPOSITE, "detail.configuration.alarmRule", "A".repeat(10_240)), ""),
                new Case("rule name of 128", "drift", ruleNamed("r".repeat(128)), ""),
                new Case("annotation of 256", "drift", with(DRIFT, "detail.newEvaluationResult.annotation", "a".repeat(256)), ""),
                new Case("app of 256", "images", with(GOLDEN, "detail.app", "a".repeat(256)), ""),
                new Case("8-digit instance id", "drift", instanceNamed("i-0123abcd"), ""),
                new Case("checkpoint at 100 % and two days", "refreshes", checkpoint("100", "172800"), ""),
                new Case("ordering timestamp at 2099", "drift",
                        with(DRIFT, QUALIFIER + ".orderingTimestamp", "2099-12-31T23:59:59.999Z"), ""),
                new Case("GovCloud Image Builder ARN", "images", change(tree(IMAGE_BUILDER), "resources", MAPPER.createArrayNode()
                        .add("arn:aws-us-gov:imagebuilder:us-gov-west-1:123456789012:image/app_golden-2/10.0.1/12")), ""));
    }

    @ParameterizedTest
    @MethodSource("atTheLimit")
    void acceptsAValueAtItsLimit(Case good) {
        assertThat(EventSamples.parserOf(good.function()).apply(good.event())).isNotNull();
    }

    @Test
    void theRejectionOfAHugeValueEchoesItsFirst64CharactersAndItsLength() {
        assertThatThrownBy(() -> Events.parseCompliance(with(DRIFT, "detail.resourceId", HUGE)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.problem()).isEqualTo(
                        "expected an EC2 instance id (i-...) of at most 19 characters, got "
                                + HUGE.substring(0, 64) + "\u2026 (140002 characters)"));
    }

    @Test
    void echoShowsShortValuesWholeAndControlCharactersAsQuestionMarks() {
        assertThat(FieldLimits.echo("web-1")).isEqualTo("web-1");
        assertThat(FieldLimits.echo("a\nb\u0000c")).isEqualTo("a?b?c");
        assertThat(FieldLimits.echo("x".repeat(65))).isEqualTo("x".repeat(64) + "\u2026 (65 characters)");
        assertThat(FieldLimits.abbreviate("ab\ud83d\udea8", 3)).as("no half surrogate pair").isEqualTo("ab\u2026 (4 characters)");
    }

    private static ObjectNode dimensions(int count) {
        ObjectNode dimensions = MAPPER.createObjectNode();
        for (int i = 0; i < count; i++) {
            dimensions.put("Dimension" + i, "value");
        }
        return dimensions;
    }

    private static JsonNode snsDimensions(int count) {
        var dimensions = MAPPER.createArrayNode();
        for (int i = 0; i < count; i++) {
            dimensions.addObject().put("name", "Dimension" + i).put("value", "value");
        }
        return dimensions;
    }

    private static byte[] ruleNamed(String name) {
        ObjectNode event = tree(DRIFT);
        ((ObjectNode) event.get("detail")).put("configRuleName", name);
        ((ObjectNode) event.at("/detail/newEvaluationResult/evaluationResultIdentifier/evaluationResultQualifier"))
                .put("configRuleName", name);
        return EventSamples.serialize(event);
    }

    private static byte[] instanceNamed(String instanceId) {
        ObjectNode event = tree(DRIFT);
        ((ObjectNode) event.get("detail")).put("resourceId", instanceId);
        ((ObjectNode) event.at("/detail/newEvaluationResult/evaluationResultIdentifier/evaluationResultQualifier"))
                .put("resourceId", instanceId);
        return EventSamples.serialize(event);
    }

    private static byte[] checkpoint(String percentage, String delay) {
        ObjectNode event = tree(CHECKPOINT);
        ((ObjectNode) event.get("detail")).put("CheckpointPercentage", percentage).put("CheckpointDelay", delay);
        return EventSamples.serialize(event);
    }

    private static byte[] oversizedDocument() {
        ObjectNode event = tree(DRIFT);
        JsonNode padding = TextNode.valueOf("p".repeat(FieldLimits.DOCUMENT_BYTES));
        ((ObjectNode) event.get("detail")).set("padding", padding);
        return EventSamples.serialize(event);
    }
}
