package io.driftdeploy.cli.aws;

import io.driftdeploy.aws.RequiresIam;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Delivers an undelivered event again, either back onto its event bus (PutEvents: the bus's rules
 * match it again) or straight to the Lambda target it missed (an asynchronous Invoke, the same
 * delivery EventBridge makes). Each call says whether AWS accepted the event, and if not, why.
 */
public final class EventRedelivery {

    /** HTTP status of an accepted asynchronous (InvocationType Event) invoke. */
    private static final int ACCEPTED = 202;

    private final EventBridgeClient events;
    private final LambdaClient lambda;

    public EventRedelivery(EventBridgeClient events, LambdaClient lambda) {
        this.events = events;
        this.lambda = lambda;
    }

    /** The fields of an event that PutEvents takes; the bus assigns a new id. */
    public record BusEvent(String source, String detailType, String detailJson, List<String> resources, Optional<Instant> time) {
    }

    /** Puts the event on the bus; empty when accepted, else the bus's reason. */
    @RequiresIam("events:PutEvents")
    public Optional<String> putOnBus(String busArn, BusEvent event) {
        try {
            PutEventsResultEntry entry = events.putEvents(r -> r.entries(e -> {
                e.eventBusName(busArn).source(event.source()).detailType(event.detailType())
                        .detail(event.detailJson()).resources(event.resources());
                event.time().ifPresent(e::time);
            })).entries().get(0);
            return entry.errorCode() == null ? Optional.empty() : Optional.of(entry.errorCode() + ": " + entry.errorMessage());
        } catch (AwsServiceException refused) {
            return Optional.of(refusal(refused));
        }
    }

    /** Invokes the function asynchronously with the event as its payload; empty when accepted, else why not. */
    @RequiresIam("lambda:InvokeFunction")
    public Optional<String> invokeAsync(String functionArn, String eventJson) {
        try {
            int status = lambda.invoke(r -> r.functionName(functionArn).invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String(eventJson))).statusCode();
            return status == ACCEPTED ? Optional.empty() : Optional.of("Lambda answered status " + status + ", not 202 Accepted");
        } catch (AwsServiceException refused) {
            return Optional.of(refusal(refused));
        }
    }

    private static String refusal(AwsServiceException refused) {
        return refused.awsErrorDetails() == null
                ? refused.getMessage()
                : refused.awsErrorDetails().errorCode() + ": " + refused.awsErrorDetails().errorMessage();
    }
}
