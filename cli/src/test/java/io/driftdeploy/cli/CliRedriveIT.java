package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.testing.Emulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * redrive on the emulator, with a DLQ holding what EventBridge puts there (the event as body,
 * RULE_ARN / TARGET_ARN / ERROR_CODE / ERROR_MESSAGE attributes): a custom event goes back on its
 * bus and its rule delivers it again; an aws.config event goes to its Lambda target (asynchronous
 * invoke, 202); an aws.config event whose target function no longer exists is refused and stays.
 */
class CliRedriveIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs = Emulator.client(SqsClient.builder());
    private final EventBridgeClient eventBridge = Emulator.client(EventBridgeClient.builder());
    private final LambdaClient lambda = Emulator.client(LambdaClient.builder());
    private final String prefix = "dd-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> environment = Map.of("AWS_ENDPOINT_URL", Emulator.endpoint().toString());

    @Test
    void redrivesToTheBusAndToTheTargetDeletesWhatWasAcceptedAndKeepsWhatWasRefused() throws Exception {
        String busName = prefix + "-bus";
        eventBridge.createEventBus(r -> r.name(busName));
        String imagesQueue = sqs.createQueue(r -> r.queueName(prefix + "-images")).queueUrl();
        String imagesRuleArn = eventBridge.putRule(r -> r.name(prefix + "-images").eventBusName(busName)
                .eventPattern("{\"source\":[\"drift-deploy.images\"]}")).ruleArn();
        eventBridge.putTargets(r -> r.rule(prefix + "-images").eventBusName(busName)
                .targets(t -> t.id("queue").arn(queueArn(imagesQueue))));
        String driftFunction = lambdaFunction(prefix + "-drift");
        String deletedFunction = driftFunction.replace(prefix + "-drift", prefix + "-deleted");
        String driftRuleArn = "arn:aws:events:us-east-1:123456789012:rule/" + busName + "/" + prefix + "-drift";
        String dlq = sqs.createQueue(r -> r.queueName(prefix + "-dlq")).queueUrl();

        deadLetter(dlq, Samples.text("images/golden-image-published.json"), imagesRuleArn, imagesQueue);
        deadLetter(dlq, Samples.text("drift/config-noncompliant-ec2.json"), driftRuleArn, driftFunction);
        deadLetter(dlq, Samples.text("drift/config-compliant-ec2.json"), driftRuleArn, deletedFunction);

        CliRun run = CliRun.onTerminal(environment, "redrive", "--dlq", prefix + "-dlq");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).as(run.toString())
                .contains("3 received, 1 redriven to their bus, 1 redriven to their target, 1 failed and kept in the queue")
                .contains("redriven  drift-deploy.images \"Golden Image Published\"")
                .contains("redriven  aws.config \"Config Rules Compliance Change\" (event 5f1c2a7e-3b9d-4c1e-8f20-6a7b8c9d0e11) to " + driftFunction)
                .contains("kept      message").contains("ResourceNotFoundException").contains("(it first failed with RESOURCE_NOT_FOUND)");
        assertThat(run.err()).contains("1 of 3 messages could not be redriven").doesNotContain("\tat ");
        assertThat(run.out()).as("the result has no progress in it").doesNotContain("\r", "redrive: ");
        assertThat(run.err()).as("on a terminal, a tally redrawn in place and erased at the end")
                .contains("\rredrive: 3 received, 2 redriven, 1 kept").contains("redrive: 1 received, ")
                .doesNotContain("redrive: 3 received, 2 redriven, 1 kept\n");

        List<Message> redelivered = sqs.receiveMessage(r -> r.queueUrl(imagesQueue).waitTimeSeconds(2)).messages();
        assertThat(redelivered).singleElement().satisfies(message ->
                assertThat(JSON.readTree(message.body()).path("detail").path("imageId").asText()).isEqualTo("ami-0fedcba9876543210"));
        List<Message> left = sqs.receiveMessage(r -> r.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All")).messages();
        assertThat(left).singleElement().satisfies(message ->
                assertThat(message.messageAttributes().get("TARGET_ARN").stringValue()).isEqualTo(deletedFunction));
    }

    @Test
    void anEmptyQueueIsNothingToDo() {
        sqs.createQueue(r -> r.queueName(prefix + "-empty"));

        CliRun run = CliRun.of(environment, "redrive", "--dlq", prefix + "-empty");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("0 received, 0 redriven to their bus, 0 redriven to their target, 0 failed");
    }

    private void deadLetter(String dlq, String event, String ruleArn, String targetArn) {
        sqs.sendMessage(r -> r.queueUrl(dlq).messageBody(event).messageAttributes(Map.of(
                "RULE_ARN", text(ruleArn),
                "TARGET_ARN", text(targetArn),
                "ERROR_CODE", text("RESOURCE_NOT_FOUND"),
                "ERROR_MESSAGE", text("the target was not found"))));
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private String queueArn(String queueUrl) {
        return sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** A function the emulator accepts asynchronous invokes for (it never runs it: there is no Docker). */
    private String lambdaFunction(String name) throws IOException {
        String role;
        try (IamClient iam = IamClient.builder().region(software.amazon.awssdk.regions.Region.AWS_GLOBAL)
                .endpointOverride(Emulator.endpoint()).build()) {
            role = iam.createRole(r -> r.roleName(name).assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"))
                    .role().arn();
        }
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream entries = new ZipOutputStream(zip)) {
            entries.putNextEntry(new ZipEntry("placeholder.txt"));
            entries.write("never run".getBytes(StandardCharsets.UTF_8));
            entries.closeEntry();
        }
        return lambda.createFunction(r -> r.functionName(name).runtime(Runtime.JAVA21).role(role)
                .handler("io.driftdeploy.handler.DriftHandler").code(c -> c.zipFile(SdkBytes.fromByteArray(zip.toByteArray()))))
                .functionArn();
    }

}
