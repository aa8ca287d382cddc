package io.driftdeploy.orchestration;

import io.driftdeploy.aws.AccountClients;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Ec2Quarantine;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.Quarantine;
import io.driftdeploy.aws.Quarantine.Quarantined;
import io.driftdeploy.config.Settings;
import io.driftdeploy.message.QuarantineReports;
import io.driftdeploy.policy.QuarantinePolicy;
import io.driftdeploy.policy.QuarantinePolicy.Expiry;
import io.driftdeploy.policy.QuarantineReason;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The end of quarantines: every instance that carries the quarantine marker is read from EC2, and
 * one whose retention ended and that no person kept (the keep tag) is terminated, audited and
 * announced. A kept instance and one still within its retention are left alone and counted; one
 * whose retention tag cannot be read is never guessed at: left alone, and the team told.
 *
 * <p>Safe to run at any time and as often as wanted (a scheduled rule, or the alarms function's
 * sweep, calls {@link #sweep}): its only write, TerminateInstances, is made on an instance read
 * running a moment before and is itself idempotent.
 */
public final class QuarantineExpiry {

    /**
     * One sweep's outcome, by instance id.
     *
     * @param failed the instances whose termination failed, with the error (the sweep went on)
     */
    public record Summary(List<String> terminated, List<String> kept, List<String> waiting, List<String> unreadable,
                          Map<String, String> failed) {
        public Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("terminated", terminated);
            json.put("kept", kept);
            json.put("waiting", waiting);
            json.put("unreadable", unreadable);
            json.put("failed", failed);
            return json;
        }
    }

    /** The account whose quarantines these are: the function's own, or a member's (docs/organization.md). */
    private final String account;
    private final Quarantine quarantine;
    private final String keepTag;
    private final Reporter reporter;
    private final Clock clock;

    QuarantineExpiry(String account, Quarantine quarantine, String keepTag, Reporter reporter, Clock clock) {
        this.account = account;
        this.quarantine = quarantine;
        this.keepTag = keepTag;
        this.reporter = reporter;
        this.clock = clock;
    }

    /** The sweep on AWS in the function's own account, reporting as {@code telemetry}. */
    public static QuarantineExpiry wire(Settings settings, AwsClients aws, Telemetry telemetry, Clock clock) {
        Ledger ledger = new Ledger(aws.dynamoDb(), settings.tableName());
        return new QuarantineExpiry(settings.accountId(), new Ec2Quarantine(aws.ec2(), aws.autoScaling()),
                settings.drift().quarantine().keepTag(), Reporter.wire(settings, ledger, aws, telemetry, clock), clock);
    }

    /**
     * The sweep in each account, on that account's clients, reporting through {@code reporter}: the
     * scheduled sweep's step. The function's own account's is built now, at init: SnapStart's prime
     * drives the clients built by then.
     */
    static Function<String, QuarantineExpiry> inAccounts(Settings settings, AccountClients clients, Reporter reporter,
                                                         Clock clock) {
        Function<String, Quarantine> quarantines = clients.ports(in -> new Ec2Quarantine(in.ec2(), in.autoScaling()));
        quarantines.apply(settings.accountId());
        String keepTag = settings.drift().quarantine().keepTag();
        return account -> new QuarantineExpiry(account, quarantines.apply(account), keepTag, reporter, clock);
    }

    /**
     * Terminates every quarantined instance whose retention ended and that is not kept.
     * {@code sweepId} names this sweep in the audit records (e.g. the scheduled event's id).
     */
    public Summary sweep(String sweepId) {
        Instant now = clock.instant();
        List<String> terminated = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (Quarantined instance : quarantine.quarantined()) {
            String id = instance.instanceId();
            switch (QuarantinePolicy.expiry(instance.tags(), keepTag, now)) {
                case Expiry.Kept ignored -> kept.add(id);
                case Expiry.Waiting ignored -> waiting.add(id);
                case Expiry.Unreadable tag -> {
                    unreadable.add(id);
                    reporter.report(QuarantineReports.expiry(sweepId, account, id, instance.tags(),
                            QuarantineReason.INVALID_RETENTION_TAG, List.of(), Map.of("value", tag.value())));
                }
                case Expiry.Ended ended -> {
                    try {
                        quarantine.terminate(id);
                    } catch (RuntimeException failure) {
                        failed.put(id, String.valueOf(failure.getMessage()));
                        continue;
                    }
                    terminated.add(id);
                    reporter.report(QuarantineReports.expiry(sweepId, account, id, instance.tags(),
                            QuarantineReason.RETENTION_ENDED, List.of("TerminateInstances " + id),
                            Map.of("until", ended.until().toString())));
                }
            }
        }
        Summary summary = new Summary(terminated, kept, waiting, unreadable, failed);
        reporter.telemetry().count(Map.of("QuarantinesEnded", terminated.size(), "QuarantineEndFailures", failed.size()), Map.of());
        reporter.telemetry().decision(failed.isEmpty() ? "INFO" : "ERROR", Map.of("quarantineSweep", sweepId, "account", account,
                "summary", summary.json()));
        if (!failed.isEmpty()) {
            throw new IllegalStateException("quarantine sweep " + sweepId + " could not terminate " + failed + " in account "
                    + account + "; they stay isolated and the next sweep tries again");
        }
        return summary;
    }
}
