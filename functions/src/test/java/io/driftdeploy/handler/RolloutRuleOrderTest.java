package io.driftdeploy.handler;

import static io.driftdeploy.handler.RolloutFakes.ACCOUNT;
import static io.driftdeploy.handler.RolloutFakes.APP;
import static io.driftdeploy.handler.RolloutFakes.APP_TAG;
import static io.driftdeploy.handler.RolloutFakes.NOW;
import static io.driftdeploy.handler.RolloutFakes.REGION;
import static io.driftdeploy.handler.RolloutFakes.SHOP;
import static io.driftdeploy.handler.RolloutFakes.STRATEGY_TAG;
import static io.driftdeploy.handler.RolloutFakes.V1;
import static io.driftdeploy.handler.RolloutFakes.V2;
import static io.driftdeploy.handler.RolloutFakes.V3;
import static io.driftdeploy.handler.RolloutFakes.single;
import static io.driftdeploy.testing.EventSamples.detail;
import static io.driftdeploy.testing.EventSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.policy.DescribedImage;
import io.driftdeploy.policy.RolloutReason;
import io.driftdeploy.policy.RolloutRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rollout rules decide in number order ({@link RolloutRule}): the first that does not hold
 * decides, and nothing a later rule would do happens: no group is read for an image rule 1 refuses,
 * and no template version or refresh is made for a group rules 3 to 8 refuse.
 */
class RolloutRuleOrderTest {

    private final RolloutFakes fakes = new RolloutFakes();

    @Test
    void anImageTheEventReportsFailedIsRefusedByRule1BeforeEc2IsAskedOrAGroupRead() {
        fakes.group("shop-blue", V1);

        Map<String, Object> decision = single(fakes.imagesFunction.handle(sample("images/ami-failed.json", event -> {
            detail(event).put("ImageId", V2);
            event.putArray("resources").add("arn:aws:ec2:us-east-1::image/" + V2);
        })).json());

        assertThat(decision).containsEntry("decision", "skip").containsEntry("reason", "image-not-available");
        assertThat(RolloutReason.IMAGE_NOT_AVAILABLE.rule()).isEqualTo(RolloutRule.TRUSTED_GOLDEN_IMAGE);
        assertThat(fakes.images.calls()).isEmpty();
        assertThat(fakes.fleet.calls()).isEmpty();
    }

    @Test
    void anImageEc2SaysAnotherAccountOwnsIsRefusedByRule1BeforeAGroupIsRead() {
        fakes.group("shop-blue", V1);
        String foreign = "ami-0000000000000000f";
        fakes.images.register(new DescribedImage(foreign, DescribedImage.AVAILABLE, "210987654321", NOW,
                Map.of(APP_TAG, APP, "drift-deploy-golden", "true")));

        Map<String, Object> decision = single(fakes.publish(foreign));

        assertThat(decision).containsEntry("decision", "skip").containsEntry("reason", "untrusted-owner");
        assertThat(fakes.images.calls()).containsExactly("describe " + foreign);
        assertThat(fakes.fleet.calls()).isEmpty();
        assertThat(fakes.notifier.published()).singleElement()
                .satisfies(told -> assertThat(told.attributes()).containsEntry("severity", "high").containsEntry("action", "skip"));
        assertThat(fakes.auditedReasons()).containsExactly("untrusted-owner");
    }

    /** An Image Builder image is what it distributed to this region and account: with no AMI here, rule 1 refuses it. */
    @Test
    void anImageBuilderImageIsRolledOutAsItsAmiInThisRegionAndRefusedByRule1WithoutOne() {
        fakes.group("shop-blue", V1);
        String build = "arn:aws:imagebuilder:us-east-1:123456789012:image/shop-golden/1.4.0/3";
        fakes.images.distribute(build, "eu-west-1", ACCOUNT, V2);

        Map<String, Object> elsewhere = single(fakes.imagesFunction.handle(imageBuilderAvailable(build)).json());

        assertThat(elsewhere).containsEntry("decision", "skip").containsEntry("reason", "image-not-found")
                .containsEntry("image", build);
        assertThat(fakes.images.calls()).containsExactly("imageBuilderAmi " + build);
        assertThat(fakes.fleet.calls()).isEmpty();

        fakes.images.distribute(build, REGION, ACCOUNT, V2);

        assertThat(single(fakes.imagesFunction.handle(imageBuilderAvailable(build)).json()))
                .containsEntry("decision", "refresh").containsEntry("image", V2);
    }

    @Test
    void anImageNoGroupOfItsAppRunsIsRefusedByRule2BeforeAnyGroupStateIsRead() {
        fakes.fleet.group("other-app", Map.of(APP_TAG, "payments"), fakes.fleet.launchTemplate(Map.of(APP_TAG, "payments"), V1), "1");

        Map<String, Object> decision = single(fakes.publish(V2));

        assertThat(decision).containsEntry("decision", "skip").containsEntry("reason", "no-target-groups");
        assertThat(RolloutReason.NO_TARGET_GROUPS.rule()).isEqualTo(RolloutRule.APP_GROUPS);
        assertThat(fakes.fleet.calls()).containsExactly("targets " + APP_TAG + "=" + APP);
        assertThat(fakes.images.calls()).as("no group's running image was looked up").containsExactly("describe " + V2);
    }

    /**
     * One group that breaks rules 3, 4, 6 and 7 at once, its faults mended one by one: each time the
     * lowest rule still broken decides and the group is only read, until every rule holds and rule
     * 8 starts the refresh.
     */
    @Test
    void theLowestRuleThatDoesNotHoldDecidesUntilEveryRuleHoldsAndTheRefreshStarts() {
        String template = fakes.fleet.launchTemplate(SHOP, V1);
        fakes.fleet.group("shop-blue", SHOP, template, "$Default");
        fakes.fleet.tag("shop-blue", STRATEGY_TAG, "blue-green");
        fakes.ledger.storePending("shop-blue", RolloutFakes.ref(V3), "e-0", NOW);
        String someoneElses = fakes.fleet.startOtherRefresh("shop-blue");
        String read = "targets " + APP_TAG + "=" + APP;

        decides(RolloutRule.KNOWN_STRATEGY, RolloutReason.UNSUPPORTED_STRATEGY, read);

        fakes.fleet.tag("shop-blue", STRATEGY_TAG, "manual");
        decides(RolloutRule.NEVER_ROLL_BACK, RolloutReason.OLDER_THAN_PENDING, read);

        fakes.ledger.clearPending("shop-blue", V3);
        decides(RolloutRule.MANUAL_IS_TOLD, RolloutReason.MANUAL_STRATEGY, read);

        fakes.fleet.untag("shop-blue", STRATEGY_TAG);
        decides(RolloutRule.ROLLBACK_CAPABLE_GROUP, RolloutReason.UNPINNED_LAUNCH_TEMPLATE, read);

        fakes.fleet.useVersion("shop-blue", "1");
        decides(RolloutRule.ONE_REFRESH_AT_A_TIME, RolloutReason.REFRESH_IN_PROGRESS, read);
        assertThat(fakes.ledger.pending("shop-blue")).hasValueSatisfying(waiting -> assertThat(waiting.imageId()).isEqualTo(V2));

        fakes.fleet.finish(someoneElses, "Successful", Optional.empty());
        fakes.clock.advance(Duration.ofMinutes(1));
        decides(RolloutRule.STARTED_ONCE, RolloutReason.NEWER_IMAGE,
                read, "createImageVersion " + template + " 1 " + V2, "startRefresh shop-blue " + template + " 2");
        assertThat(fakes.fleet.refreshIds("shop-blue")).hasSize(2);
        assertThat(fakes.ledger.startedRefresh(fakes.fleet.refreshIds("shop-blue").get(0)))
                .hasValueSatisfying(started -> assertThat(started.imageId()).isEqualTo(V2));
        assertThat(fakes.ledger.pending("shop-blue")).as("the image that waited is the one started").isEmpty();
    }

    private static byte[] imageBuilderAvailable(String build) {
        return sample("images/imagebuilder-available.json", event -> event.putArray("resources").add(build));
    }

    /** Publishes V2 once more: {@code rule} decides it with {@code reason}, and the fleet sees exactly {@code calls}. */
    private void decides(RolloutRule rule, RolloutReason reason, String... calls) {
        int before = fakes.fleet.calls().size();
        Map<String, Object> decision = single(fakes.publish(V2));
        List<String> made = fakes.fleet.calls();
        assertThat(decision).containsEntry("reason", reason.label());
        assertThat(reason.rule()).isEqualTo(rule);
        assertThat(made.subList(before, made.size())).as("calls for %s", reason).containsExactly(calls);
    }
}
