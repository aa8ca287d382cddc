package io.driftdeploy.policy;

import java.util.Objects;

/**
 * What set a rollout going: an image event seen by the images function, or the end of a refresh
 * (which starts a pending image) seen by the refreshes function.
 *
 * @param function the function that decides: images or refreshes
 * @param source what announced the image, e.g. {@code aws.ec2}, {@code aws.imagebuilder},
 *     {@code drift-deploy.images}, or {@code pending after refresh <id>}
 */
public record RolloutTrigger(String function, String eventId, String account, String region, String source) {
    public RolloutTrigger {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(source, "source");
    }

    /** The same trigger, for the decisions taken in {@code inAccount}: a shared image rolled out in a member account. */
    public RolloutTrigger in(String inAccount) {
        return new RolloutTrigger(function, eventId, inAccount, region, source);
    }
}
