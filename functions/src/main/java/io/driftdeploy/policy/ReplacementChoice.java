package io.driftdeploy.policy;

import io.driftdeploy.config.ReplacementStrategy;
import io.driftdeploy.policy.GroupFacts.MaintenancePolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a drifted instance of one group is replaced: as the group's replacement tag chooses, else
 * the {@code defaultReplacement} setting, and only as the group can do it. A surge is Auto
 * Scaling's own launch before terminate: the instance is marked Unhealthy (SetInstanceHealth) and
 * the group's instance maintenance policy has the replacement launched and InService before the
 * instance is terminated (docs/safety-rules.md, "Surge replacement"). A group chosen to surge that
 * cannot is never terminated instead (fail closed): the team chose surge because losing the
 * instance first is what it cannot afford.
 */
public sealed interface ReplacementChoice {

    /** The one maintenance policy minimum that holds every instance InService until its replacement is. */
    int SURGE_MIN_HEALTHY = 100;

    /** What reports say about it. */
    Map<String, Object> facts();

    /** @param from where the choice came from: the group's tag, or the setting */
    record Terminate(String from) implements ReplacementChoice {
        @Override
        public Map<String, Object> facts() {
            return Map.of("replacement", ReplacementStrategy.TERMINATE.label(), "replacementFrom", from);
        }
    }

    /**
     * @param instances how many instances the group lists, in any state
     * @param marked    how many of them it lists as Unhealthy (being replaced; each may still launch one)
     */
    record Surge(String from, int maxSize, int instances, int marked, MaintenancePolicy policy) implements ReplacementChoice {
        /**
         * How many more surges fit under the group's maximum size: every listed instance, plus
         * one replacement for each instance marked Unhealthy whose replacement may not be listed
         * yet. It counts an in-flight replacement twice once the group lists it, erring on the
         * safe side until the marked instance is gone.
         */
        public int room() {
            return maxSize - instances - marked;
        }

        @Override
        public Map<String, Object> facts() {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("replacement", ReplacementStrategy.SURGE.label());
            facts.put("replacementFrom", from);
            facts.put("maintenancePolicy", policy.minHealthyPercentage() + "-" + policy.maxHealthyPercentage() + "%");
            facts.put("maxSize", maxSize);
            facts.put("groupInstances", instances);
            facts.put("markedUnhealthy", marked);
            facts.put("surgeRoom", Math.max(room(), 0));
            return facts;
        }
    }

    /** The group's replacement tag holds neither {@code terminate} nor {@code surge}. */
    record InvalidTag(String tagKey, String tagValue) implements ReplacementChoice {
        public InvalidTag {
            Objects.requireNonNull(tagKey, "tagKey");
            Objects.requireNonNull(tagValue, "tagValue");
        }

        @Override
        public Map<String, Object> facts() {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("replacementTag", tagKey);
            facts.put("replacementTagValue", tagValue);
            facts.put("fix", "set the tag " + tagKey + " to terminate or surge, or remove it");
            return facts;
        }
    }

    /** Surge is chosen, but the group cannot launch before terminating; {@code fix} says what would let it. */
    record CannotSurge(String from, String why, String fix) implements ReplacementChoice {
        @Override
        public Map<String, Object> facts() {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("replacement", ReplacementStrategy.SURGE.label());
            facts.put("replacementFrom", from);
            facts.put("cannotSurge", why);
            facts.put("fix", fix);
            return facts;
        }
    }

    /**
     * The group's choice. Surge needs an instance maintenance policy of minimum 100 % (no
     * instance leaves before its replacement is healthy) and maximum above 100 % (room to launch
     * first), and a desired capacity below the maximum size, so that the replacement never takes
     * the group above it.
     */
    static ReplacementChoice of(GroupFacts group, String tagKey, ReplacementStrategy fallback) {
        return of(group.tags(), Room.of(group), tagKey, fallback);
    }

    /**
     * What a group's size and maintenance policy say of its room to surge.
     *
     * @param listed how many instances the group lists, in any state
     * @param marked how many of them it lists as Unhealthy and not yet terminating
     */
    record Room(int desiredCapacity, int maxSize, Optional<MaintenancePolicy> policy, int listed, int marked) {
        static Room of(GroupFacts group) {
            return new Room(group.desiredCapacity(), group.maxSize(), group.maintenancePolicy(), group.members().size(),
                    group.markedUnhealthy().size());
        }
    }

    /** As {@link #of(GroupFacts, String, ReplacementStrategy)}, from the group's tags and {@code room}: what status shows. */
    static ReplacementChoice of(Map<String, String> tags, Room room, String tagKey, ReplacementStrategy fallback) {
        Optional<String> tag = Optional.ofNullable(tags.get(tagKey));
        Optional<ReplacementStrategy> chosen = tag.isPresent() ? ReplacementStrategy.parse(tag.get()) : Optional.of(fallback);
        if (chosen.isEmpty()) {
            return new InvalidTag(tagKey, tag.orElseThrow());
        }
        String from = tag.isPresent() ? "group tag " + tagKey : "DRIFT_DEPLOY_DEFAULT_REPLACEMENT";
        if (chosen.get() == ReplacementStrategy.TERMINATE) {
            return new Terminate(from);
        }
        Optional<MaintenancePolicy> policy = room.policy();
        if (policy.isEmpty() || policy.get().minHealthyPercentage() != SURGE_MIN_HEALTHY
                || policy.get().maxHealthyPercentage() <= SURGE_MIN_HEALTHY) {
            return new CannotSurge(from, policy.map(set -> "the group's instance maintenance policy ("
                            + set.minHealthyPercentage() + "-" + set.maxHealthyPercentage() + "%) does not launch before terminating")
                            .orElse("the group has no instance maintenance policy, so Auto Scaling terminates before launching"),
                    "give the group an instance maintenance policy with MinHealthyPercentage 100 and MaxHealthyPercentage"
                            + " above 100 (the console's \"Launch before terminating\"), or tag it " + tagKey + "=terminate");
        }
        if (room.desiredCapacity() >= room.maxSize()) {
            return new CannotSurge(from, "the group's desired capacity (" + room.desiredCapacity() + ") is its maximum size ("
                    + room.maxSize() + "): a replacement launched first would take it above",
                    "raise the group's MaxSize above its desired capacity, or tag it " + tagKey + "=terminate");
        }
        return new Surge(from, room.maxSize(), room.listed(), room.marked(), policy.get());
    }

    /**
     * The choice for a group whose action is {@code action}: a group that quarantines does not
     * surge (fail closed, {@link CannotSurge}). The quarantine detaches the instance and the group
     * launches its replacement only then (docs/quarantine.md, "Quarantine and surge"), which is the
     * terminate-first order a surge group chose to avoid; drift-deploy does not pretend otherwise.
     */
    static ReplacementChoice forAction(ReplacementChoice choice, RemediationAction action, String actionTagKey) {
        if (choice instanceof Surge surge && action.is(RemediationAction.Kind.QUARANTINE)) {
            return new CannotSurge(surge.from(), "the group quarantines its drifted instances (" + actionTagKey
                    + "=quarantine), and a quarantine detaches the instance before its replacement launches",
                    "choose one: tag the group " + actionTagKey + "=terminate to surge, or replace it by terminating"
                            + " (replacement terminate) to quarantine");
        }
        return choice;
    }
}
