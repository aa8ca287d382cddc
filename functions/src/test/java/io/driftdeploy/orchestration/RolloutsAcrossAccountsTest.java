package io.driftdeploy.orchestration;

import static io.driftdeploy.testing.EventSamples.detail;
import static io.driftdeploy.testing.EventSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.Settings;
import io.driftdeploy.event.Events;
import io.driftdeploy.fakes.FakeAuditTrail;
import io.driftdeploy.fakes.FakeClock;
import io.driftdeploy.fakes.FakeEventClaims;
import io.driftdeploy.fakes.FakeImageCatalog;
import io.driftdeploy.fakes.FakeNotifier;
import io.driftdeploy.fakes.FakeRolloutFleet;
import io.driftdeploy.fakes.FakeRolloutLedger;
import io.driftdeploy.policy.DescribedImage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A golden image built and announced in the central (tooling) account, rolled out in every
 * account the rollouts serve that has target groups, as each account sees the image.
 */
class RolloutsAcrossAccountsTest {

    private static final String CENTRAL = "123456789012";
    private static final String MEMBER_A = "111111111111";
    private static final String MEMBER_B = "222222222222";
    private static final String APP_TAG = "drift-deploy:app";
    private static final Map<String, String> SHOP = Map.of(APP_TAG, "shop");
    private static final Instant NOW = Instant.parse("2025-06-12T08:00:00Z");
    private static final String OLD = "ami-0000000000000000a";
    private static final String GOLDEN = "ami-0000000000000000b";

    private final FakeClock clock = new FakeClock(NOW);
    private final Map<String, Rollouts.InAccount> accounts = Map.of(
            CENTRAL, account(), MEMBER_A, account(), MEMBER_B, account());
    private final FakeNotifier notifier = new FakeNotifier();
    private final Settings settings = Settings.from(Map.of(
            "DRIFT_DEPLOY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:drift-deploy",
            "DRIFT_DEPLOY_TABLE", "drift-deploy-ledger",
            "DRIFT_DEPLOY_ACCOUNT_ID", CENTRAL,
            "DRIFT_DEPLOY_MEMBER_ACCOUNTS", MEMBER_A + "," + MEMBER_B,
            "DRIFT_DEPLOY_MODE", "enforce"));
    private final Rollouts rollouts = new Rollouts(settings, new Rollouts.RolloutAccounts() {
        @Override
        public List<String> served() {
            return List.of(CENTRAL, MEMBER_A, MEMBER_B);
        }

        @Override
        public Rollouts.InAccount in(String account) {
            return accounts.get(account);
        }
    }, new OncePerEvent(new FakeEventClaims(), telemetry(), clock), new Reporter(new FakeAuditTrail(), notifier, telemetry(), clock),
            clock);

    private Rollouts.InAccount account() {
        return new Rollouts.InAccount(new FakeImageCatalog(), new FakeRolloutFleet(clock), new FakeRolloutLedger());
    }

    private Telemetry telemetry() {
        return new Telemetry("images", new PrintStream(OutputStream.nullOutputStream()), clock);
    }

    @Test
    void aSharedImageIsRolledOutInEachMemberWithTargetGroupsAndDecidedThere() {
        shareGoldenImageWith(CENTRAL, MEMBER_A, MEMBER_B);
        String groupA = groupRunningTheOldImage(MEMBER_A);
        String groupB = groupRunningTheOldImage(MEMBER_B);

        List<Result.Decided> decided = published();

        assertThat(decided).extracting(Result.Decided::decision).containsOnly(io.driftdeploy.policy.Decision.REFRESH);
        assertThat(decided).extracting(result -> result.json().get("account")).containsExactly(MEMBER_A, MEMBER_B);
        assertThat(fleet(MEMBER_A).refreshIds(groupA)).hasSize(1);
        assertThat(fleet(MEMBER_B).refreshIds(groupB)).hasSize(1);
        assertThat(fleet(CENTRAL).calls()).as("the central account has no group of the app").noneMatch(call -> call.startsWith("start"));
        assertThat(notifier.published()).extracting(message -> message.attributes().get("account"))
                .containsExactly(MEMBER_A, MEMBER_B);
    }

    @Test
    void aMemberTheImageWasNotSharedWithIsToldSoAndTheOthersStillRollOut() {
        shareGoldenImageWith(CENTRAL, MEMBER_A);
        String groupA = groupRunningTheOldImage(MEMBER_A);
        String groupB = groupRunningTheOldImage(MEMBER_B);

        List<Result.Decided> decided = published();

        assertThat(decided).extracting(result -> result.json().get("account") + " " + result.json().get("reason"))
                .containsExactly(MEMBER_A + " newer-image", MEMBER_B + " image-not-found");
        assertThat(fleet(MEMBER_A).refreshIds(groupA)).hasSize(1);
        assertThat(fleet(MEMBER_B).refreshIds(groupB)).isEmpty();
    }

    @Test
    void noTargetGroupInAnyAccountIsReportedOnceAndAnImageRejectedWhereItWasBuiltIsRejectedOnce() {
        shareGoldenImageWith(CENTRAL, MEMBER_A, MEMBER_B);

        assertThat(published()).extracting(result -> result.json().get("reason")).containsExactly("no-target-groups");

        images(CENTRAL).register(new DescribedImage(GOLDEN, DescribedImage.AVAILABLE, "999999999999",
                NOW.minus(Duration.ofHours(1)), Map.of(APP_TAG, "shop", "drift-deploy-golden", "true")));
        groupRunningTheOldImage(MEMBER_A);
        assertThat(published()).extracting(result -> result.json().get("reason")).containsExactly("untrusted-owner");
    }

    private List<Result.Decided> published() {
        byte[] event = sample("images/golden-image-published.json", json -> {
            json.put("id", UUID.randomUUID().toString());
            json.put("account", CENTRAL);
            detail(json).put("imageId", GOLDEN).put("app", "shop").put("artifactId", "us-east-1:" + GOLDEN);
        });
        return rollouts.imageAvailable(Events.parseImage(event)).stream().map(Rollouts.Reported::decided).toList();
    }

    /**
     * The images as built in the central account, and as each member they were shared with sees
     * them: owner the central account, and none of its tags, which are not shared.
     */
    private void shareGoldenImageWith(String... accountIds) {
        for (String account : accountIds) {
            Map<String, String> tags = account.equals(CENTRAL) ? Map.of(APP_TAG, "shop", "drift-deploy-golden", "true") : Map.of();
            images(account).register(new DescribedImage(GOLDEN, DescribedImage.AVAILABLE, CENTRAL, NOW.minus(Duration.ofHours(1)), tags));
            images(account).register(new DescribedImage(OLD, DescribedImage.AVAILABLE, CENTRAL, NOW.minus(Duration.ofDays(2)), tags));
        }
    }

    private String groupRunningTheOldImage(String account) {
        String template = fleet(account).launchTemplate(SHOP, OLD);
        String group = "web-" + account;
        fleet(account).group(group, SHOP, template, "1");
        return group;
    }

    private FakeRolloutFleet fleet(String account) {
        return (FakeRolloutFleet) accounts.get(account).fleet();
    }

    private FakeImageCatalog images(String account) {
        return (FakeImageCatalog) accounts.get(account).images();
    }
}
