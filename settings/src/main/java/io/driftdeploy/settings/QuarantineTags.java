package io.driftdeploy.settings;

import java.util.List;

/**
 * The tags a quarantine writes (docs/quarantine.md), defined once: the functions write them and
 * the CDK app allows the functions to write these and no others on instances.
 */
public final class QuarantineTags {

    /** On the instance: the audit id (event id) of the decision that quarantined it; on each snapshot too. */
    public static final String MARKER = "drift-deploy:quarantine";
    /** On the instance: the group it was quarantined from. */
    public static final String GROUP = "drift-deploy:quarantine-group";
    /** On the instance: when its retention ends (ISO-8601 instant). */
    public static final String UNTIL = "drift-deploy:quarantine-until";
    /** On each snapshot: the instance it was taken of. */
    public static final String INSTANCE = "drift-deploy:quarantine-instance";

    private QuarantineTags() {
    }

    /** The tags written on a quarantined instance. */
    public static List<String> onInstance() {
        return List.of(MARKER, GROUP, UNTIL);
    }
}
