package io.driftdeploy.aws;

import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** Puts one custom event on an EventBridge bus (the Golden Image Published event of a pipeline). */
public final class ImagePublisher {

    /** EventBridge refused the entry; PutEvents itself succeeds when single entries fail. */
    public static final class PublishFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PublishFailedException(String message) {
            super(message);
        }
    }

    private final EventBridgeClient eventBridge;

    public ImagePublisher(EventBridgeClient eventBridge) {
        this.eventBridge = eventBridge;
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
