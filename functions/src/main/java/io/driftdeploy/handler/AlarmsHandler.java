package io.driftdeploy.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.driftdeploy.aws.AlarmDefinitions;
import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.AutoScalingRolloutFleet;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Compliance;
import io.driftdeploy.aws.ConfigCompliance;
import io.driftdeploy.aws.DynamoEventClaims;
import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.EventClaims.EventKey;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.RolloutLedger;
import io.driftdeploy.aws.SnapStartPrime;
import io.driftdeploy.aws.SnsNotifier;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.AlarmState;
import io.driftdeploy.event.AlarmStateChange;
import io.driftdeploy.event.Events;
import io.driftdeploy.event.InvalidEventException;
import io.driftdeploy.message.AlarmNotice;
import io.driftdeploy.message.Report;
import io.driftdeploy.policy.AccountTrust;
import io.driftdeploy.policy.AlarmDefinition;
import io.driftdeploy.policy.GuardedRefresh;
import io.driftdeploy.policy.Rejection;
import io.driftdeploy.policy.StartedRefresh;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The alarms function: a CloudWatch alarm state change, from EventBridge or from the alarm's SNS
 * action, becomes a notification with the context to act on it. The drift alarm going to ALARM
 * sweeps every non-compliant instance through the drift path (events can be missed); a rollout
 * guard alarm going to ALARM names the refresh and image it stops.
 */
public final class AlarmsHandler implements RequestStreamHandler {

    private final Settings settings;
    private final Clock clock;
    private final OncePerEvent events;
    private final Reporter reporter;
    private final AlarmDefinitions alarmDefinitions;
    private final AutoScalingRolloutFleet rolloutFleet;
    private final RolloutLedger rolloutLedger;
    private final DriftSweep sweep;
    /** SnapStart's hook; held here because the runtime holds hooks only weakly. */
    final SnapStartPrime snapStart;

    /**
     * Lambda's entry: settings from the environment, clients built once per container. Registers the
     * SnapStart hook that primes them before the snapshot.
     */
    public AlarmsHandler() {
        this(Settings.fromEnvironment(), AwsClients.fromEnvironment(), Clock.systemUTC(),
                Telemetry.toStdout(AlarmNotice.FUNCTION));
        snapStart.register();
    }

    public AlarmsHandler(Settings settings, AwsClients aws, Clock clock, Telemetry telemetry) {
        settings.drift().requireRules();
        this.settings = settings;
        this.clock = clock;
        Ledger ledger = new Ledger(aws.dynamoDb(), settings.tableName());
        this.reporter = new Reporter(AuditTrail.in(ledger), new SnsNotifier(aws.sns(), settings.topicArn()), telemetry, clock);
        this.events = new OncePerEvent(new DynamoEventClaims(ledger), telemetry, clock);
        this.alarmDefinitions = new AlarmDefinitions(aws.cloudwatch());
        this.rolloutFleet = new AutoScalingRolloutFleet(aws.autoScaling(), aws.ec2());
        this.rolloutLedger = new DynamoRolloutLedger(ledger);
        Compliance compliance = new ConfigCompliance(aws.config());
        this.sweep = new DriftSweep(settings, compliance, DriftRemediation.wire(settings, aws, compliance, reporter, clock),
                telemetry);
        // An alarm going to ALARM: its definition, the rollout guard check and the notice.
        this.snapStart = Priming.of(settings, aws, "alarms/drift-alarm-state-alarm.json",
                canned -> new AlarmsHandler(settings, canned, clock, Telemetry.discarded(AlarmNotice.FUNCTION))::handle);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        HandlerIo.writeJson(output, handle(HandlerIo.readAll(input), HandlerIo.deadline(context, clock)));
    }

    /** Handles one raw event outside Lambda (tests, the CLI): see {@link HandlerIo#WITHOUT_CONTEXT}. */
    public Result handle(byte[] event) {
        return handle(event, HandlerIo.deadlineWithoutContext(clock));
    }

    /** Handles one raw event in an invocation that ends by {@code deadline}; returns what was decided. */
    public Result handle(byte[] event, Instant deadline) {
        AlarmStateChange change;
        try {
            change = Events.parseAlarm(event);
        } catch (InvalidEventException invalid) {
            return reporter.reject(AlarmNotice.FUNCTION, invalid.field(), invalid.problem());
        }
        // Either delivery (EventBridge's account, the SNS alarm's AWSAccountId), before the state change is claimed.
        Optional<Rejection> foreign = AccountTrust.foreignAccount(AlarmNotice.FUNCTION, change.account(), settings.accountId());
        if (foreign.isPresent()) {
            return reporter.reject(foreign.get());
        }
        // Keyed by the state change rather than the delivery's id, so one change is acted on once
        // however it arrives. A sweep that failed part way is retried whole: the instances it
        // already decided on come back as duplicates, not twice, and an announcement a
        // termination still owes is delivered then.
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
