package io.driftdeploy.orchestration;

import io.driftdeploy.aws.AccountClients;
import io.driftdeploy.aws.AlarmDefinitions;
import io.driftdeploy.aws.AutoScalingRolloutFleet;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Compliance;
import io.driftdeploy.aws.ConfigCompliance;
import io.driftdeploy.aws.DynamoEventClaims;
import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.EventClaims.EventKey;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.RolloutLedger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.AlarmState;
import io.driftdeploy.event.AlarmStateChange;
import io.driftdeploy.message.AlarmNotice;
import io.driftdeploy.message.Report;
import io.driftdeploy.policy.AlarmDefinition;
import io.driftdeploy.policy.GuardedRefresh;
import io.driftdeploy.policy.StartedRefresh;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The alarms function's path: a CloudWatch alarm state change, handled once, becomes a
 * notification with the context to act on it. The drift alarm going to ALARM sweeps every
 * non-compliant instance through the drift path (events can be missed); a rollout guard alarm
 * going to ALARM names the refresh and image it stops.
 */
public final class Alarms {

    private final Settings settings;
    private final OncePerEvent events;
    private final Reporter reporter;
    private final AlarmDefinitions alarmDefinitions;
    private final AutoScalingRolloutFleet rolloutFleet;
    private final RolloutLedger rolloutLedger;
    private final DriftSweep sweep;

    private Alarms(Settings settings, OncePerEvent events, Reporter reporter, AlarmDefinitions alarmDefinitions,
                   AutoScalingRolloutFleet rolloutFleet, RolloutLedger rolloutLedger, DriftSweep sweep) {
        this.settings = settings;
        this.events = events;
        this.reporter = reporter;
        this.alarmDefinitions = alarmDefinitions;
        this.rolloutFleet = rolloutFleet;
        this.rolloutLedger = rolloutLedger;
        this.sweep = sweep;
    }

    /** The alarms function's composition root: its adapters on real AWS clients. */
    public static Alarms wire(Settings settings, AwsClients aws, Clock clock, Telemetry telemetry) {
        settings.drift().requireRules();
        Ledger ledger = new Ledger(aws.dynamoDb(), settings.tableName());
        Reporter reporter = Reporter.wire(settings, ledger, aws, telemetry, clock);
        Compliance compliance = new ConfigCompliance(aws.config());
        return new Alarms(settings, new OncePerEvent(new DynamoEventClaims(ledger), telemetry, clock), reporter,
                new AlarmDefinitions(aws.cloudwatch()), new AutoScalingRolloutFleet(aws.autoScaling(), aws.ec2()),
                new DynamoRolloutLedger(ledger),
                new DriftSweep(settings, compliance, DriftRemediation.wire(settings, ledger, new AccountClients(aws, settings, AlarmNotice.FUNCTION), compliance,
                        reporter, clock),
                        telemetry, clock));
    }

    public Reporter reporter() {
        return reporter;
    }

    /**
     * Handles the state change once, in an invocation that ends by {@code deadline}. It is keyed
     * by the state change rather than the delivery's id, so one change is acted on once however
     * it arrives. A sweep that failed part way is retried whole: the instances it already decided
     * on come back as duplicates, not twice, and an announcement a termination still owes is
     * delivered then.
     */
    public Result handle(AlarmStateChange change, Instant deadline) {
        return events.handle(EventKey.once(AlarmNotice.FUNCTION, AlarmNotice.stateChangeId(change)), deadline,
                () -> reporter.report(AlarmNotice.duplicate(change)),
                () -> new OncePerEvent.Ran<Result>(reporter.report(decide(change, deadline)), false));
    }

    private Report decide(AlarmStateChange change, Instant deadline) {
        Optional<AlarmDefinition> definition = alarmDefinitions.find(change.alarmName());
        if (change.newState() == AlarmState.ALARM && settings.alarms().isDriftAlarm(change.alarmName())) {
            return sweep.sweep(change, definition, deadline);
        }
        if (change.newState() == AlarmState.ALARM) {
            List<GuardedRefresh> refreshes = rolloutFleet.refreshesGuardedBy(change.alarmName(), settings.rollout().appTag())
                    .stream().map(this::withImage).toList();
            if (!refreshes.isEmpty()) {
                return AlarmNotice.rolloutGuard(change, definition, refreshes);
            }
        }
        return AlarmNotice.stateChange(change, definition);
    }

    /**
     * The image a guarded refresh rolls out: the AMI drift-deploy recorded when it started the
     * refresh (the template's ImageId may be an SSM parameter alias), or else the one its desired
     * launch template version names.
     */
    private GuardedRefresh withImage(GuardedRefresh refresh) {
        return refresh.withImage(rolloutLedger.startedRefresh(refresh.refreshId()).map(StartedRefresh::imageId)
                .or(() -> refresh.launchTemplate().flatMap(template -> refresh.launchTemplateVersion()
                        .flatMap(version -> rolloutFleet.imageOf(template, version)))));
    }
}
