package io.driftdeploy.it;

import static io.driftdeploy.testing.EventSamples.detail;
import static io.driftdeploy.testing.EventSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.AlarmsHandler;
import io.driftdeploy.handler.DriftHandler;
import io.driftdeploy.handler.ImagesHandler;
import io.driftdeploy.handler.RefreshesHandler;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.testing.AlarmEvents;
import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * Crafted events on the emulator: whoever may invoke a function can hand it any event, so an event
 * naming another account than the function's own ({@code DRIFT_DEPLOY_ACCOUNT_ID}) is rejected by
 * every function, with the reason {@code foreign-account} naming both accounts: no AWS action, not
 * even a ledger write. Each case is set up so that the same event in the function's own account
 * would act (terminate, roll out, sweep).
 */
class AccountTrustIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FOREIGN = "210987654321";
    private static final String OPT_IN_KEY = "drift-deploy:remediation";
    private static final String APP_TAG = "drift-deploy:app";
    private static final String GOLDEN_TAG = "drift-deploy-golden";

    /** Closed after each test: it deletes the Config rules the test made. */
    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    private final String app = env.prefix + "-shop";
    private final Clock clock = Clock.systemUTC();
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    @Test
    void theDriftFunctionTerminatesNothingForAnEventOfAnotherAccount() {
        String rule = env.configRule("drift-hardening");
        TestGroup group = env.group("web").instances(2).tag(OPT_IN_KEY, "terminate").tag(APP_TAG, app).create();
        String instance = group.instanceIds().get(0);
        env.putEvaluation(rule, "AWS::EC2::Instance", instance, ComplianceType.NON_COMPLIANT, Instant.now());
        byte[] event = withAccount(ComplianceEvents.nonCompliant(rule, instance).bytes(), FOREIGN);

        Map<String, Object> result = drift(enforce(Map.of(Settings.PREFIX + "DRIFT_RULES", rule))).handle(event).json();

        assertForeignAccountRejected(result, "drift", FOREIGN);
        assertThat(state(instance)).isIn(InstanceStateName.RUNNING, InstanceStateName.PENDING);
    }

    @Test
    void theImagesFunctionRollsOutNothingForAnEventOfAnotherAccount() {
        TestGroup group = env.group("blue").instances(2).tag(APP_TAG, app).image(goldenImage("v1")).create();
        String golden = goldenImage("v2");

        Map<String, Object> result = images(enforce(Map.of())).handle(withAccount(amiAvailable(golden), FOREIGN)).json();

        assertForeignAccountRejected(result, "images", FOREIGN);
        assertUnchanged(group);
    }

    /**
     * Before the change, an image's owner was trusted when it was the account the event named: a
     * function of one account handed an event naming the image owner's account rolled it out.
     */
    @Test
    void anEventNamingTheImageOwnersAccountDoesNotMakeTheImageTrusted() {
        TestGroup group = env.group("blue").instances(2).tag(APP_TAG, app).image(goldenImage("v1")).create();
        String golden = goldenImage("v2");

        Map<String, Object> result = images(enforce(Map.of(Settings.PREFIX + "ACCOUNT_ID", FOREIGN)))
                .handle(amiAvailable(golden)).json();

        assertForeignAccountRejected(result, "images", Emulator.ACCOUNT);
        assertUnchanged(group);
    }

    /**
     * The image's real owner is the emulator's account: outside the trusted accounts when the
     * function acts in another account and trusts its own by default (no trustedAccounts), or when
     * trustedAccounts leaves the owner out.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "the function's own account by default, ACCOUNT_ID, 210987654321, 210987654321",
            "trustedAccounts without the owner, TRUSTED_ACCOUNTS, 210987654321, 123456789012",
    })
    void anImageOwnedOutsideTheTrustedAccountsIsNotRolledOut(String why, String setting, String value, String eventAccount) {
        TestGroup group = env.group("blue").instances(2).tag(APP_TAG, app).image(goldenImage("v1")).create();
        String golden = goldenImage("v2");

        Map<String, Object> result = images(enforce(Map.of(Settings.PREFIX + setting, value)))
                .handle(withAccount(amiAvailable(golden), eventAccount)).json();

        assertThat(single(result)).containsEntry("decision", "skip").containsEntry("reason", "untrusted-owner");
        assertUnchanged(group);
    }

    @Test
    void theRefreshesFunctionDoesNothingForAnEventOfAnotherAccount() {
        TestGroup group = env.group("blue").instances(1).tag(APP_TAG, app).image(goldenImage("v1")).create();
        byte[] event = withAccount(sample("refreshes/refresh-succeeded.json", e -> detail(e)
                .put("AutoScalingGroupName", group.name).put("InstanceRefreshId", "08b91cf7-8fa6-48af-b6a6-d227f40f1b9b")),
                FOREIGN);

        Map<String, Object> result = refreshes(enforce(Map.of())).handle(event).json();

        assertForeignAccountRejected(result, "refreshes", FOREIGN);
    }

    @Test
    void theAlarmsFunctionSweepsNothingForAnEventBridgeAlarmOfAnotherAccount() {
        String driftAlarm = env.prefix + "-drift-detected";
        byte[] event = withAccount(AlarmEvents.fromSample("alarms/drift-alarm-state-alarm.json", driftAlarm).bytes(), FOREIGN);

        Map<String, Object> result = alarms(driftAlarm).handle(event).json();

        assertForeignAccountRejected(result, "alarms", FOREIGN);
    }

    @Test
    void theAlarmsFunctionSweepsNothingForAnSnsAlarmOfAnotherAccount() throws IOException {
        String driftAlarm = "config-drift-detected";
        ObjectNode event = (ObjectNode) JSON.readTree(sample("alarms/sns-drift-alarm.json", e -> { }));
        ObjectNode sns = (ObjectNode) event.get("Records").get(0).get("Sns");
        ObjectNode message = (ObjectNode) JSON.readTree(sns.get("Message").asText());
        message.put("AWSAccountId", FOREIGN);
        sns.put("Message", message.toString());

        Map<String, Object> result = alarms(driftAlarm).handle(JSON.writeValueAsBytes(event)).json();

        assertForeignAccountRejected(result, "alarms", FOREIGN);
    }

    /** Rejected naming both accounts; nothing in the ledger; the team told as high. */
    private void assertForeignAccountRejected(Map<String, Object> result, String function, String claimed) {
        assertThat(result).containsEntry("function", function).containsEntry("decision", "rejected")
                .containsEntry("reason", "foreign-account").containsEntry("field", "account")
                .containsEntry("eventAccount", claimed).containsEntry("actions", java.util.List.of());
        assertThat(result.get("ownAccount")).isNotEqualTo(claimed);
        assertThat((String) result.get("error")).contains(claimed).contains((String) result.get("ownAccount"));
        assertThat(env.aws.dynamoDb().scan(r -> r.tableName(env.tableName)).items()).as("no ledger write").isEmpty();
        ReceivedNotification told = env.awaitNotifications(1, Duration.ofSeconds(20)).get(0);
        assertThat(told.attributes()).containsEntry("kind", "rejected").containsEntry("severity", "high")
                .containsEntry("action", "none");
        assertThat(told.body().path("facts").path("reason").asText()).isEqualTo("foreign-account");
        assertThat(told.body().path("facts").path("eventAccount").asText()).isEqualTo(claimed);
    }

    private void assertUnchanged(TestGroup group) {
        assertThat(env.aws.ec2().describeLaunchTemplateVersions(r -> r.launchTemplateId(group.launchTemplateId))
                .launchTemplateVersions()).hasSize(1);
        assertThat(env.aws.autoScaling().describeInstanceRefreshes(r -> r.autoScalingGroupName(group.name))
                .instanceRefreshes()).isEmpty();
    }

    private Settings enforce(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>();
        settings.put(Settings.PREFIX + "MODE", "enforce");
        settings.put(Settings.PREFIX + "MIN_HEALTHY_PERCENT", "50");
        settings.put(Settings.PREFIX + "INSTANCE_WARMUP_SECONDS", "0");
        settings.putAll(overrides);
        return env.settings(settings);
    }

    private DriftHandler drift(Settings settings) {
        return new DriftHandler(settings, env.aws, clock, telemetry("drift"));
    }

    private ImagesHandler images(Settings settings) {
        return new ImagesHandler(settings, env.aws, clock, telemetry(ImagesHandler.FUNCTION));
    }

    private RefreshesHandler refreshes(Settings settings) {
        return new RefreshesHandler(settings, env.aws, clock, telemetry(RefreshesHandler.FUNCTION));
    }

    private AlarmsHandler alarms(String driftAlarm) {
        return new AlarmsHandler(enforce(Map.of(Settings.PREFIX + "DRIFT_ALARMS", driftAlarm,
                Settings.PREFIX + "DRIFT_RULE_PREFIX", env.prefix + "-")), env.aws, clock, telemetry("alarms"));
    }

    private Telemetry telemetry(String function) {
        return new Telemetry(function, new PrintStream(logs, true, StandardCharsets.UTF_8), clock);
    }

    private String goldenImage(String version) {
        return env.registerImage(app + "-" + version, Map.of(APP_TAG, app, GOLDEN_TAG, "true"));
    }

    private static byte[] amiAvailable(String imageId) {
        return sample("images/ami-available.json", event -> {
            detail(event).put("ImageId", imageId);
            event.putArray("resources").add("arn:aws:ec2:" + Emulator.REGION.id() + "::image/" + imageId);
        });
    }

    /** The event with its envelope's account replaced (and every ARN in its resources with it). */
    private static byte[] withAccount(byte[] event, String account) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(event);
            String original = node.get("account").asText();
            node.put("account", account);
            String text = node.toString().replace(":" + original + ":", ":" + account + ":");
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> single(Map<String, Object> result) {
        java.util.List<Map<String, Object>> decisions = (java.util.List<Map<String, Object>>) result.get("decisions");
        return decisions == null ? result : decisions.get(0);
    }

    private InstanceStateName state(String instanceId) {
        return env.aws.ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0)
                .state().name();
    }
}
