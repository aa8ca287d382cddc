package io.driftdeploy.orchestration;

import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.Notifier;
import io.driftdeploy.aws.SnsNotifier;
import io.driftdeploy.config.Settings;
import io.driftdeploy.message.Report;
import io.driftdeploy.policy.Rejection;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Says what a function decided, everywhere it must be said: one structured log line, the audit
 * record, the notification and a metric, each written from the one report (or rejection), and
 * returns it as the handler's typed result. Used by every handler, so no decision goes unreported.
 */
public final class Reporter {

    private final AuditTrail audit;
    private final Notifier notifier;
    private final Telemetry telemetry;
    private final Clock clock;

    public Reporter(AuditTrail audit, Notifier notifier, Telemetry telemetry, Clock clock) {
        this.audit = audit;
        this.notifier = notifier;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /** A reporter on AWS: the audit trail in the ledger, the notifications on the settings' topic. */
    static Reporter wire(Settings settings, Ledger ledger, AwsClients aws, Telemetry telemetry, Clock clock) {
        return new Reporter(AuditTrail.in(ledger, settings.auditRetention()), new SnsNotifier(aws.sns(), settings.topicArn()), telemetry, clock);
    }

    public Telemetry telemetry() {
        return telemetry;
    }

    /**
     * Audits, notifies and logs the report; returns it as the handler's result. When the
     * notification cannot be published the decision is still audited and logged, and
     * {@link UndeliveredNotificationException} carries the message, for a caller that acted to
     * record it as owed.
     */
    public Result.Decided report(Report report) {
        audit.record(report, clock.instant());
        Result.Decided result = publish(report, () -> { });
        telemetry.decision("INFO", result.json());
        return result;
    }

    /**
     * As {@link #report(Report)}, for a caller whose last write records the decision: the
     * notification is published first, then {@code recordWith} writes the audit record together
     * with the caller's own writes, in one call (one call fewer per decision). When that write is
     * refused, returning false, the audit record is written alone; when the notification fails, it
     * is written alone before the failure is thrown.
     */
    public Result.Decided report(Report report, Predicate<Ledger.Put> recordWith) {
        Ledger.Put entry = audit.entry(report, clock.instant());
        Result.Decided result = publish(report, () -> audit.record(entry));
        if (!recordWith.test(entry)) {
            audit.record(entry);
        }
        telemetry.decision("INFO", result.json());
        return result;
    }

    /** Publishes the report's notification, if it has one; runs {@code beforeFailing} when it cannot. */
    private Result.Decided publish(Report report, Runnable beforeFailing) {
        Optional<Notifier.Rendered> message = Notifier.render(report);
        try {
            return Result.Decided.of(report, message.map(notifier::publish)
                    .<Result.Delivery>map(Result.Delivery.Published::new).orElse(Result.Delivery.UNANNOUNCED));
        } catch (RuntimeException failure) {
            Result.Decided result = Result.Decided.of(report, new Result.Delivery.Undelivered(failure.getMessage()));
            telemetry.decision("ERROR", result.json());
            telemetry.count(Map.of("UndeliveredNotifications", 1), Map.of());
            UndeliveredNotificationException undelivered =
                    new UndeliveredNotificationException(message.orElseThrow(), result, failure);
            try {
                beforeFailing.run();
            } catch (RuntimeException alsoFailed) {
                undelivered.addSuppressed(alsoFailed);
            }
            throw undelivered;
        }
    }

    /** Delivers an announcement owed since its first try failed; returns the SNS message id. */
    public String deliverOwed(Notifier.Rendered owed) {
        String messageId = notifier.publish(owed);
        telemetry.count(Map.of("OwedNotificationsDelivered", 1), Map.of());
        return messageId;
    }

    /**
     * Bad input: nothing is done, the problem is logged, counted and notified, and the handler
     * returns normally so that Lambda does not retry an event that can never succeed.
     */
    public Result.Rejected reject(String function, String field, String problem) {
        return reject(Rejection.invalidEvent(function, field, problem));
    }

    /** An event refused before anything was done (see {@link #reject(String, String, String)}). */
    public Result.Rejected reject(Rejection rejection) {
        telemetry.decision("ERROR", new Result.Rejected(rejection, Result.Delivery.UNANNOUNCED).json());
        telemetry.count(Map.of("RejectedEvents", 1), Map.of());
        return new Result.Rejected(rejection, new Result.Delivery.Published(notifier.publish(Notifier.render(rejection))));
    }
}
