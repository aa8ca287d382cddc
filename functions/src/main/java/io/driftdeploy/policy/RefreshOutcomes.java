package io.driftdeploy.policy;

import io.driftdeploy.event.RefreshKind;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Rollout rule 10 ({@link RolloutRule#REFRESH_OUTCOME}), and rule 7 seen from the refresh's side:
 * every status change is told; a failed or rolled-back refresh is told at high severity and its
 * image marked bad (rule 1 then never rolls it out again automatically); an ended refresh lets
 * the image pending for the group start.
 *
 * <p>An event only says where to look: what is done follows the refresh's status as Auto Scaling
 * reports it ({@link #verdict}). A refresh Auto Scaling does not know is refused; one whose status
 * does not confirm the event is told as a mismatch, and only an end state AWS reports is acted on.
 */
public final class RefreshOutcomes {

    /**
     * What one refresh event means.
     *
     * @param marksImageBad the refresh's image proved bad: Failed, or a rollback (started, done or failed)
     * @param releasesPending the group is free again and its pending image may start
     */
    public record Meaning(Severity severity, boolean marksImageBad, boolean releasesPending) {
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
                          boolean releasesPending) {
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
            return new Verdict(Check.NOT_FOUND, Optional.empty(), RefreshReason.REFRESH_NOT_FOUND, UNCONFIRMED, false, false);
        }
        Optional<RefreshKind> reported = statusKind(awsStatus.get());
        if (!OUTCOMES.contains(claimed) || reported.filter(kind -> confirms(claimed, kind)).isPresent()) {
            Meaning meaning = meaning(claimed);
            return new Verdict(Check.CONFIRMED, Optional.of(claimed), RefreshReason.of(claimed), meaning.severity(),
                    meaning.marksImageBad(), meaning.releasesPending());
        }
        RefreshReason mismatch = RefreshReason.REFRESH_STATUS_MISMATCH;
        Optional<RefreshKind> ended = reported.filter(ENDED::contains);
        if (ended.isEmpty()) {
            return new Verdict(Check.MISMATCH, Optional.empty(), mismatch, UNCONFIRMED, false, false);
        }
        Meaning meaning = meaning(ended.get());
        Severity severity = meaning.severity().compareTo(UNCONFIRMED) > 0 ? meaning.severity() : UNCONFIRMED;
        return new Verdict(Check.MISMATCH, ended, mismatch, severity, meaning.marksImageBad(), meaning.releasesPending());
    }

    /** The reported status is the claimed one, or one only reachable after it. */
    private static boolean confirms(RefreshKind claimed, RefreshKind reported) {
        return claimed == reported || claimed == RefreshKind.ROLLBACK_STARTED
                && (reported == RefreshKind.ROLLBACK_SUCCEEDED || reported == RefreshKind.ROLLBACK_FAILED);
    }

    public static Meaning meaning(RefreshKind kind) {
        return switch (kind) {
            case STARTED, CHECKPOINT_REACHED, STARTED_BAKING -> new Meaning(Severity.INFO, false, false);
            case SUCCEEDED -> new Meaning(Severity.INFO, false, true);
            // A person (or a newer refresh) cancelled it: no verdict on the image.
            case CANCELLED -> new Meaning(Severity.WARNING, false, true);
            case FAILED, ROLLBACK_SUCCEEDED -> new Meaning(Severity.HIGH, true, true);
            // ROLLBACK_FAILED leaves the group half-replaced: a person must look before anything new starts on it.
            case ROLLBACK_STARTED, ROLLBACK_FAILED -> new Meaning(Severity.HIGH, true, false);
        };
    }
}
