package io.driftdeploy.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.SnapStartPrime;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.ComplianceChange;
import io.driftdeploy.event.Events;
import io.driftdeploy.event.InvalidEventException;
import io.driftdeploy.message.DriftReports;
import io.driftdeploy.policy.AccountTrust;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.Rejection;
import io.driftdeploy.orchestration.DriftRemediation;
import io.driftdeploy.orchestration.Result;
import io.driftdeploy.orchestration.Telemetry;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The drift function: an AWS Config "Config Rules Compliance Change" event in, the decision on
 * the evaluated instance out (decision, reason, instance, group, mode, actions). An event that
 * cannot be acted on is rejected naming the field, takes no action and returns normally, so
 * Lambda does not retry it.
 */
public final class DriftHandler implements RequestStreamHandler {

    private final String accountId;
    private final Clock clock;
    private final DriftRemediation remediation;
    /** SnapStart's hook; held here because the runtime holds hooks only weakly. */
    final SnapStartPrime snapStart;

    /**
     * Lambda's entry: settings and clients are built once, at init; a bad setting fails init naming it.
     * Registers the SnapStart hook that primes them before the snapshot.
     */
    public DriftHandler() {
        this(Settings.fromEnvironment(), AwsClients.fromEnvironment(), Clock.systemUTC(), Telemetry.toStdout(DriftReports.FUNCTION));
        snapStart.register();
    }

    /** For tests and the CLI: the settings, endpoint, clock and log stream given. */
    public DriftHandler(Settings settings, AwsClients aws, Clock clock, Telemetry telemetry) {
        this.accountId = settings.accountId();
        this.clock = clock;
        this.remediation = DriftRemediation.wire(settings, aws, telemetry, clock);
        this.snapStart = Priming.of(settings, aws, "drift/config-noncompliant-ec2.json",
                canned -> new DriftHandler(settings, canned, clock, Telemetry.discarded(DriftReports.FUNCTION))::handle);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        HandlerIo.writeJson(output, handle(HandlerIo.readAll(input), HandlerIo.deadline(context, clock)));
    }

    /** Decides on one raw event outside Lambda (tests, the CLI): see {@link HandlerIo#WITHOUT_CONTEXT}. */
    public Result handle(byte[] event) {
        return handle(event, HandlerIo.deadlineWithoutContext(clock));
    }

    /** Decides on one raw event in an invocation that ends by {@code deadline}; returns the result the handler writes. */
    public Result handle(byte[] event, Instant deadline) {
        ComplianceChange change;
        try {
            change = Events.parseCompliance(event);
        } catch (InvalidEventException invalid) {
            return remediation.reporter().reject(DriftReports.FUNCTION, invalid.field(), invalid.problem());
        }
        Optional<Rejection> foreign = AccountTrust.foreignAccount(DriftReports.FUNCTION, change.account(), accountId);
        if (foreign.isPresent()) {
            return remediation.reporter().reject(foreign.get());
        }
        return remediation.remediate(new Evaluation(change.eventId(), change.account(), change.region(),
                change.configRuleName(), change.resourceType(), change.resourceId(), change.complianceType(),
                change.orderingTimestamp()), deadline).decided();
    }
}
