package io.driftdeploy.message;

import io.driftdeploy.policy.ChurnBreaker;
import io.driftdeploy.policy.ReplacementPolicy.Replacement;

/** What a person does to get past a guard that stopped drift-deploy: the words reports and notifications give. */
public final class Hints {

    private Hints() {
    }

    /** How a person clears the churn breaker of a group and rule, for the alert and every later report. */
    public static String clearBreaker(String group, String rule) {
        return "drift-deploy resume --group " + group + " --rule " + rule + ", or tag the group "
                + ChurnBreaker.CLEARED_TAG + "=<UTC time now, e.g. 2026-01-01T12:00:00Z>";
    }

    /** How a person clears an image's bad mark, for the alert that marks it. */
    public static String clearBadImage(String imageId) {
        return "drift-deploy clear-bad-image --image " + imageId;
    }

    /** What a person has to change before drift-deploy can cure the drift (rule 9), for the report and the notification. */
    public static String whatToFix(Replacement replacement) {
        String where = replacement.template()
                .map(template -> "launch template " + template.launchTemplateId() + " version " + template.versionNumber()
                        + template.imageId().map(image -> " (image " + image + ")").orElse(""))
                .orElse("the group's launch template");
        return switch (replacement.kind()) {
            case IMDSV2_REQUIRED -> "set MetadataOptions.HttpTokens=required in " + where;
            case APPROVED_IMAGE_TAG -> replacement.sameImage()
                    ? "point " + where + " at an approved image: it launches the instance's own image"
                    : "tag the image of " + where + " with " + replacement.approvedTags() + ", or point it at an approved image";
            case INHERITED_FROM_IMAGE -> "build a new image without the drift and point " + where
                    + " at it: it launches the instance's own image";
            case OTHER -> "nothing: a replacement may cure this rule";
        };
    }
}
