package io.driftdeploy.orchestration;

import io.driftdeploy.aws.AccountClients;
import io.driftdeploy.aws.AlarmDefinitions;
import io.driftdeploy.aws.AutoScalingRolloutFleet;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Compliance;
import io.driftdeploy.aws.DecisionAttribution;
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
import java.util.function.Function;

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
    /** The alarm's account's alarms, groups and rollout records: the function's own, or a member's. */
    private final Function<String, InAccount> accounts;
    private final DriftSweep sweep;

    /** What a guard alarm's state change reads in the alarm's account. */
    private record InAccount(AlarmDefinitions alarmDefinitions, AutoScalingRolloutFleet rolloutFleet, RolloutLedger rolloutLedger) {
    }

    private Alarms(Settings settings, OncePerEvent events, Reporter reporter, Function<String, InAccount> accounts,
                   DriftSweep sweep) {
        this.settings = settings;
        this.events = events;
        this.reporter = reporter;
        this.accounts = accounts;
        this.sweep = sweep;
    }

    /** The alarms function's composition root: its adapters on real AWS clients. */
    public static Alarms wire(Settings settings, AwsClients aws, Clock clock, Telemetry telemetry) {
        settings.drift().requireRules();
        Ledger ledger = new Ledger(aws.dynamoDb(), settings.tableName());
        Reporter reporter = Reporter.wire(settings, ledger, aws, telemetry, clock);
        AccountClients clients = new AccountClients(aws, settings, AlarmNotice.FUNCTION);
        Function<String, Compliance> compliance = DriftRemediation.compliance(clients);
        Function<String, AlarmDefinitions> definitions = clients.ports(in -> new AlarmDefinitions(in.cloudwatch()));
        Function<String, AutoScalingRolloutFleet> fleets = clients.ports(in -> new AutoScalingRolloutFleet(in.autoScaling(), in.ec2()));
        // The function's own account's, built now, at init: SnapStart's prime drives the clients built by then.
        definitions.apply(settings.accountId());
        fleets.apply(settings.accountId());
        return new Alarms(settings, new OncePerEvent(new DynamoEventClaims(ledger), telemetry, clock), reporter,
                account -> new InAccount(definitions.apply(account), fleets.apply(account),
                        DynamoRolloutLedger.inAccount(ledger, account, settings.accountId())),
                new DriftSweep(settings, ServedAccounts.of(settings, clients, clock), compliance,
                        DriftRemediation.wire(settings, ledger, clients, compliance, reporter, clock), telemetry, clock));
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
        // A guard alarm's reads in a member say which state change they are for (docs/organization.md).
        try (DecisionAttribution.Scope attributed = DecisionAttribution.of(AlarmNotice.stateChangeId(change))) {
            return decideAttributed(change, deadline);
        }
    }

    private Report decideAttributed(AlarmStateChange change, Instant deadline) {
        InAccount in = accounts.apply(change.account());
        Optional<AlarmDefinition> definition = in.alarmDefinitions().find(change.alarmName());
        // The drift alarm is the central account's (it watches the metric the drift function emits there for
        // every account); an alarm of the same name in a member sweeps nothing.
        if (change.newState() == AlarmState.ALARM && settings.alarms().isDriftAlarm(change.alarmName())
                && change.account().equals(settings.accountId())) {
            return sweep.sweep(change, definition, deadline);
        }
        if (change.newState() == AlarmState.ALARM) {
            List<GuardedRefresh> refreshes = in.rolloutFleet().refreshesGuardedBy(change.alarmName(), settings.rollout().appTag())
                    .stream().map(refresh -> withImage(in, refresh)).toList();
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
    private static GuardedRefresh withImage(InAccount in, GuardedRefresh refresh) {
        return refresh.withImage(in.rolloutLedger().startedRefresh(refresh.refreshId()).map(StartedRefresh::imageId)
                .or(() -> refresh.launchTemplate().flatMap(template -> refresh.launchTemplateVersion()
                        .flatMap(version -> in.rolloutFleet().imageOf(template, version)))));
    }
}
