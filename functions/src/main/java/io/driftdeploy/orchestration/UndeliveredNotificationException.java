package io.driftdeploy.orchestration;

import io.driftdeploy.aws.Notifier;

/**
 * A decision was audited and logged but its notification could not be published. A caller that
 * acted records the message as owed before letting the failure through, so the retry Lambda
 * makes delivers it; one that did not act lets the retry decide again.
 */
public final class UndeliveredNotificationException extends RuntimeException {

    private final transient Notifier.Rendered message;
    private final transient Result.Decided result;

    UndeliveredNotificationException(Notifier.Rendered message, Result.Decided result, RuntimeException cause) {
        super("the decision was made but its notification was not delivered: " + cause.getMessage(), cause);
        this.message = message;
        this.result = result;
    }

    public Notifier.Rendered message() {
        return message;
    }

    /** The decision as reported, with the failed delivery noted. */
    public Result.Decided result() {
        return result;
    }
}
