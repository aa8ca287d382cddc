package io.driftdeploy.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.SnapStartPrime;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.AlarmStateChange;
import io.driftdeploy.event.Events;
import io.driftdeploy.event.InvalidEventException;
import io.driftdeploy.message.AlarmNotice;
import io.driftdeploy.orchestration.Alarms;
import io.driftdeploy.orchestration.Result;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.policy.AccountTrust;
import io.driftdeploy.policy.Rejection;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The alarms function ({@link Alarms}): a CloudWatch alarm state change, from EventBridge or from
 * the alarm's SNS action, parsed and checked for its account, then handled once.
 */
public final class AlarmsHandler implements RequestStreamHandler {

    private final String accountId;
    private final Clock clock;
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
        this.accountId = settings.accountId();
        this.clock = clock;
        this.alarms = Alarms.wire(settings, aws, clock, telemetry);
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
            return alarms.reporter().reject(AlarmNotice.FUNCTION, invalid.field(), invalid.problem());
        }
        // Either delivery (EventBridge's account, the SNS alarm's AWSAccountId), before the state change is claimed.
        Optional<Rejection> foreign = AccountTrust.foreignAccount(AlarmNotice.FUNCTION, change.account(), accountId);
        if (foreign.isPresent()) {
            return alarms.reporter().reject(foreign.get());
        }
        return alarms.handle(change, deadline);
    }
}
