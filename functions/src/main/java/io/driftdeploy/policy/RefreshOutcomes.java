package io.driftdeploy.policy;

import io.driftdeploy.event.InstanceRefreshEvent;
import io.driftdeploy.event.RefreshKind;
import io.driftdeploy.policy.Notification.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Rollout safety rules 5 and 6 seen from the refresh's side: every status change is told; a
 * failed or rolled-back refresh is told at high severity and its image marked bad (never rolled
 * out again automatically); an ended refresh lets the image pending for the group start.
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

    private RefreshOutcomes() {
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

    /** The reason label of a refresh event, e.g. {@code refresh-rollback-succeeded}. */
    public static String reason(RefreshKind kind) {
        return "refresh-" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The report of one refresh event.
     *
     * @param started what the ledger says drift-deploy started with this refresh; empty for a
     *     refresh someone else started (its image is then not judged)
     * @param pending the image waiting for this group, if any
     * @param actions what was recorded (the bad mark)
     */
    public static Report report(InstanceRefreshEvent event, Optional<StartedRefresh> started, Optional<ImageRef> pending,
                                List<String> actions) {
        Meaning meaning = meaning(event.kind());
        boolean marked = meaning.marksImageBad() && started.isPresent();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("eventId", event.eventId());
        facts.put("account", event.account());
        facts.put("region", event.region());
        facts.put("group", event.groupName());
        facts.put("refreshId", event.instanceRefreshId());
        facts.put("status", event.kind().detailType());
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
        sentences.add("Instance refresh " + event.instanceRefreshId() + " on " + event.groupName() + " " + meaning.happened()
                + started.map(ours -> " (rolling out image " + ours.imageId() + ")").orElse(" (not started by drift-deploy)") + ".");
        if (marked) {
            sentences.add("Image " + started.get().imageId() + " is marked bad and will not be rolled out again automatically.");
        }
        pending.ifPresent(waiting -> sentences.add(meaning.releasesPending()
                ? "Pending image " + waiting.imageId() + " is started next."
                : "Pending image " + waiting.imageId() + " keeps waiting."));
        String decision = marked ? "mark-bad" : "notify";
        Notification notification = new Notification(KIND, meaning.severity(), decision,
                started.map(StartedRefresh::app), Optional.of(event.groupName()),
                "drift-deploy: refresh on " + event.groupName() + " " + meaning.happened(),
                String.join(" ", sentences), RolloutReports.withDecision(facts, decision, reason(event.kind()), Optional.empty()));
        return new Report(FUNCTION, event.eventId(), event.groupName(), decision, reason(event.kind()), Optional.empty(),
                actions, facts, Optional.of(notification));
    }
}
