package io.driftdeploy.policy;

import io.driftdeploy.config.TagMatcher;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Rollout rule 1 ({@link RolloutRule#TRUSTED_GOLDEN_IMAGE}): the image exists, is available, is
 * owned by a trusted account, carries the tag naming its application and the golden-image tag, and
 * has not been marked bad. Anyone who can put an event on the bus must not be able to roll an
 * arbitrary AMI onto a fleet, so every announcement is checked against what EC2 itself says about
 * the image.
 */
public final class ImageRules {

    /**
     * Everything the image rules look at.
     *
     * @param reportedAvailable whether the event itself says the image is usable (an AMI state
     *     change to {@code failed} does not)
     * @param reportedState the state the event reports, when it reports one
     * @param imageId the AMI id, empty when an Image Builder image has no AMI in this region
     * @param described what EC2 says about the AMI, empty when EC2 knows no such image
     * @param markedBad whether a refresh with this image failed or rolled back before
     * @param claimedApp the application the publisher named, if it named one
     * @param trustedAccounts accounts whose AMIs may be rolled out
     * @param appTag the tag key naming an image's (and a group's) application
     * @param goldenTag the tag the drift rule requires of an instance's AMI, so of every golden image
     */
    public record Candidate(
            boolean reportedAvailable,
            Optional<String> reportedState,
            Optional<String> imageId,
            Optional<DescribedImage> described,
            boolean markedBad,
            Optional<String> claimedApp,
            List<String> trustedAccounts,
            String appTag,
            TagMatcher goldenTag) {

        public Candidate {
            Objects.requireNonNull(reportedState, "reportedState");
            Objects.requireNonNull(imageId, "imageId");
            Objects.requireNonNull(described, "described");
            Objects.requireNonNull(claimedApp, "claimedApp");
            trustedAccounts = List.copyOf(trustedAccounts);
            Objects.requireNonNull(appTag, "appTag");
            Objects.requireNonNull(goldenTag, "goldenTag");
        }
    }

    private ImageRules() {
    }

    public static ImageVerdict check(Candidate candidate) {
        if (!candidate.reportedAvailable()) {
            return new ImageVerdict.Rejected(RolloutReason.IMAGE_NOT_AVAILABLE,
                    "the event reports the image as " + candidate.reportedState().orElse("not available"));
        }
        if (candidate.imageId().isEmpty()) {
            return new ImageVerdict.Rejected(RolloutReason.IMAGE_NOT_FOUND, "the image has no AMI in this region");
        }
        String imageId = candidate.imageId().get();
        if (candidate.described().isEmpty()) {
            return new ImageVerdict.Rejected(RolloutReason.IMAGE_NOT_FOUND, "EC2 knows no image " + imageId);
        }
        DescribedImage image = candidate.described().get();
        if (!image.available()) {
            return new ImageVerdict.Rejected(RolloutReason.IMAGE_NOT_AVAILABLE,
                    "image " + imageId + " is " + image.state() + ", not " + DescribedImage.AVAILABLE);
        }
        if (!candidate.trustedAccounts().contains(image.ownerId())) {
            return new ImageVerdict.Rejected(RolloutReason.UNTRUSTED_OWNER,
                    "image " + imageId + " is owned by " + image.ownerId() + ", not by a trusted account "
                            + candidate.trustedAccounts());
        }
        Optional<String> app = image.tag(candidate.appTag());
        if (app.isEmpty()) {
            return new ImageVerdict.Rejected(RolloutReason.MISSING_APP_TAG,
                    "image " + imageId + " has no " + candidate.appTag() + " tag naming its application");
        }
        if (candidate.claimedApp().isPresent() && !candidate.claimedApp().get().equals(app.get())) {
            return new ImageVerdict.Rejected(RolloutReason.APP_MISMATCH,
                    "the event names application " + candidate.claimedApp().get() + " but image " + imageId
                            + " is tagged " + candidate.appTag() + "=" + app.get());
        }
        // The drift rule and the rollout must agree on what golden means: an image without the tag
        // would make each instance it launches non-compliant, terminated and replaced from it again.
        if (!candidate.goldenTag().matches(image.tags())) {
            return new ImageVerdict.Rejected(RolloutReason.NOT_GOLDEN_IMAGE,
                    "image " + imageId + " does not carry the golden-image tag " + candidate.goldenTag()
                            + " that the drift rule (AWS Config APPROVED_AMIS_BY_TAG) checks, so every instance launched"
                            + " from it would drift; set that tag on the AMI (drift-deploy publish-image does)");
        }
        if (candidate.markedBad()) {
            return new ImageVerdict.Rejected(RolloutReason.IMAGE_MARKED_BAD,
                    "a refresh with image " + imageId + " failed or rolled back; it is not rolled out again automatically");
        }
        return new ImageVerdict.Approved(image, app.get());
    }

    /**
     * Rule 1 in a member account, for an image approved where it was built: the member must see it
     * (shared with it) and available. Its tags are not checked there: an AMI's tags are its owner's
     * and are not shared with the accounts it is shared with ("Share an AMI with specific AWS
     * accounts", Amazon EC2 User Guide), so the golden and app tags were read where it was built.
     */
    public static Optional<ImageVerdict.Rejected> sharedWith(String account, String imageId, Optional<DescribedImage> seen) {
        if (seen.isEmpty()) {
            return Optional.of(new ImageVerdict.Rejected(RolloutReason.IMAGE_NOT_FOUND,
                    "EC2 in account " + account + " knows no image " + imageId + ": it is not shared with that account"));
        }
        if (!seen.get().available()) {
            return Optional.of(new ImageVerdict.Rejected(RolloutReason.IMAGE_NOT_AVAILABLE,
                    "image " + imageId + " is " + seen.get().state() + " in account " + account + ", not " + DescribedImage.AVAILABLE));
        }
        return Optional.empty();
    }
}
