package io.driftdeploy.cli.aws;

import io.driftdeploy.aws.RequiresIam;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * What publishing a golden image does in AWS: marks the AMI golden (the tag the drift rule checks)
 * and puts the Golden Image Published event on an EventBridge bus.
 */
public final class ImagePublisher {

    /** EventBridge refused the entry; PutEvents itself succeeds when single entries fail. */
    public static final class PublishFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PublishFailedException(String message) {
            super(message);
        }
    }

    private final EventBridgeClient eventBridge;
    private final Ec2Client ec2;

    public ImagePublisher(EventBridgeClient eventBridge, Ec2Client ec2) {
        this.eventBridge = eventBridge;
        this.ec2 = ec2;
    }

    /**
     * ec2:CreateTags on the AMI: sets the golden-image tag. Idempotent: tagging an image that
     * already carries the tag with that value changes nothing, and another value is overwritten.
     */
    @RequiresIam("ec2:CreateTags")
    public void tagImage(String imageId, String key, String value) {
        try {
            ec2.createTags(request -> request.resources(imageId).tags(tag -> tag.key(key).value(value)));
        } catch (Ec2Exception refused) {
            throw new PublishFailedException("EC2 refused to tag image " + imageId + " " + key + "=" + value + ": "
                    + refused.awsErrorDetails().errorCode() + ": " + refused.awsErrorDetails().errorMessage());
        }
    }

    /**
     * events:PutEvents with one entry; returns the event id EventBridge assigned.
     *
     * @param eventBus bus name or ARN; empty for the account's default bus
     * @param detailJson the event's detail, a JSON object
     */
    @RequiresIam("events:PutEvents")
    public String put(Optional<String> eventBus, String source, String detailType, String detailJson) {
        PutEventsRequestEntry.Builder entry = PutEventsRequestEntry.builder()
                .source(source)
                .detailType(detailType)
                .detail(detailJson)
                .resources(List.of());
        eventBus.ifPresent(entry::eventBusName);
        PutEventsResponse response = eventBridge.putEvents(request -> request.entries(entry.build()));
        PutEventsResultEntry result = response.entries().get(0);
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0 || result.errorCode() != null) {
            throw new PublishFailedException("EventBridge refused the event: " + result.errorCode() + ": " + result.errorMessage());
        }
        return result.eventId();
    }
}
