package io.driftdeploy.event;

import static io.driftdeploy.event.EventSamples.ALARM;
import static io.driftdeploy.event.EventSamples.AMI;
import static io.driftdeploy.event.EventSamples.CHECKPOINT;
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
import static io.driftdeploy.event.EventSamples.without;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input gives an {@link InvalidEventException} that names the offending field. */
class MalformedEventTest {

    /** One bad input: what it is, for which function, and the field the error must name. */
    record Case(String label, String function, byte[] event, String field) {
        @Override
        public String toString() {
            return function + ": " + label + " -> " + field;
        }
    }

    static Stream<Case> documents() {
        return Stream.of("drift", "images", "refreshes", "alarms").flatMap(function -> Stream.of(
                new Case("not JSON", function, utf8("{\"id\": "), "$"),
                new Case("empty", function, new byte[0], "$"),
                new Case("null bytes", function, null, "$"),
                new Case("whitespace", function, utf8("  \n"), "$"),
                new Case("JSON array", function, utf8("[]"), "$"),
                new Case("JSON string", function, utf8("\"event\""), "$"),
                new Case("JSON null", function, utf8("null"), "$"),
                new Case("two documents", function, utf8("{}{}"), "$"),
                new Case("duplicate key", function, utf8("{\"id\":\"a\",\"id\":\"b\"}"), "$")));
    }

    static Stream<Case> envelopes() {
        Stream<Case> missing = Stream.of("id", "source", "detail-type", "account", "region", "time", "detail")
                .map(field -> new Case("missing " + field, "drift", without(DRIFT, field), field));
        return Stream.concat(missing, Stream.of(
                new Case("blank id", "drift", with(DRIFT, "id", " "), "id"),
                new Case("time not a timestamp", "drift", with(DRIFT, "time", "yesterday"), "time"),
                new Case("time without offset", "drift", with(DRIFT, "time", "2025-06-12T09:14:07"), "time"),
                new Case("detail not an object", "drift", with(DRIFT, "detail", "{}"), "detail"),
                new Case("resources not an array", "drift", with(DRIFT, "resources", "arn"), "resources"),
                new Case("resource not a string", "drift",
                        change(tree(DRIFT), "resources", MAPPER.createArrayNode().add(1)), "resources[0]")));
    }

    static Stream<Case> compliance() {
        return Stream.of(
                new Case("wrong source", "drift", with(DRIFT, "source", "aws.ec2"), "source"),
                new Case("wrong detail-type", "drift",
                        with(DRIFT, "detail-type", "Config Configuration Item Change"), "detail-type"),
                new Case("S3 bucket", "drift", with(DRIFT, "detail.resourceType", "AWS::S3::Bucket"),
                        "detail.resourceType"),
                new Case("missing resource type", "drift", without(DRIFT, "detail.resourceType"), "detail.resourceType"),
                new Case("not an instance id", "drift", with(DRIFT, "detail.resourceId", "web-1"), "detail.resourceId"),
                new Case("missing rule name", "drift", without(DRIFT, "detail.configRuleName"), "detail.configRuleName"),
                new Case("missing new evaluation", "drift", without(DRIFT, "detail.newEvaluationResult"),
                        "detail.newEvaluationResult"),
                new Case("missing compliance type", "drift", without(DRIFT, "detail.newEvaluationResult.complianceType"),
                        "detail.newEvaluationResult.complianceType"),
                new Case("unknown compliance type", "drift",
                        with(DRIFT, "detail.newEvaluationResult.complianceType", "MAYBE"),
                        "detail.newEvaluationResult.complianceType"),
                new Case("missing ordering timestamp", "drift", without(DRIFT, QUALIFIER + ".orderingTimestamp"),
                        QUALIFIER + ".orderingTimestamp"),
                new Case("bad ordering timestamp", "drift", with(DRIFT, QUALIFIER + ".orderingTimestamp", "12 June"),
                        QUALIFIER + ".orderingTimestamp"),
                new Case("evaluation of another instance", "drift",
                        with(DRIFT, QUALIFIER + ".evaluationResultQualifier.resourceId", "i-0fff1234def567890"),
                        QUALIFIER + ".evaluationResultQualifier.resourceId"),
                new Case("evaluation by another rule", "drift",
                        with(DRIFT, QUALIFIER + ".evaluationResultQualifier.configRuleName", "other-rule"),
                        QUALIFIER + ".evaluationResultQualifier.configRuleName"),
                new Case("unknown old compliance type", "drift",
                        with(DRIFT, "detail.oldEvaluationResult.complianceType", "??"),
                        "detail.oldEvaluationResult.complianceType"));
    }

    static Stream<Case> images() {
        return Stream.of(
                new Case("unknown source", "images", with(AMI, "source", "aws.s3"), "source"),
                new Case("EC2 event of another type", "images",
                        with(AMI, "detail-type", "EC2 Instance State-change Notification"), "detail-type"),
                new Case("missing AMI id", "images", without(AMI, "detail.ImageId"), "detail.ImageId"),
                new Case("not an AMI id", "images", with(AMI, "detail.ImageId", "ami-XYZ"), "detail.ImageId"),
                new Case("missing AMI state", "images", without(AMI, "detail.State"), "detail.State"),
                new Case("Image Builder without resources", "images", without(IMAGE_BUILDER, "resources"), "resources"),
                new Case("Image Builder resource not an image", "images",
                        change(tree(IMAGE_BUILDER), "resources",
                                MAPPER.createArrayNode().add("arn:aws:ec2:us-east-1::image/ami-0fedcba9876543210")),
                        "resources[0]"),
                new Case("Image Builder without state", "images", without(IMAGE_BUILDER, "detail.state"), "detail.state"),
                new Case("Image Builder without status", "images", without(IMAGE_BUILDER, "detail.state.status"),
                        "detail.state.status"),
                new Case("golden without app", "images", without(GOLDEN, "detail.app"), "detail.app"),
                new Case("golden without image", "images", without(GOLDEN, "detail.imageId"), "detail.imageId"),
                new Case("golden image not an AMI", "images", with(GOLDEN, "detail.imageId", "app-1.4.0"),
                        "detail.imageId"),
                new Case("golden of another type", "images", with(GOLDEN, "detail-type", "Golden Image Built"),
                        "detail-type"));
    }

    static Stream<Case> refreshes() {
        return Stream.of(
                new Case("wrong source", "refreshes", with(REFRESH, "source", "aws.ec2"), "source"),
                new Case("not a refresh event", "refreshes",
                        with(REFRESH, "detail-type", "EC2 Instance Launch Successful"), "detail-type"),
                new Case("missing group", "refreshes", without(REFRESH, "detail.AutoScalingGroupName"),
                        "detail.AutoScalingGroupName"),
                new Case("missing refresh id", "refreshes", without(REFRESH, "detail.InstanceRefreshId"),
                        "detail.InstanceRefreshId"),
                new Case("percentage not a number", "refreshes", with(CHECKPOINT, "detail.CheckpointPercentage", "half"),
                        "detail.CheckpointPercentage"),
                new Case("delay not a number", "refreshes", with(CHECKPOINT, "detail.CheckpointDelay", "5m"),
                        "detail.CheckpointDelay"));
    }

    static Stream<Case> alarms() {
        ObjectNode twoRecords = tree(SNS);
        ((ArrayNode) twoRecords.get("Records")).add(twoRecords.get("Records").get(0).deepCopy());
        return Stream.of(
                new Case("wrong source", "alarms", with(ALARM, "source", "aws.config"), "source"),
                new Case("configuration change", "alarms",
                        with(ALARM, "detail-type", "CloudWatch Alarm Configuration Change"), "detail-type"),
                new Case("missing alarm name", "alarms", without(ALARM, "detail.alarmName"), "detail.alarmName"),
                new Case("unknown state", "alarms", with(ALARM, "detail.state.value", "BROKEN"), "detail.state.value"),
                new Case("missing previous state", "alarms", without(ALARM, "detail.previousState"),
                        "detail.previousState"),
                new Case("missing reason", "alarms", without(ALARM, "detail.state.reason"), "detail.state.reason"),
                new Case("bad state timestamp", "alarms", with(ALARM, "detail.state.timestamp", "12/06/25 09:20"),
                        "detail.state.timestamp"),
                new Case("reason data not JSON", "alarms", with(ALARM, "detail.state.reasonData", "{"),
                        "detail.state.reasonData"),
                new Case("SNS without records", "alarms",
                        change(tree(SNS), "Records", MAPPER.createArrayNode()), "Records"),
                new Case("SNS with two records", "alarms", EventSamples.serialize(twoRecords), "Records"),
                new Case("SNS records not an array", "alarms", with(SNS, "Records", "x"), "Records"),
                new Case("SQS record", "alarms", with(SNS, "Records[0].EventSource", "aws:sqs"),
                        "Records[0].EventSource"),
                new Case("record without Sns", "alarms", without(SNS, "Records[0].Sns"), "Records[0].Sns"),
                new Case("missing message id", "alarms", without(SNS, "Records[0].Sns.MessageId"),
                        "Records[0].Sns.MessageId"),
                new Case("message not JSON", "alarms", with(SNS, MESSAGE, "ALARM: config-drift-detected"), MESSAGE),
                new Case("message a JSON array", "alarms", with(SNS, MESSAGE, "[]"), MESSAGE),
                new Case("message without alarm name", "alarms", withMessageField(SNS, "AlarmName", null),
                        MESSAGE + ".AlarmName"),
                new Case("message with unknown state", "alarms",
                        withMessageField(SNS, "NewStateValue", TextNode.valueOf("RED")), MESSAGE + ".NewStateValue"),
                new Case("message with bad time", "alarms",
                        withMessageField(SNS, "StateChangeTime", TextNode.valueOf("soon")), MESSAGE + ".StateChangeTime"),
                new Case("message with bad alarm ARN", "alarms",
                        withMessageField(SNS, "AlarmArn", TextNode.valueOf("config-drift-detected")),
                        MESSAGE + ".AlarmArn"),
                new Case("message with text threshold", "alarms",
                        withMessageField(SNS, "Trigger.Threshold", TextNode.valueOf("zero")),
                        MESSAGE + ".Trigger.Threshold"));
    }

    @ParameterizedTest
    @MethodSource({"documents", "envelopes", "compliance", "images", "refreshes", "alarms"})
    void namesTheOffendingField(Case bad) {
        assertThatThrownBy(() -> EventSamples.parserOf(bad.function()).apply(bad.event()))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.field()).isEqualTo(bad.field());
                    assertThat(e.getMessage())
                            .isEqualTo("invalid event: " + bad.field() + ": " + e.problem());
                });
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
