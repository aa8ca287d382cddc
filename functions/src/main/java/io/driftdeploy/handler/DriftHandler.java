package io.driftdeploy.handler;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.SnapStartPrime;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.ComplianceChange;
import io.driftdeploy.event.Events;
import io.driftdeploy.message.DriftReports;
import io.driftdeploy.orchestration.DriftRemediation;
import io.driftdeploy.orchestration.Reporter;
import io.driftdeploy.orchestration.Result;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.policy.Evaluation;
import java.time.Clock;
import java.time.Instant;

/**
 * The drift function ({@link DriftRemediation}): an AWS Config "Config Rules Compliance Change"
 * event in, the decision on the evaluated instance out (decision, reason, instance, group, mode,
 * actions).
 */
public final class DriftHandler extends EventFunction<ComplianceChange> {

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
        super(DriftReports.FUNCTION, members(settings, aws, clock), clock);
        this.remediation = DriftRemediation.wire(settings, aws, telemetry, clock);
        this.snapStart = Priming.of(settings, aws, "drift/config-noncompliant-ec2.json",
                canned -> new DriftHandler(settings, canned, clock, Telemetry.discarded(DriftReports.FUNCTION))::handle);
    }

    @Override
    ComplianceChange parse(byte[] json) {
        return Events.parseCompliance(json);
    }

    @Override
    String account(ComplianceChange change) {
        return change.account();
    }

    @Override
    Reporter reporter() {
        return remediation.reporter();
    }

    @Override
    Result decide(ComplianceChange change, Instant deadline) {
        return remediation.remediate(new Evaluation(change.eventId(), change.account(), change.region(),
                change.configRuleName(), change.resourceType(), change.resourceId(), change.complianceType(),
                change.orderingTimestamp()), deadline).decided();
    }
}
