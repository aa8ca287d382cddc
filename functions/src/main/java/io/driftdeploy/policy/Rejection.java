package io.driftdeploy.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event a function refused before doing anything: which field, what was wrong with it, and the
 * facts that say so. The function returns it as its result and announces it; Lambda does not retry it.
 *
 * @param facts further facts for the result and the notification (e.g. the accounts compared)
 */
public record Rejection(String function, RejectionReason reason, String field, String problem, Map<String, Object> facts) {

    public Rejection {
        facts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    /** The event is not what the function takes: the field and the problem, from the parser. */
    public static Rejection invalidEvent(String function, String field, String problem) {
        return new Rejection(function, RejectionReason.INVALID_EVENT, field, problem, Map.of());
    }
}
