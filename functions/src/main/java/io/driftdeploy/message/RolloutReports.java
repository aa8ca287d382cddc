package io.driftdeploy.message;

import io.driftdeploy.config.Mode;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DescribedImage;
import io.driftdeploy.policy.GroupDecision;
import io.driftdeploy.policy.ImageVerdict;
import io.driftdeploy.policy.RolloutReason;
import io.driftdeploy.policy.RolloutTrigger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns rollout decisions into reports: facts in a stable order, a summary people can act on. */
public final class RolloutReports {

    public static final String KIND = "rollout";
    /** The function that rolls out a new image; the refreshes function is {@link RefreshReports#FUNCTION}. */
    public static final String IMAGES_FUNCTION = "images";

    private RolloutReports() {
    }

    /**
     * The image failed an image rule (or no group targets it): nothing changes anywhere.
     *
     * @param subject the AMI id, or the Image Builder image ARN when no AMI id is known
     */
    public static Report imageRejected(RolloutTrigger trigger, String subject, Optional<String> app,
                                       ImageVerdict.Rejected rejected, Mode mode) {
        Map<String, Object> facts = triggerFacts(trigger);
        facts.put("image", subject);
        app.ifPresent(name -> facts.put("app", name));
        facts.put("detail", rejected.detail());
        String summary = "Image " + subject + " is not rolled out (" + rejected.reason() + "): " + rejected.detail() + ".";
        Notification notification = new Notification(KIND, rejected.reason().severity(), app, Optional.empty(),
                "drift-deploy: image " + subject + " not rolled out: " + rejected.reason(), summary);
        return new Report(trigger.function(), trigger.eventId(), subject, GroupDecision.Outcome.SKIP.decision(),
                rejected.reason(), Optional.of(mode), List.of(), facts, Optional.of(notification));
    }

    /**
     * One group's decision and what was done about it.
     *
     * @param actions what was changed in AWS (empty in dry-run and when nothing was due)
     * @param actionFacts the identifiers those changes produced (template version, refresh id)
     */
    public static Report group(RolloutTrigger trigger, GroupDecision decision, List<String> actions,
                               Map<String, Object> actionFacts) {
        DescribedImage image = decision.image().image();
        String app = decision.image().app();
        String group = decision.group().name();
        Map<String, Object> facts = triggerFacts(trigger);
        facts.put("image", image.imageId());
        facts.put("imageCreated", image.created().toString());
        facts.put("app", app);
        facts.put("group", group);
        decision.group().running().ifPresent(running -> facts.put("runningImage", running.imageId()));
        decision.group().activeRefresh().ifPresent(active -> facts.put("activeRefresh", active.refreshId()));
        facts.put("detail", decision.detail());
        // The budget that refused, or that bounds the refresh's pace: what a person asks "why not now / why so slow".
        facts.putAll(decision.budget().facts());
        facts.putAll(actionFacts);
        Decision outcome = decision.outcome().decision();
        String summary = (decision.mode() == Mode.DRY_RUN ? "Dry run, nothing changed: " : "") + summary(decision) + ".";
        Notification notification = new Notification(KIND, decision.reason().severity(), Optional.of(app),
                Optional.of(group), "drift-deploy: " + app + " image " + image.imageId() + " on " + group + ": "
                        + outcome.label() + (decision.mode() == Mode.DRY_RUN ? " (dry run)" : ""),
                summary);
        return new Report(trigger.function(), trigger.eventId(), group, outcome, decision.reason(),
                Optional.of(decision.mode()), actions, facts, Optional.of(notification));
    }

    /** A redelivered event: already handled, nothing to do and nothing new to tell. */
    public static Report duplicate(String function, String eventId, String subject, Mode mode) {
        return new Report(function, eventId, subject, GroupDecision.Outcome.SKIP.decision(), RolloutReason.DUPLICATE_EVENT, Optional.of(mode),
                List.of(), Map.of("eventId", eventId), Optional.empty());
    }

    private static String summary(GroupDecision decision) {
        String image = decision.image().image().imageId();
        String group = decision.group().name();
        boolean dryRun = decision.mode() == Mode.DRY_RUN;
        return switch (decision.outcome()) {
            case REFRESH -> (dryRun ? "would roll out " : "rolling out ") + image + " to " + group
                    + " by instance refresh: " + decision.detail();
            case PENDING -> image + (dryRun ? " would wait" : " waits") + " as pending for " + group + ": " + decision.detail();
            case NOTIFY -> decision.detail();
            case SKIP -> image + " is not rolled out to " + group + " (" + decision.reason() + "): " + decision.detail();
        };
    }

    static Map<String, Object> triggerFacts(RolloutTrigger trigger) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("eventId", trigger.eventId());
        facts.put("account", trigger.account());
        facts.put("region", trigger.region());
        facts.put("source", trigger.source());
        return facts;
    }
}
