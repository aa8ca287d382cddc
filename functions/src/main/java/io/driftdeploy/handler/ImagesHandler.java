package io.driftdeploy.handler;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.Events;
import io.driftdeploy.event.ImageAvailable.AmiStateChange;
import io.driftdeploy.event.ImageAvailable.GoldenImagePublished;
import io.driftdeploy.event.ImageAvailable.ImageBuilderStateChange;
import io.driftdeploy.event.ImageAvailable;
import io.driftdeploy.message.RolloutReports;
import io.driftdeploy.orchestration.Rollouts;
import io.driftdeploy.orchestration.Telemetry;
import java.time.Clock;
import java.util.List;

/**
 * The images function: an AMI became available (EC2), an Image Builder image became AVAILABLE, or
 * a pipeline published a golden image. Validates the image and rolls it out to every group of its
 * application by instance refresh.
 */
public final class ImagesHandler extends RolloutFunction<ImageAvailable> {

    public static final String FUNCTION = RolloutReports.IMAGES_FUNCTION;

    /** Lambda's entry: settings and clients are built once, at init; registers the SnapStart hook that primes them. */
    public ImagesHandler() {
        this(Settings.fromEnvironment(), AwsClients.fromEnvironment(), Clock.systemUTC(), Telemetry.toStdout(FUNCTION));
        snapStart.orElseThrow().register();
    }

    public ImagesHandler(Settings settings, AwsClients aws, Clock clock, Telemetry telemetry) {
        super(FUNCTION, settings, aws, clock, telemetry, "images/ami-available.json",
                canned -> new ImagesHandler(settings, canned, clock, Telemetry.discarded(FUNCTION))::handle);
    }

    /** On ports: the rollout path given, as the fast tests build it on fakes. */
    public ImagesHandler(Settings settings, Rollouts rollouts) {
        super(FUNCTION, settings, rollouts);
    }

    @Override
    ImageAvailable parse(byte[] json) {
        return Events.parseImage(json);
    }

    @Override
    String eventId(ImageAvailable event) {
        return event.eventId();
    }

    @Override
    String account(ImageAvailable event) {
        return event.account();
    }

    /** The image the event names: its AMI, or the Image Builder build whose AMI is not known yet. */
    @Override
    String subject(ImageAvailable event) {
        return switch (event) {
            case AmiStateChange ami -> ami.imageId();
            case ImageBuilderStateChange build -> build.imageBuilderImageArn();
            case GoldenImagePublished golden -> golden.imageId();
        };
    }

    @Override
    List<Rollouts.Reported> rollOut(ImageAvailable event) {
        return rollouts.imageAvailable(event);
    }
}
