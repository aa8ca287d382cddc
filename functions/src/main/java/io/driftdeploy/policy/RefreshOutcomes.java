package io.driftdeploy.policy;

import io.driftdeploy.event.InstanceRefreshEvent;
import io.driftdeploy.event.RefreshKind;
import io.driftdeploy.policy.Notification.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rollout safety rules 5 and 6 seen from the refresh's side: every status change is told; a
 * failed or rolled-back refresh is told at high severity and its image marked bad (never rolled
 * out again automatically); an ended refresh lets the image pending for the group start.
 *
 * <p>An event only says where to look: what is done follows the refresh's status as Auto Scaling
 * reports it ({@link #verdict}). A refresh Auto Scaling does not know is refused; one whose status
 * does not confirm the event is told as a mismatch, and only an end state AWS reports is acted on.
 */
public final class RefreshOutcomes {

    public static final String FUNCTION = "refreshes";
    public static final String KIND = "refresh";

    /**
     * What one refresh event means.
     *
     * @param marksImageBad the refresh's image proved bad: Failed, or a rollback (started, done or failed)
     * @param releasesPending the group is free again and its pending image may start
     */
    public record Meaning(Severity severity, boolean marksImageBad, boolean releasesPending, String happened) {
    }

    /** How the event's claim stands against what Auto Scaling reports. */
    public enum Check implements Labelled {
        /** AWS reports the claimed status, or one that can only follow it. */
        CONFIRMED,
        /** AWS reports another status: the decision follows AWS. */
        MISMATCH,
        /** AWS knows no refresh with that id on that group: nothing is done. */
        NOT_FOUND
    }

    /**
     * What is done about one refresh event once Auto Scaling was asked.
     *
     * @param acted the status whose meaning is acted on: the claim when confirmed, AWS's end state
     *     on a mismatch; empty when nothing is acted on
     */
    public record Verdict(Check check, Optional<RefreshKind> acted, RefreshReason reason, Severity severity, boolean marksImageBad,
                          boolean releasesPending, String happened) {
    }

    /**
     * How an event Auto Scaling does not confirm is told, at the least: someone (a replay, a
     * misrouted rule, a crafted event) says what AWS does not, and a person should look.
     */
    private static final Severity UNCONFIRMED = Severity.WARNING;

    /** The claims that decide something; the others (started, checkpoint, baking) only tell. */
    private static final Set<RefreshKind> OUTCOMES = EnumSet.of(RefreshKind.SUCCEEDED, RefreshKind.CANCELLED,
            RefreshKind.FAILED, RefreshKind.ROLLBACK_STARTED, RefreshKind.ROLLBACK_SUCCEEDED, RefreshKind.ROLLBACK_FAILED);
    /** The statuses of a refresh that ended: nothing follows them. */
    private static final Set<RefreshKind> ENDED = EnumSet.of(RefreshKind.SUCCEEDED, RefreshKind.CANCELLED,
            RefreshKind.FAILED, RefreshKind.ROLLBACK_SUCCEEDED, RefreshKind.ROLLBACK_FAILED);

    private RefreshOutcomes() {
    }

    /**
     * The status change an Auto Scaling refresh Status amounts to: {@code Successful},
     * {@code Failed}, {@code Cancelled}, {@code RollbackSuccessful}, {@code RollbackFailed} (ended)
     * and {@code RollbackInProgress} (a rollback started); empty for a refresh still running
     * (Pending, InProgress, Baking, Cancelling) or a status drift-deploy does not know.
     */
    public static Optional<RefreshKind> statusKind(String awsStatus) {
        return Optional.ofNullable(switch (awsStatus) {
            case "Successful" -> RefreshKind.SUCCEEDED;
            case "Failed" -> RefreshKind.FAILED;
            case "Cancelled" -> RefreshKind.CANCELLED;
            case "RollbackInProgress" -> RefreshKind.ROLLBACK_STARTED;
            case "RollbackSuccessful" -> RefreshKind.ROLLBACK_SUCCEEDED;
            case "RollbackFailed" -> RefreshKind.ROLLBACK_FAILED;
            default -> null;
        });
    }

    /**
     * The decision table: the event's claim × the status Auto Scaling reports (empty: AWS knows
     * no such refresh on the group).
     * <ul>
     * <li>unknown refresh: refused ({@code refresh-not-found}), nothing marked, nothing released;
     * <li>a claim that only tells (started, checkpoint, baking) about a refresh AWS knows: told;
     * <li>AWS reports the claimed status, or for Rollback Started a rollback that ended since:
     *     the claim's meaning (the reasons {@code refresh-failed}, ...);
     * <li>AWS reports another end state: that end state's meaning, as {@code refresh-status-mismatch};
     * <li>AWS reports the refresh still running (or a status drift-deploy does not know): told as
     *     {@code refresh-status-mismatch}, nothing marked, nothing released.
     * </ul>
     */
    public static Verdict verdict(RefreshKind claimed, Optional<String> awsStatus) {
        if (awsStatus.isEmpty()) {
            return new Verdict(Check.NOT_FOUND, Optional.empty(), RefreshReason.REFRESH_NOT_FOUND, UNCONFIRMED, false, false,
                    "is not known to Auto Scaling; the event is refused");
        }
        Optional<RefreshKind> reported = statusKind(awsStatus.get());
        if (!OUTCOMES.contains(claimed) || reported.filter(kind -> confirms(claimed, kind)).isPresent()) {
            Meaning meaning = meaning(claimed);
            return new Verdict(Check.CONFIRMED, Optional.of(claimed), RefreshReason.of(claimed), meaning.severity(),
                    meaning.marksImageBad(), meaning.releasesPending(), meaning.happened());
        }
        RefreshReason mismatch = RefreshReason.REFRESH_STATUS_MISMATCH;
        Optional<RefreshKind> ended = reported.filter(ENDED::contains);
        if (ended.isEmpty()) {
            return new Verdict(Check.MISMATCH, Optional.empty(), mismatch, UNCONFIRMED, false, false,
                    "is " + awsStatus.get() + " according to Auto Scaling, not what the event says");
        }
        Meaning meaning = meaning(ended.get());
        Severity severity = meaning.severity().compareTo(UNCONFIRMED) > 0 ? meaning.severity() : UNCONFIRMED;
        return new Verdict(Check.MISMATCH, ended, mismatch, severity, meaning.marksImageBad(),
                meaning.releasesPending(), meaning.happened() + " according to Auto Scaling, not what the event says");
    }

    /** The reported status is the claimed one, or one only reachable after it. */
    private static boolean confirms(RefreshKind claimed, RefreshKind reported) {
        return claimed == reported || claimed == RefreshKind.ROLLBACK_STARTED
                && (reported == RefreshKind.ROLLBACK_SUCCEEDED || reported == RefreshKind.ROLLBACK_FAILED);
    }

    public static Meaning meaning(RefreshKind kind) {
        return switch (kind) {
            case STARTED -> new Meaning(Severity.INFO, false, false, "started");
            case CHECKPOINT_REACHED -> new Meaning(Severity.INFO, false, false, "reached a checkpoint");
            case STARTED_BAKING -> new Meaning(Severity.INFO, false, false, "replaced every instance and started baking");
            case SUCCEEDED -> new Meaning(Severity.INFO, false, true, "succeeded");
            // A person (or a newer refresh) cancelled it: no verdict on the image.
            case CANCELLED -> new Meaning(Severity.WARNING, false, true, "was cancelled");
            case FAILED -> new Meaning(Severity.HIGH, true, true, "failed");
            case ROLLBACK_STARTED -> new Meaning(Severity.HIGH, true, false, "is rolling back");
            case ROLLBACK_SUCCEEDED -> new Meaning(Severity.HIGH, true, true, "was rolled back");
            // The group is left half-replaced: a person must look before anything new starts on it.
            case ROLLBACK_FAILED -> new Meaning(Severity.HIGH, true, false, "failed to roll back; the group needs attention");
        };
    }

    /**
     * The report of one refresh event.
     *
     * @param verdict what was decided from the event and Auto Scaling's answer ({@link #verdict})
     * @param observed the refresh as Auto Scaling reported it; empty when it knows no such refresh
     * @param started what the ledger says drift-deploy started with this refresh; empty for a
     *     refresh someone else started (its image is then not judged)
     * @param pending the image waiting for this group, if any
     * @param actions what was recorded (the bad mark)
     */
    public static Report report(InstanceRefreshEvent event, Verdict verdict, Optional<ObservedRefresh> observed,
                                Optional<StartedRefresh> started, Optional<ImageRef> pending, List<String> actions) {
        boolean marked = verdict.marksImageBad() && started.isPresent();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("eventId", event.eventId());
        facts.put("account", event.account());
        facts.put("region", event.region());
        facts.put("group", event.groupName());
        facts.put("refreshId", event.instanceRefreshId());
        facts.put("status", event.kind().detailType());
        facts.put("check", verdict.check().label());
        observed.ifPresent(aws -> facts.putAll(evidence(aws)));
        started.ifPresent(ours -> {
            facts.put("image", ours.imageId());
            facts.put("app", ours.app());
            facts.put("launchTemplateId", ours.launchTemplateId());
            facts.put("launchTemplateVersion", ours.launchTemplateVersion());
        });
        event.checkpointPercentage().ifPresent(percent -> facts.put("checkpointPercentage", percent));
        event.checkpointDelay().ifPresent(delay -> facts.put("checkpointDelaySeconds", delay.toSeconds()));
        pending.ifPresent(waiting -> facts.put("pendingImage", waiting.imageId()));
        facts.put("imageMarkedBad", marked);

        List<String> sentences = new ArrayList<>();
        String refresh = "Instance refresh " + event.instanceRefreshId() + " on " + event.groupName();
        if (verdict.check() != Check.CONFIRMED) {
            sentences.add("The event says: " + event.kind().detailType() + ". Auto Scaling says: "
                    + observed.map(RefreshOutcomes::said).orElse("no refresh " + event.instanceRefreshId() + " on "
                    + event.groupName()) + ".");
        }
        sentences.add(refresh + " " + verdict.happened()
                + started.map(ours -> " (rolling out image " + ours.imageId() + ")").orElse(" (not started by drift-deploy)") + ".");
        if (marked) {
            sentences.add("Image " + started.get().imageId() + " is marked bad and will not be rolled out again automatically"
                    + " (clear with: " + clearBadImageHint(started.get().imageId()) + ").");
        }
        if (verdict.check() != Check.NOT_FOUND) {
            pending.ifPresent(waiting -> sentences.add(verdict.releasesPending()
                    ? "Pending image " + waiting.imageId() + " is started next."
                    : "Pending image " + waiting.imageId() + " keeps waiting."));
        }
        Decision decision = marked ? Decision.MARK_BAD : verdict.check() == Check.NOT_FOUND ? Decision.REFUSE : Decision.NOTIFY;
        Notification notification = new Notification(KIND, verdict.severity(),
                started.map(StartedRefresh::app), Optional.of(event.groupName()),
                "drift-deploy: refresh on " + event.groupName() + " " + subjectOf(verdict, event),
                String.join(" ", sentences));
        return new Report(FUNCTION, event.eventId(), event.groupName(), decision, verdict.reason(), Optional.empty(),
                actions, facts, Optional.of(notification));
    }

    /** The facts a bad mark and a report carry about the refresh as Auto Scaling reported it. */
    public static Map<String, Object> evidence(ObservedRefresh aws) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("awsStatus", aws.status());
        aws.statusReason().ifPresent(reason -> facts.put("awsStatusReason", reason));
        facts.put("awsReadAt", aws.readAt().toString());
        return facts;
    }

    /** How a person clears an image's bad mark, for the alert that marks it. */
    public static String clearBadImageHint(String imageId) {
        return "drift-deploy clear-bad-image --image " + imageId;
    }

    /**
     * The audit record of a person clearing an image's bad mark (drift-deploy clear-bad-image),
     * under the image: the mark's evidence and when it was cleared. Nothing is announced, the
     * person is there.
     */
    public static Report badMarkCleared(BadMark mark, Instant at) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("image", mark.imageId());
        facts.put("group", mark.group());
        facts.put("refreshId", mark.refreshId());
        facts.put("awsStatus", mark.status());
        mark.statusReason().ifPresent(reason -> facts.put("awsStatusReason", reason));
        mark.readAt().ifPresent(readAt -> facts.put("awsReadAt", readAt.toString()));
        facts.put("markedAt", mark.markedAt());
        facts.put("clearedAt", at.toString());
        return new Report(DriftReports.CLI_FUNCTION, "clear-bad-image#" + mark.imageId() + "#" + mark.markedAt(),
                mark.imageId(), Decision.CLEAR, ClearedReason.BAD_MARK_CLEARED, Optional.empty(),
                List.of("DeleteItem IMAGE#" + mark.imageId() + " BAD", "DeleteItem ROLLOUT#" + mark.group() + " IMAGE#" + mark.imageId()),
                facts, Optional.empty());
    }

    private static String said(ObservedRefresh aws) {
        return aws.status() + aws.statusReason().map(reason -> " (" + reason + ")").orElse("") + " at " + aws.readAt();
    }

    private static String subjectOf(Verdict verdict, InstanceRefreshEvent event) {
        return switch (verdict.check()) {
            case CONFIRMED -> verdict.happened();
            case MISMATCH -> "does not match its event (" + event.kind().detailType() + ")";
            case NOT_FOUND -> "is unknown to Auto Scaling: event refused";
        };
    }
}
