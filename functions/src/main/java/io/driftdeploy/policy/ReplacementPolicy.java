package io.driftdeploy.policy;

import io.driftdeploy.config.TagMatcher;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Safety rule 9, first half: terminating is only worth it when the replacement the group launches
 * would not carry the property the drift rule flags. A replacement comes from the group's launch
 * template version and its image, so whether it cures the drift is decided from those, per kind
 * of rule. A rule whose kind is unknown (a custom rule, a managed rule not listed here, a rule
 * AWS Config does not describe) is given the benefit of the doubt: the replacement may cure it,
 * and the churn breaker ({@link ChurnBreaker}) is the last line if it does not.
 */
public final class ReplacementPolicy {

    /** AWS Config's managed rule identifiers this rule knows how to judge. */
    public static final String IMDSV2_CHECK = "EC2_IMDSV2_CHECK";
    public static final String APPROVED_AMIS_BY_TAG = "APPROVED_AMIS_BY_TAG";
    /** APPROVED_AMIS_BY_TAG's parameter: {@code key:value} or {@code key}, comma separated. */
    public static final String APPROVED_TAGS_PARAMETER = "amisByTagKeyAndValue";
    /** The launch template setting an instance must have for EC2_IMDSV2_CHECK to pass. */
    public static final String HTTP_TOKENS_REQUIRED = "required";

    private ReplacementPolicy() {
    }

    /** What a drift rule checks, as far as a replacement can cure it. */
    public enum DriftKind {
        /** EC2_IMDSV2_CHECK: the replacement requires IMDSv2 when its template version says so. */
        IMDSV2_REQUIRED,
        /** APPROVED_AMIS_BY_TAG: the replacement's image must be another one, carrying an approved tag. */
        APPROVED_IMAGE_TAG,
        /** Declared inherited (DRIFT_DEPLOY_TEMPLATE_INHERITED_RULES): the same image brings the same drift back. */
        INHERITED_FROM_IMAGE,
        /** Anything else: a replacement may cure it. */
        OTHER
    }

    /**
     * A Config rule as DescribeConfigRules describes it.
     *
     * @param inputParameters its InputParameters, those whose value is text
     */
    public record ConfigRuleFacts(String sourceIdentifier, Map<String, String> inputParameters) {
        public ConfigRuleFacts {
            Objects.requireNonNull(sourceIdentifier, "sourceIdentifier");
            inputParameters = Map.copyOf(inputParameters);
        }
    }

    /**
     * The launch template version a group launches, with {@code $Latest}/{@code $Default} resolved.
     *
     * @param imageId    the ImageId as written (an AMI id or an SSM parameter alias), if any
     * @param httpTokens MetadataOptions.HttpTokens, if the version sets it
     */
    public record TemplateVersionFacts(String launchTemplateId, long versionNumber, Optional<String> imageId,
                                       Optional<String> httpTokens) {
        public TemplateVersionFacts {
            Objects.requireNonNull(launchTemplateId, "launchTemplateId");
            Objects.requireNonNull(imageId, "imageId");
            Objects.requireNonNull(httpTokens, "httpTokens");
        }
    }

    /**
     * Everything rule 9 judges a replacement by.
     *
     * @param template          the version the group launches; empty when it launches from no single
     *                          template (launch configuration) or the version is gone
     * @param templateImageTags the tags of the template version's image: empty when not read or not
     *                          readable (no image, an SSM alias), an empty map when EC2 knows no such image
     * @param approvedTags      the tags that approve an image (APPROVED_IMAGE_TAG only)
     */
    public record Replacement(DriftKind kind, Optional<String> instanceImageId, Optional<TemplateVersionFacts> template,
                              Optional<Map<String, String>> templateImageTags, List<TagMatcher> approvedTags) {
        public Replacement {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(instanceImageId, "instanceImageId");
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(templateImageTags, "templateImageTags");
            approvedTags = List.copyOf(approvedTags);
        }

        Optional<String> templateImageId() {
            return template.flatMap(TemplateVersionFacts::imageId);
        }

        /** Whether the group would launch the instance's own image again. */
        public boolean sameImage() {
            return instanceImageId.isPresent() && instanceImageId.equals(templateImageId());
        }
    }

    /** Declared inheritance wins over the managed rule, since a person said so for this rule name. */
    public static DriftKind kind(String ruleName, Optional<ConfigRuleFacts> rule, Collection<String> inheritedRules) {
        if (inheritedRules.contains(ruleName)) {
            return DriftKind.INHERITED_FROM_IMAGE;
        }
        return rule.map(facts -> switch (facts.sourceIdentifier()) {
            case IMDSV2_CHECK -> DriftKind.IMDSV2_REQUIRED;
            case APPROVED_AMIS_BY_TAG -> DriftKind.APPROVED_IMAGE_TAG;
            default -> DriftKind.OTHER;
        }).orElse(DriftKind.OTHER);
    }

    /**
     * The tags that approve an image: the rule's own {@code amisByTagKeyAndValue} when it sets it
     * ({@code key:value} or {@code key}, comma separated, any one of them approves), else the
     * golden-image tag drift-deploy is configured with.
     */
    public static List<TagMatcher> approvedImageTags(Optional<ConfigRuleFacts> rule, TagMatcher goldenImageTag) {
        List<TagMatcher> fromRule = rule.map(facts -> facts.inputParameters().get(APPROVED_TAGS_PARAMETER))
                .map(value -> Arrays.stream(value.split(","))
                        .map(String::trim)
                        .filter(item -> !item.isEmpty() && !item.startsWith(":"))
                        .map(ReplacementPolicy::tagPair)
                        .toList())
                .orElse(List.of());
        return fromRule.isEmpty() ? List.of(goldenImageTag) : fromRule;
    }

    /** Whether the decision needs the template version read at all: not for a rule a replacement may cure anyway. */
    public static boolean judgesTemplate(DriftKind kind) {
        return kind != DriftKind.OTHER;
    }

    /** Whether the decision needs the template image's tags: only to tell an approved image from another one. */
    public static boolean judgesImageTags(DriftKind kind, Optional<String> instanceImageId, Optional<TemplateVersionFacts> template) {
        Optional<String> image = template.flatMap(TemplateVersionFacts::imageId);
        return kind == DriftKind.APPROVED_IMAGE_TAG && image.isPresent() && !image.equals(instanceImageId);
    }

    public static Optional<DriftReason> replacementWouldCure(Replacement replacement) {
        return wouldNotCure(replacement) ? Optional.of(DriftReason.REPLACEMENT_WOULD_NOT_CURE) : Optional.empty();
    }

    private static boolean wouldNotCure(Replacement replacement) {
        if (replacement.template().isEmpty()) {
            // Nothing to judge the replacement by: it may cure the drift.
            return false;
        }
        TemplateVersionFacts template = replacement.template().get();
        return switch (replacement.kind()) {
            case IMDSV2_REQUIRED -> !template.httpTokens().filter(HTTP_TOKENS_REQUIRED::equals).isPresent();
            case APPROVED_IMAGE_TAG -> replacement.sameImage() || replacement.templateImageTags()
                    .map(tags -> replacement.approvedTags().stream().noneMatch(approved -> approved.matches(tags)))
                    .orElse(false);
            case INHERITED_FROM_IMAGE -> replacement.sameImage();
            case OTHER -> false;
        };
    }

    private static TagMatcher tagPair(String item) {
        int colon = item.indexOf(':');
        return colon < 0 ? new TagMatcher(item, null)
                : new TagMatcher(item.substring(0, colon).trim(), item.substring(colon + 1).trim().isEmpty()
                        ? null : item.substring(colon + 1).trim());
    }
}
