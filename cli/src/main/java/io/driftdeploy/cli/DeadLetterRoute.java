package io.driftdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftdeploy.cli.aws.DeadLetterQueue.DeadLetter;
import io.driftdeploy.cli.aws.EventRedelivery.BusEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a dead letter is delivered again. An event from a custom source (drift-deploy.images, a
 * Packer pipeline) goes back onto the bus of the rule that matched it, so the rules match it
 * again. An event from an AWS service (source aws.*) cannot: PutEvents refuses reserved sources
 * (NotAuthorizedForSourceException), so it goes to the Lambda target it failed to reach, with the
 * asynchronous invoke EventBridge itself makes. The same queue also receives Lambda's own
 * on-failure records (an invocation record wrapping the event after the function's retries ran
 * out): their event goes back to the function that failed it. Anything else stays in the queue
 * with a reason.
 */
sealed interface DeadLetterRoute {

    String RESERVED_SOURCE_PREFIX = "aws.";

    /** rule/NAME is on the default bus, rule/BUS/NAME on a custom one. */
    Pattern RULE_ARN = Pattern.compile("arn:([\\w-]+):events:([\\w-]+):(\\d{12}):rule/(?:([.\\-_A-Za-z0-9]+)/)?([.\\-_A-Za-z0-9]+)");
    Pattern LAMBDA_ARN = Pattern.compile("arn:[\\w-]+:lambda:[\\w-]+:\\d{12}:function:[-\\w]+(:[-\\w$]+)?");


    /** A route that delivers: says what goes where. */
    sealed interface Delivery extends DeadLetterRoute {
        String summary();
    }

    record ToBus(String busArn, BusEvent event, String description) implements Delivery {
        @Override
        public String summary() {
            return description + " onto " + busArn;
        }
    }

    record ToTarget(String functionArn, String eventJson, String description) implements Delivery {
        @Override
        public String summary() {
            return description + " to " + functionArn;
        }
    }

    record Unroutable(String reason) implements DeadLetterRoute {
    }

    static DeadLetterRoute of(DeadLetter letter) {
        JsonNode event;
        try {
            event = CliJson.mapper().readTree(letter.body());
        } catch (IOException e) {
            return new Unroutable("the message body is not JSON");
        }
        if (event.path("requestContext").has("functionArn") && event.path("requestPayload").isObject()) {
            return retryInvocation(event);
        }
        String source = event.path("source").asText("");
        String detailType = event.path("detail-type").asText("");
        if (source.isEmpty() || detailType.isEmpty() || !event.path("detail").isObject()) {
            return new Unroutable("the message body is not an EventBridge event (source, detail-type, detail); "
                    + "was the target given an input transformer?");
        }
        String description = source + " \"" + detailType + "\" (event " + event.path("id").asText("?") + ")";
        if (source.startsWith(RESERVED_SOURCE_PREFIX)) {
            return toTarget(letter, description);
        }
        return toBus(letter, event, source, detailType, description);
    }

    /** A Lambda on-failure record: requestContext names the function, requestPayload is the event it failed on. */
    private static DeadLetterRoute retryInvocation(JsonNode record) {
        JsonNode payload = record.path("requestPayload");
        String function = record.path("requestContext").path("functionArn").asText();
        String description = payload.path("source").asText("?") + " \"" + payload.path("detail-type").asText("?") + "\" (event "
                + payload.path("id").asText("?") + ", " + record.path("requestContext").path("condition").asText("failed") + ")";
        if (!LAMBDA_ARN.matcher(function).matches()) {
            return new Unroutable(description + ": the record's functionArn " + function + " is not a Lambda function ARN");
        }
        return new ToTarget(function, payload.toString(), description);
    }

    private static DeadLetterRoute toTarget(DeadLetter letter, String description) {
        if (letter.targetArn().isEmpty()) {
            return new Unroutable(description + ": no TARGET_ARN attribute, so no target to deliver it to");
        }
        String target = letter.targetArn().get();
        if (!LAMBDA_ARN.matcher(target).matches()) {
            return new Unroutable(description + ": its target " + target + " is not a Lambda function; "
                    + "events from aws.* sources can only be redriven to Lambda targets");
        }
        return new ToTarget(target, letter.body(), description);
    }

    private static DeadLetterRoute toBus(DeadLetter letter, JsonNode event, String source, String detailType, String description) {
        Optional<String> busArn = letter.ruleArn().flatMap(DeadLetterRoute::busOfRule);
        if (busArn.isEmpty()) {
            return new Unroutable(description + ": RULE_ARN attribute " + letter.ruleArn().orElse("(missing)")
                    + " is not an EventBridge rule ARN, so its bus is unknown");
        }
        List<String> resources = new ArrayList<>();
        event.path("resources").forEach(resource -> resources.add(resource.asText()));
        return new ToBus(busArn.get(), new BusEvent(source, detailType, event.path("detail").toString(), resources, time(event)),
                description);
    }

    static Optional<String> busOfRule(String ruleArn) {
        Matcher rule = RULE_ARN.matcher(ruleArn);
        if (!rule.matches()) {
            return Optional.empty();
        }
        String bus = rule.group(4) == null ? "default" : rule.group(4);
        return Optional.of("arn:" + rule.group(1) + ":events:" + rule.group(2) + ":" + rule.group(3) + ":event-bus/" + bus);
    }

    private static Optional<Instant> time(JsonNode event) {
        try {
            return Optional.of(Instant.parse(event.path("time").asText()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
