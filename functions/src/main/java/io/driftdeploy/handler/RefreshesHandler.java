package io.driftdeploy.handler;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.RolloutLedger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.Events;
import io.driftdeploy.event.InstanceRefreshEvent;
import io.driftdeploy.message.RefreshReports;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.ObservedRefresh;
import io.driftdeploy.policy.RefreshOutcomes;
import io.driftdeploy.policy.RefreshReason;
import io.driftdeploy.policy.RolloutTrigger;
import io.driftdeploy.policy.StartedRefresh;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The refreshes function: an Auto Scaling instance refresh changed status. Reads the refresh from
 * Auto Scaling and tells the team what AWS says; marks the image of a refresh AWS reports failed
 * or rolled back bad, with that evidence; when the refresh ended, starts the image that was waiting
 * for the group.
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
    RefreshesHandler(Settings settings, Rollouts rollouts) {
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

    /**
     * The refresh outcome first, then the pending rollout it released, if any. What is done
     * follows the refresh's status as Auto Scaling reports it, never the event's detail-type alone:
     * the event only says which refresh to read.
     */
    @Override
    List<Rollouts.Reported> decide(InstanceRefreshEvent event) {
        RolloutLedger ledger = rollouts.ledger();
        Optional<ObservedRefresh> observed = rollouts.fleet().refreshStatus(event.groupName(), event.instanceRefreshId(),
                rollouts.now());
        RefreshOutcomes.Verdict verdict = RefreshOutcomes.verdict(event.kind(), observed.map(ObservedRefresh::status));
        Optional<StartedRefresh> ours = ledger.startedRefresh(event.instanceRefreshId())
                .filter(started -> started.group().equals(event.groupName()));
        List<String> actions = new ArrayList<>();
        if (verdict.marksImageBad() && ours.isPresent()) {
            ledger.markBad(ours.get(), observed.orElseThrow(), event.eventId(), rollouts.now());
            actions.add("ledger:mark-bad " + ours.get().imageId());
        }
        Optional<ImageRef> pending = ledger.pending(event.groupName());
        List<Rollouts.Reported> reported = new ArrayList<>();
        reported.add(rollouts.report(RefreshReports.report(event, verdict, observed, ours, pending, actions)));
        if (verdict.releasesPending() && pending.isPresent()) {
            RolloutTrigger trigger = new RolloutTrigger(FUNCTION, event.eventId(), event.account(), event.region(),
                    "pending after instance refresh " + event.instanceRefreshId() + " "
                            + verdict.acted().map(RefreshReason::of).orElse(verdict.reason()).label());
            reported.addAll(rollouts.startPending(trigger, event.groupName(), pending.get()));
        }
        return reported;
    }
}
