package io.driftdeploy.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.Events;
import io.driftdeploy.event.ImageAvailable;
import io.driftdeploy.event.InvalidEventException;
import io.driftdeploy.policy.RolloutTrigger;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;

/**
 * The images function: an AMI became available (EC2), an Image Builder image became AVAILABLE, or
 * a pipeline published a golden image. Validates the image and rolls it out to every group of its
 * application by instance refresh.
 */
public final class ImagesHandler implements RequestStreamHandler {

    public static final String FUNCTION = "images";

    private final Rollouts rollouts;

    /** Lambda's entry: settings and clients are built once, at init. */
    public ImagesHandler() {
        this(Settings.fromEnvironment(), AwsClients.fromEnvironment(), Clock.systemUTC(), Telemetry.toStdout(FUNCTION));
    }

    public ImagesHandler(Settings settings, AwsClients aws, Clock clock, Telemetry telemetry) {
        this.rollouts = Rollouts.wire(settings, aws, clock, telemetry);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        HandlerIo.writeJson(output, handle(HandlerIo.readAll(input)));
    }

    /** Handles one event and returns what was decided, per target group. */
    public Map<String, Object> handle(byte[] json) {
        ImageAvailable event;
        try {
            event = Events.parseImage(json);
        } catch (InvalidEventException invalid) {
            return rollouts.reporter().reject(FUNCTION, invalid.field(), invalid.problem());
        }
        RolloutTrigger trigger = new RolloutTrigger(FUNCTION, event.eventId(), event.account(), event.region(),
                event.source().source());
        Rollouts.Announcement announcement = new Rollouts.Announcement(event.imageId(), event.imageBuilderImageArn(),
                event.app(), event.reportedAvailable(), event.reportedState());
        String subject = event.imageId().or(event::imageBuilderImageArn).orElse(event.eventId());
        return rollouts.once(FUNCTION, event.eventId(), subject,
                () -> rollouts.rollOut(trigger, announcement, group -> true));
    }
}
