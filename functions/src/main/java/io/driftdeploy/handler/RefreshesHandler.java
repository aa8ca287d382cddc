package io.driftdeploy.handler;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.Events;
import io.driftdeploy.event.InstanceRefreshEvent;
import io.driftdeploy.message.RefreshReports;
import io.driftdeploy.orchestration.Rollouts;
import io.driftdeploy.orchestration.Telemetry;
import java.time.Clock;
import java.util.List;

/**
 * The refreshes function: an Auto Scaling instance refresh changed status ({@link Rollouts#refreshChanged}).
 * Reads the refresh from Auto Scaling and tells the team what AWS says; marks the image of a
 * refresh AWS reports failed or rolled back bad, with that evidence; when the refresh ended,
 * starts the image that was waiting for the group.
 */
public final class RefreshesHandler extends RolloutFunction<InstanceRefreshEvent> {

    public static final String FUNCTION = RefreshReports.FUNCTION;

    /** Lambda's entry: settings and clients are built once, at init; registers the SnapStart hook that primes them. */
    public RefreshesHandler() {
        this(Settings.fromEnvironment(), AwsClients.fromEnvironment(), Clock.systemUTC(), Telemetry.toStdout(FUNCTION));
        snapStart.orElseThrow().register();
    }

    public RefreshesHandler(Settings settings, AwsClients aws, Clock clock, Telemetry telemetry) {
        super(FUNCTION, settings, aws, clock, telemetry, "refreshes/refresh-succeeded.json",
                canned -> new RefreshesHandler(settings, canned, clock, Telemetry.discarded(FUNCTION))::handle);
    }

    /** On ports: the rollout path given, as the fast tests build it on fakes. */
    public RefreshesHandler(Settings settings, Rollouts rollouts) {
        super(FUNCTION, settings, rollouts);
    }

    @Override
    InstanceRefreshEvent parse(byte[] json) {
        return Events.parseRefresh(json);
    }

    @Override
    String eventId(InstanceRefreshEvent event) {
        return event.eventId();
    }

    @Override
    String account(InstanceRefreshEvent event) {
        return event.account();
    }

    @Override
    String subject(InstanceRefreshEvent event) {
        return event.groupName();
    }

    @Override
    List<Rollouts.Reported> rollOut(InstanceRefreshEvent event) {
        return rollouts.refreshChanged(event);
    }
}
