package io.driftdeploy.handler;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.SnapStartPrime;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.AlarmStateChange;
import io.driftdeploy.event.Events;
import io.driftdeploy.message.AlarmNotice;
import io.driftdeploy.orchestration.Alarms;
import io.driftdeploy.orchestration.Reporter;
import io.driftdeploy.orchestration.Result;
import io.driftdeploy.orchestration.Telemetry;
import java.time.Clock;
import java.time.Instant;

/**
 * The alarms function ({@link Alarms}): a CloudWatch alarm state change, from EventBridge or from
 * the alarm's SNS action (the account checked is either delivery's: EventBridge's account, the SNS
 * alarm's AWSAccountId), handled once.
 */
public final class AlarmsHandler extends EventFunction<AlarmStateChange> {

    private final Alarms alarms;
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
        super(AlarmNotice.FUNCTION, members(settings, aws, clock), clock);
        this.alarms = Alarms.wire(settings, aws, clock, telemetry);
        // An alarm going to ALARM: its definition, the rollout guard check and the notice.
        this.snapStart = Priming.of(settings, aws, "alarms/drift-alarm-state-alarm.json",
                canned -> new AlarmsHandler(settings, canned, clock, Telemetry.discarded(AlarmNotice.FUNCTION))::handle);
    }

    @Override
    AlarmStateChange parse(byte[] json) {
        return Events.parseAlarm(json);
    }

    @Override
    String account(AlarmStateChange change) {
        return change.account();
    }

    @Override
    Reporter reporter() {
        return alarms.reporter();
    }

    @Override
    Result decide(AlarmStateChange change, Instant deadline) {
        return alarms.handle(change, deadline);
    }
}
