package io.driftdeploy.message;

import io.driftdeploy.event.InstanceRefreshEvent;
import io.driftdeploy.event.RefreshKind;
import io.driftdeploy.policy.BadMark;
import io.driftdeploy.policy.ClearedReason;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.ObservedRefresh;
import io.driftdeploy.policy.RefreshOutcomes.Check;
import io.driftdeploy.policy.RefreshOutcomes.Verdict;
import io.driftdeploy.policy.RefreshOutcomes;
import io.driftdeploy.policy.StartedRefresh;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the refreshes function says about a refresh event ({@link RefreshOutcomes} decides it):
 * what the event claimed, what Auto Scaling says, what was marked and what starts next.
 */
public final class RefreshReports {

    public static final String FUNCTION = "refreshes";
    public static final String KIND = "refresh";

    private RefreshReports() {
    }

    /**
     * The report of one refresh event.
     *
     * @param verdict what was decided from the event and Auto Scaling's answer ({@link RefreshOutcomes#verdict})
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
                    + observed.map(RefreshReports::said).orElse("no refresh " + event.instanceRefreshId() + " on "
                    + event.groupName()) + ".");
        }
        sentences.add(refresh + " " + happened(verdict, observed)
                + started.map(ours -> " (rolling out image " + ours.imageId() + ")").orElse(" (not started by drift-deploy)") + ".");
        if (marked) {
            sentences.add("Image " + started.get().imageId() + " is marked bad and will not be rolled out again automatically"
                    + " (clear with: " + Hints.clearBadImage(started.get().imageId()) + ").");
        }
        if (verdict.check() != Check.NOT_FOUND) {
            pending.ifPresent(waiting -> sentences.add(verdict.releasesPending()
                    ? "Pending image " + waiting.imageId() + " is started next."
                    : "Pending image " + waiting.imageId() + " keeps waiting."));
        }
        Decision decision = marked ? Decision.MARK_BAD : verdict.check() == Check.NOT_FOUND ? Decision.REFUSE : Decision.NOTIFY;
        Notification notification = new Notification(KIND, verdict.severity(),
                started.map(StartedRefresh::app), Optional.of(event.groupName()),
                "drift-deploy: refresh on " + event.groupName() + " " + subjectOf(verdict, event, observed),
                String.join(" ", sentences));
        return new Report(FUNCTION, event.eventId(), event.groupName(), decision, verdict.reason(), Optional.empty(),
                actions, facts, Optional.of(notification));
    }

    /** The facts a report carries about the refresh as Auto Scaling reported it. */
    private static Map<String, Object> evidence(ObservedRefresh aws) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("awsStatus", aws.status());
        aws.statusReason().ifPresent(reason -> facts.put("awsStatusReason", reason));
        facts.put("awsReadAt", aws.readAt().toString());
        return facts;
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

    private static String subjectOf(Verdict verdict, InstanceRefreshEvent event, Optional<ObservedRefresh> observed) {
        return switch (verdict.check()) {
            case CONFIRMED -> happened(verdict, observed);
            case MISMATCH -> "does not match its event (" + event.kind().detailType() + ")";
            case NOT_FOUND -> "is unknown to Auto Scaling: event refused";
        };
    }

    /**
     * What the refresh did, as the verdict found it: the claim Auto Scaling confirmed, or what Auto
     * Scaling says instead of the event (its end state, or the status it is still in).
     */
    private static String happened(Verdict verdict, Optional<ObservedRefresh> observed) {
        return switch (verdict.check()) {
            case CONFIRMED -> happened(verdict.acted().orElseThrow());
            case MISMATCH -> verdict.acted().map(RefreshReports::happened).orElseGet(() -> "is " + observed.orElseThrow().status())
                    + " according to Auto Scaling, not what the event says";
            case NOT_FOUND -> "is not known to Auto Scaling; the event is refused";
        };
    }

    private static String happened(RefreshKind kind) {
        return switch (kind) {
            case STARTED -> "started";
            case CHECKPOINT_REACHED -> "reached a checkpoint";
            case STARTED_BAKING -> "replaced every instance and started baking";
            case SUCCEEDED -> "succeeded";
            case CANCELLED -> "was cancelled";
            case FAILED -> "failed";
            case ROLLBACK_STARTED -> "is rolling back";
            case ROLLBACK_SUCCEEDED -> "was rolled back";
            case ROLLBACK_FAILED -> "failed to roll back; the group needs attention";
        };
    }
}
