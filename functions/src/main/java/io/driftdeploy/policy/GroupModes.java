package io.driftdeploy.policy;

import io.driftdeploy.config.Mode;
import java.util.Map;

/** Safety rule "mode": the global mode, overridden per group by the mode tag. */
public final class GroupModes {

    private GroupModes() {
    }

    /**
     * The group's mode tag wins over the global mode. A tag with any other value than enforce or
     * dry-run falls back to dry-run: a typo must never make a group act.
     */
    public static Mode effective(Mode global, String modeTag, Map<String, String> groupTags) {
        String value = groupTags.get(modeTag);
        if (value == null) {
            return global;
        }
        return Mode.parse(value).orElse(Mode.DRY_RUN);
    }
}
