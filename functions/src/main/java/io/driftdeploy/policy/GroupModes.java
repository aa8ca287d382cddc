package io.driftdeploy.policy;

import io.driftdeploy.config.Mode;
import io.driftdeploy.config.Settings;
import java.util.Map;

/**
 * Drift rule 8, mode: the global mode, overridden per group by the mode tag, for drift and rollout
 * alike (the rollout rules give it no number: a dry run decides as enforce would and changes nothing).
 */
public final class GroupModes {

    private GroupModes() {
    }

    /**
     * The group's mode tag overrides the global mode both ways (globally and per group, by tag:
     * docs/safety-rules.md, "Rule 8: the mode"), so one group can be enforced while the rest of the account is observed. A
     * tag value that is neither enforce nor dry-run means dry-run: a typo must never make a group
     * act. A forced dry run (a person's --dry-run) beats every tag.
     */
    public static Mode effective(Settings settings, Map<String, String> groupTags) {
        if (settings.dryRunForced()) {
            return Mode.DRY_RUN;
        }
        String value = groupTags.get(settings.modeTag());
        if (value == null) {
            return settings.mode();
        }
        return Mode.parse(value).orElse(Mode.DRY_RUN);
    }
}
