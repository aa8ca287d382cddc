package io.driftdeploy.message;

import io.driftdeploy.policy.Rejection;
import java.util.Optional;

/** What the team is told about an event a function rejected before doing anything. */
public final class RejectionNotice {

    public static final String KIND = "rejected";

    private RejectionNotice() {
    }

    public static Notification of(Rejection rejection) {
        return new Notification(KIND, rejection.reason().severity(), Optional.empty(), Optional.empty(),
                "drift-deploy " + rejection.function() + ": rejected " + what(rejection) + " (" + rejection.field() + ")",
                "The " + rejection.function() + " function rejected an event and took no action: " + rejection.problem());
    }

    /** What was rejected, for the subject ("rejected an invalid event"). */
    private static String what(Rejection rejection) {
        return switch (rejection.reason()) {
            case INVALID_EVENT -> "an invalid event";
            case FOREIGN_ACCOUNT -> "an event of another account";
        };
    }
}
