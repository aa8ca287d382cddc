package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.cli.aws.DeadLetterQueue.DeadLetter;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeadLetterRouteTest {

    private static final String CUSTOM_EVENT = """
            {"id":"e1","source":"drift-deploy.images","detail-type":"Golden Image Published","time":"2025-06-12T07:45:02Z",
             "resources":["arn:aws:ec2:us-east-1::image/ami-1"],"detail":{"imageId":"ami-1"}}""";
    private static final String CONFIG_EVENT = """
            {"id":"e2","source":"aws.config","detail-type":"Config Rules Compliance Change","detail":{"resourceId":"i-1"}}""";
    private static final String FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:drift-deploy-drift";

    @Test
    void aCustomEventGoesBackOnTheBusOfItsRule() {
        DeadLetterRoute route = DeadLetterRoute.of(letter(CUSTOM_EVENT, "arn:aws:events:us-east-1:123456789012:rule/ops/images", FUNCTION));

        assertThat(route).isInstanceOfSatisfying(DeadLetterRoute.ToBus.class, bus -> {
            assertThat(bus.busArn()).isEqualTo("arn:aws:events:us-east-1:123456789012:event-bus/ops");
            assertThat(bus.event().source()).isEqualTo("drift-deploy.images");
            assertThat(bus.event().detailType()).isEqualTo("Golden Image Published");
            assertThat(bus.event().detailJson()).isEqualTo("{\"imageId\":\"ami-1\"}");
            assertThat(bus.event().resources()).containsExactly("arn:aws:ec2:us-east-1::image/ami-1");
            assertThat(bus.event().time()).hasValueSatisfying(time -> assertThat(time).hasToString("2025-06-12T07:45:02Z"));
        });
    }

    @Test
    void aRuleOnTheDefaultBusHasNoBusInItsArn() {
        assertThat(DeadLetterRoute.busOfRule("arn:aws:events:eu-west-1:123456789012:rule/images"))
                .hasValue("arn:aws:events:eu-west-1:123456789012:event-bus/default");
        assertThat(DeadLetterRoute.busOfRule("arn:aws:sns:eu-west-1:123456789012:topic")).isEmpty();
    }

    @Test
    void anAwsServiceEventGoesToTheLambdaTargetItMissedBecausePutEventsRefusesAwsSources() {
        DeadLetterRoute route = DeadLetterRoute.of(letter(CONFIG_EVENT, "arn:aws:events:us-east-1:123456789012:rule/drift", FUNCTION + ":live"));

        assertThat(route).isInstanceOfSatisfying(DeadLetterRoute.ToTarget.class, target -> {
            assertThat(target.functionArn()).isEqualTo(FUNCTION + ":live");
            assertThat(target.eventJson()).isEqualTo(CONFIG_EVENT);
        });
    }

    @Test
    void aLambdaOnFailureRecordGoesBackToTheFunctionThatFailedIt() {
        String record = """
                {"version":"1.0","timestamp":"2025-06-12T09:20:00.000Z",
                 "requestContext":{"requestId":"r-1","functionArn":"%s:live","condition":"RetriesExhausted","approximateInvokeCount":3},
                 "requestPayload":%s,
                 "responseContext":{"statusCode":200,"executedVersion":"7","functionError":"Unhandled"},
                 "responsePayload":{"errorMessage":"boom"}}""".formatted(FUNCTION, CUSTOM_EVENT);

        DeadLetterRoute route = DeadLetterRoute.of(letter(record, null, null));

        assertThat(route).isInstanceOfSatisfying(DeadLetterRoute.ToTarget.class, target -> {
            assertThat(target.functionArn()).isEqualTo(FUNCTION + ":live");
            assertThat(target.eventJson()).contains("\"imageId\":\"ami-1\"").doesNotContain("requestContext");
            assertThat(target.description()).contains("drift-deploy.images").contains("RetriesExhausted");
        });
    }

    @Test
    void whatCannotBeDeliveredAgainSaysWhy() {
        assertThat(DeadLetterRoute.of(letter("not json", null, null)))
                .isEqualTo(new DeadLetterRoute.Unroutable("the message body is not JSON"));
        assertThat(DeadLetterRoute.of(letter("{\"imageId\":\"ami-1\"}", null, null)))
                .isInstanceOfSatisfying(DeadLetterRoute.Unroutable.class, unroutable ->
                        assertThat(unroutable.reason()).contains("not an EventBridge event"));
        assertThat(DeadLetterRoute.of(letter(CONFIG_EVENT, null, "arn:aws:sqs:us-east-1:123456789012:queue")))
                .isInstanceOfSatisfying(DeadLetterRoute.Unroutable.class, unroutable ->
                        assertThat(unroutable.reason()).contains("is not a Lambda function"));
        assertThat(DeadLetterRoute.of(letter(CONFIG_EVENT, null, null)))
                .isInstanceOfSatisfying(DeadLetterRoute.Unroutable.class, unroutable ->
                        assertThat(unroutable.reason()).contains("no TARGET_ARN"));
        assertThat(DeadLetterRoute.of(letter(CUSTOM_EVENT, null, FUNCTION)))
                .isInstanceOfSatisfying(DeadLetterRoute.Unroutable.class, unroutable ->
                        assertThat(unroutable.reason()).contains("its bus is unknown"));
    }

    private static DeadLetter letter(String body, String ruleArn, String targetArn) {
        return new DeadLetter("m1", "r1", body, Optional.ofNullable(ruleArn), Optional.ofNullable(targetArn),
                Optional.of("RESOURCE_NOT_FOUND"), Optional.empty());
    }
}
