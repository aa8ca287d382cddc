package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.TagMatcher;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ImageRulesTest {

    private static final String ACCOUNT = "123456789012";
    private static final String APP_TAG = "drift-deploy:app";
    private static final TagMatcher GOLDEN = new TagMatcher("drift-deploy-golden", "true");
    private static final DescribedImage GOOD = new DescribedImage("ami-0123456789abcdef0", "available", ACCOUNT,
            Instant.parse("2025-06-12T07:40:00Z"), Map.of(APP_TAG, "shop", "Name", "shop-golden", "drift-deploy-golden", "true"));

    private static ImageRules.Candidate candidate(UnaryOperator<ImageRules.Candidate> change) {
        return change.apply(new ImageRules.Candidate(true, Optional.of("available"), Optional.of(GOOD.imageId()),
                Optional.of(GOOD), false, Optional.empty(), List.of(ACCOUNT), APP_TAG, GOLDEN));
    }

    private static ImageRules.Candidate described(DescribedImage image) {
        return candidate(c -> new ImageRules.Candidate(true, c.reportedState(), c.imageId(), Optional.of(image),
                c.markedBad(), c.claimedApp(), c.trustedAccounts(), c.appTag(), c.goldenTag()));
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of("event reports failed", candidate(c -> new ImageRules.Candidate(false, Optional.of("failed"),
                        c.imageId(), c.described(), false, Optional.empty(), c.trustedAccounts(), APP_TAG, GOLDEN)),
                        RolloutReason.IMAGE_NOT_AVAILABLE, "reports the image as failed"),
                Arguments.of("no AMI in this region", candidate(c -> new ImageRules.Candidate(true, c.reportedState(),
                        Optional.empty(), Optional.empty(), false, Optional.empty(), c.trustedAccounts(), APP_TAG, GOLDEN)),
                        RolloutReason.IMAGE_NOT_FOUND, "no AMI in this region"),
                Arguments.of("EC2 knows no such image", candidate(c -> new ImageRules.Candidate(true, c.reportedState(),
                        c.imageId(), Optional.empty(), false, Optional.empty(), c.trustedAccounts(), APP_TAG, GOLDEN)),
                        RolloutReason.IMAGE_NOT_FOUND, "EC2 knows no image ami-0123456789abcdef0"),
                Arguments.of("still pending", described(new DescribedImage(GOOD.imageId(), "pending", ACCOUNT,
                        GOOD.created(), GOOD.tags())), RolloutReason.IMAGE_NOT_AVAILABLE, "is pending, not available"),
                Arguments.of("deregistered", described(new DescribedImage(GOOD.imageId(), "deregistered", ACCOUNT,
                        GOOD.created(), GOOD.tags())), RolloutReason.IMAGE_NOT_AVAILABLE, "is deregistered"),
                Arguments.of("owned by a stranger", described(new DescribedImage(GOOD.imageId(), "available",
                        "999999999999", GOOD.created(), GOOD.tags())), RolloutReason.UNTRUSTED_OWNER,
                        "owned by 999999999999, not by a trusted account [123456789012]"),
                Arguments.of("no app tag", described(new DescribedImage(GOOD.imageId(), "available", ACCOUNT,
                        GOOD.created(), Map.of("Name", "x"))), RolloutReason.MISSING_APP_TAG, "has no drift-deploy:app tag"),
                Arguments.of("blank app tag", described(new DescribedImage(GOOD.imageId(), "available", ACCOUNT,
                        GOOD.created(), Map.of(APP_TAG, "  "))), RolloutReason.MISSING_APP_TAG, "has no drift-deploy:app tag"),
                Arguments.of("publisher names another app", candidate(c -> new ImageRules.Candidate(true, c.reportedState(),
                        c.imageId(), c.described(), false, Optional.of("billing"), c.trustedAccounts(), APP_TAG, GOLDEN)),
                        RolloutReason.APP_MISMATCH, "names application billing but image ami-0123456789abcdef0 is tagged drift-deploy:app=shop"),
                Arguments.of("no golden-image tag", described(new DescribedImage(GOOD.imageId(), "available", ACCOUNT,
                        GOOD.created(), Map.of(APP_TAG, "shop"))), RolloutReason.NOT_GOLDEN_IMAGE,
                        "does not carry the golden-image tag drift-deploy-golden=true that the drift rule (AWS Config"
                                + " APPROVED_AMIS_BY_TAG) checks"),
                Arguments.of("golden-image tag with another value", described(new DescribedImage(GOOD.imageId(), "available",
                        ACCOUNT, GOOD.created(), Map.of(APP_TAG, "shop", "drift-deploy-golden", "false"))),
                        RolloutReason.NOT_GOLDEN_IMAGE, "set that tag on the AMI"),
                Arguments.of("marked bad and not golden: the tag is checked first", candidate(c -> new ImageRules.Candidate(true,
                        c.reportedState(), c.imageId(), Optional.of(new DescribedImage(GOOD.imageId(), "available", ACCOUNT,
                        GOOD.created(), Map.of(APP_TAG, "shop"))), true, Optional.empty(), c.trustedAccounts(), APP_TAG, GOLDEN)),
                        RolloutReason.NOT_GOLDEN_IMAGE, "golden-image tag"),
                Arguments.of("no app tag and not golden: the app tag is checked first", described(new DescribedImage(
                        GOOD.imageId(), "available", ACCOUNT, GOOD.created(), Map.of())),
                        RolloutReason.MISSING_APP_TAG, "has no drift-deploy:app tag"),
                Arguments.of("marked bad", candidate(c -> new ImageRules.Candidate(true, c.reportedState(),
                        c.imageId(), c.described(), true, Optional.empty(), c.trustedAccounts(), APP_TAG, GOLDEN)),
                        RolloutReason.IMAGE_MARKED_BAD, "failed or rolled back"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("rejections")
    void rejectsWithTheRuleThatFailed(String variant, ImageRules.Candidate candidate, RolloutReason reason, String detail) {
        ImageVerdict verdict = ImageRules.check(candidate);

        assertThat(verdict).isInstanceOfSatisfying(ImageVerdict.Rejected.class, rejected -> {
            assertThat(rejected.reason()).isEqualTo(reason);
            assertThat(rejected.detail()).contains(detail);
        });
    }

    @Test
    void approvesAnAvailableTrustedTaggedImageForItsTaggedApplication() {
        assertThat(ImageRules.check(candidate(c -> c))).isEqualTo(new ImageVerdict.Approved(GOOD, "shop"));
    }

    @Test
    void aPublisherNamingTheSameApplicationIsApproved() {
        ImageRules.Candidate named = candidate(c -> new ImageRules.Candidate(true, c.reportedState(), c.imageId(),
                c.described(), false, Optional.of("shop"), c.trustedAccounts(), APP_TAG, GOLDEN));

        assertThat(ImageRules.check(named)).isInstanceOf(ImageVerdict.Approved.class);
    }

    @Test
    void theGoldenImageTagIsTheConfiguredOne() {
        DescribedImage approvedElsewise = new DescribedImage(GOOD.imageId(), "available", ACCOUNT, GOOD.created(),
                Map.of(APP_TAG, "shop", "approved", "yes"));
        ImageRules.Candidate renamed = new ImageRules.Candidate(true, Optional.of("available"), Optional.of(GOOD.imageId()),
                Optional.of(approvedElsewise), false, Optional.empty(), List.of(ACCOUNT), APP_TAG, new TagMatcher("approved", "yes"));

        assertThat(ImageRules.check(renamed)).isInstanceOf(ImageVerdict.Approved.class);
        assertThat(ImageRules.check(described(approvedElsewise))).isInstanceOfSatisfying(ImageVerdict.Rejected.class,
                rejected -> assertThat(rejected.reason()).isEqualTo(RolloutReason.NOT_GOLDEN_IMAGE));
    }

    @Test
    void anyOfSeveralTrustedAccountsMayOwnTheImage() {
        ImageRules.Candidate shared = described(new DescribedImage(GOOD.imageId(), "available", "210987654321",
                GOOD.created(), GOOD.tags()));
        ImageRules.Candidate trustingBoth = new ImageRules.Candidate(true, shared.reportedState(), shared.imageId(),
                shared.described(), false, Optional.empty(), List.of(ACCOUNT, "210987654321"), APP_TAG, GOLDEN);

        assertThat(ImageRules.check(trustingBoth)).isInstanceOf(ImageVerdict.Approved.class);
    }
}
