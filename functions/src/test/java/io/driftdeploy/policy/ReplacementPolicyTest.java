package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.TagMatcher;
import io.driftdeploy.message.Hints;
import io.driftdeploy.policy.ReplacementPolicy.ConfigRuleFacts;
import io.driftdeploy.policy.ReplacementPolicy.DriftKind;
import io.driftdeploy.policy.ReplacementPolicy.Replacement;
import io.driftdeploy.policy.ReplacementPolicy.TemplateVersionFacts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rule 9, the replacement would cure: facts in, reason out, one row per case. */
class ReplacementPolicyTest {

    private static final String OWN_IMAGE = "ami-0aaaaaaaaaaaaaaa1";
    private static final String OTHER_IMAGE = "ami-0bbbbbbbbbbbbbbb2";
    private static final TagMatcher GOLDEN = new TagMatcher("drift-deploy-golden", "true");
    private static final Map<String, String> GOLDEN_TAGS = Map.of("drift-deploy-golden", "true");

    static TemplateVersionFacts version(Optional<String> image, Optional<String> httpTokens) {
        return new TemplateVersionFacts("lt-0123456789abcdef0", 3, image, httpTokens);
    }

    static Replacement imdsv2(Optional<String> httpTokens) {
        return new Replacement(DriftKind.IMDSV2_REQUIRED, Optional.of(OWN_IMAGE),
                Optional.of(version(Optional.of(OWN_IMAGE), httpTokens)), Optional.empty(), List.of(GOLDEN));
    }

    static Replacement approved(String templateImage, Optional<Map<String, String>> templateImageTags) {
        return new Replacement(DriftKind.APPROVED_IMAGE_TAG, Optional.of(OWN_IMAGE),
                Optional.of(version(Optional.of(templateImage), Optional.empty())), templateImageTags, List.of(GOLDEN));
    }

    static Replacement inherited(Optional<String> instanceImage, Optional<String> templateImage) {
        return new Replacement(DriftKind.INHERITED_FROM_IMAGE, instanceImage,
                Optional.of(version(templateImage, Optional.empty())), Optional.empty(), List.of());
    }

    static Stream<Arguments> replacements() {
        return Stream.of(
                Arguments.of("IMDSv2 required by the template", imdsv2(Optional.of("required")), false),
                Arguments.of("IMDSv1 allowed by the template", imdsv2(Optional.of("optional")), true),
                Arguments.of("template says nothing about IMDS", imdsv2(Optional.empty()), true),
                Arguments.of("approved: another image with the golden tag", approved(OTHER_IMAGE, Optional.of(GOLDEN_TAGS)), false),
                Arguments.of("approved: the instance's own image", approved(OWN_IMAGE, Optional.empty()), true),
                Arguments.of("approved: another image without the tag", approved(OTHER_IMAGE, Optional.of(Map.of("team", "web"))), true),
                Arguments.of("approved: another image with the tag's other value",
                        approved(OTHER_IMAGE, Optional.of(Map.of("drift-deploy-golden", "false"))), true),
                Arguments.of("approved: the template's image is gone", approved(OTHER_IMAGE, Optional.of(Map.of())), true),
                Arguments.of("approved: the template's image cannot be read (SSM alias)",
                        approved("resolve:ssm:/golden/shop", Optional.empty()), false),
                Arguments.of("inherited: the same image", inherited(Optional.of(OWN_IMAGE), Optional.of(OWN_IMAGE)), true),
                Arguments.of("inherited: a new image", inherited(Optional.of(OWN_IMAGE), Optional.of(OTHER_IMAGE)), false),
                Arguments.of("inherited: the template names no image", inherited(Optional.of(OWN_IMAGE), Optional.empty()), false),
                Arguments.of("inherited: the instance's image unknown", inherited(Optional.empty(), Optional.of(OWN_IMAGE)), false),
                Arguments.of("no template to judge (launch configuration)", new Replacement(DriftKind.IMDSV2_REQUIRED,
                        Optional.of(OWN_IMAGE), Optional.empty(), Optional.empty(), List.of()), false),
                Arguments.of("a rule a replacement may cure", new Replacement(DriftKind.OTHER, Optional.of(OWN_IMAGE),
                        Optional.of(version(Optional.of(OWN_IMAGE), Optional.of("optional"))), Optional.empty(), List.of()), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replacements")
    void theReplacementCuresOnlyWhenItLacksTheOffendingProperty(String description, Replacement replacement, boolean wouldNotCure) {
        assertThat(ReplacementPolicy.replacementWouldCure(replacement))
                .isEqualTo(wouldNotCure ? Optional.of(DriftReason.REPLACEMENT_WOULD_NOT_CURE) : Optional.empty());
    }

    static Stream<Arguments> kinds() {
        ConfigRuleFacts imds = new ConfigRuleFacts("EC2_IMDSV2_CHECK", Map.of());
        ConfigRuleFacts amis = new ConfigRuleFacts("APPROVED_AMIS_BY_TAG", Map.of("amisByTagKeyAndValue", "golden:yes"));
        ConfigRuleFacts ssm = new ConfigRuleFacts("EC2_INSTANCE_MANAGED_BY_SSM", Map.of());
        ConfigRuleFacts inventory = new ConfigRuleFacts("EC2_MANAGEDINSTANCE_INVENTORY_BLACKLISTED", Map.of("inventoryNames", "AWS:Application"));
        return Stream.of(
                Arguments.of("imds", Optional.of(imds), List.of(), DriftKind.IMDSV2_REQUIRED),
                Arguments.of("amis", Optional.of(amis), List.of(), DriftKind.APPROVED_IMAGE_TAG),
                Arguments.of("ssm", Optional.of(ssm), List.of(), DriftKind.OTHER),
                Arguments.of("inventory", Optional.of(inventory), List.of(), DriftKind.OTHER),
                Arguments.of("inventory", Optional.of(inventory), List.of("inventory"), DriftKind.INHERITED_FROM_IMAGE),
                Arguments.of("custom", Optional.empty(), List.of(), DriftKind.OTHER),
                Arguments.of("custom", Optional.empty(), List.of("other", "custom"), DriftKind.INHERITED_FROM_IMAGE));
    }

    @ParameterizedTest(name = "{0} ({1}, inherited {2}) is {3}")
    @MethodSource("kinds")
    void theKindComesFromTheManagedRuleOrTheInheritedList(String rule, Optional<ConfigRuleFacts> facts, List<String> inherited,
                                                         DriftKind kind) {
        assertThat(ReplacementPolicy.kind(rule, facts, inherited)).isEqualTo(kind);
    }

    @Test
    void approvedTagsComeFromTheRulesParameterElseTheGoldenImageTag() {
        ConfigRuleFacts two = new ConfigRuleFacts("APPROVED_AMIS_BY_TAG", Map.of("amisByTagKeyAndValue", "golden:yes, hardened"));
        assertThat(ReplacementPolicy.approvedImageTags(Optional.of(two), GOLDEN))
                .containsExactly(new TagMatcher("golden", "yes"), new TagMatcher("hardened", null));
        assertThat(ReplacementPolicy.approvedImageTags(Optional.of(new ConfigRuleFacts("APPROVED_AMIS_BY_TAG", Map.of())), GOLDEN))
                .containsExactly(GOLDEN);
        assertThat(ReplacementPolicy.approvedImageTags(Optional.of(new ConfigRuleFacts("APPROVED_AMIS_BY_TAG",
                Map.of("amisByTagKeyAndValue", " "))), GOLDEN)).containsExactly(GOLDEN);
        assertThat(ReplacementPolicy.approvedImageTags(Optional.empty(), GOLDEN)).containsExactly(GOLDEN);
    }

    @Test
    void onlyTheRulesThatNeedThemReadTheTemplateAndItsImage() {
        assertThat(ReplacementPolicy.judgesTemplate(DriftKind.OTHER)).isFalse();
        assertThat(ReplacementPolicy.judgesTemplate(DriftKind.IMDSV2_REQUIRED)).isTrue();
        Optional<TemplateVersionFacts> other = Optional.of(version(Optional.of(OTHER_IMAGE), Optional.empty()));
        Optional<TemplateVersionFacts> own = Optional.of(version(Optional.of(OWN_IMAGE), Optional.empty()));
        assertThat(ReplacementPolicy.judgesImageTags(DriftKind.APPROVED_IMAGE_TAG, Optional.of(OWN_IMAGE), other)).isTrue();
        assertThat(ReplacementPolicy.judgesImageTags(DriftKind.APPROVED_IMAGE_TAG, Optional.of(OWN_IMAGE), own)).isFalse();
        assertThat(ReplacementPolicy.judgesImageTags(DriftKind.IMDSV2_REQUIRED, Optional.of(OWN_IMAGE), other)).isFalse();
    }

    @Test
    void whatToFixNamesTheTemplateVersionAndImage() {
        assertThat(Hints.whatToFix(imdsv2(Optional.of("optional"))))
                .contains("HttpTokens=required").contains("lt-0123456789abcdef0 version 3").contains(OWN_IMAGE);
        assertThat(Hints.whatToFix(approved(OTHER_IMAGE, Optional.of(Map.of()))))
                .contains("tag the image").contains(OTHER_IMAGE).contains("drift-deploy-golden=true");
        assertThat(Hints.whatToFix(inherited(Optional.of(OWN_IMAGE), Optional.of(OWN_IMAGE))))
                .contains("new image").contains("lt-0123456789abcdef0 version 3");
    }
}
