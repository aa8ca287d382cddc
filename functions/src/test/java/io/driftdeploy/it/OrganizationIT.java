package io.driftdeploy.it;

import static io.driftdeploy.testing.EventSamples.detail;
import static io.driftdeploy.testing.EventSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.DriftHandler;
import io.driftdeploy.handler.ImagesHandler;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.Sandbox;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestGroup;
import io.driftdeploy.testing.TestOrganization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefresh;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * One drift-deploy serving an organization, on the emulator's accounts: the central (default)
 * account runs the functions; member A sits under a member organization unit, member B is listed
 * by id, and account C sits in the organization but in neither. Every event goes through the
 * central functions; every fact and action is in the event's account, through the member role.
 */
class OrganizationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPT_IN_KEY = "drift-deploy:remediation";
    private static final String APP_TAG = "drift-deploy:app";
    private static final String GOLDEN_TAG = "drift-deploy-golden";

    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    private final TestOrganization organization = TestOrganization.of(env);
    private final String members = organization.unit(env.prefix + "-members");
    private final Sandbox memberA = env.inAccount(organization.account(env.prefix + "-a",
            organization.unit(env.prefix + "-web", members)));
    private final Sandbox memberB = env.inAccount(organization.account(env.prefix + "-b"));
    private final Sandbox outsider = env.inAccount(organization.account(env.prefix + "-c",
            organization.unit(env.prefix + "-sandbox")));
    private final String driftRule = env.prefix + "-drift-golden-ami";
    private final Clock clock = Clock.systemUTC();

    /** The central functions' settings: A by its unit, B by its id, C in neither; enforce, no floor. */
    private Settings settings(Map<String, String> more) {
        Map<String, String> overrides = new HashMap<>(Map.of(
                "DRIFT_DEPLOY_MEMBER_ACCOUNTS", memberB.accountId,
                "DRIFT_DEPLOY_MEMBER_ORGANIZATION_UNITS", members,
                "DRIFT_DEPLOY_DRIFT_RULE_PREFIX", env.prefix + "-drift-",
                "DRIFT_DEPLOY_MODE", "enforce",
                "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "0",
                "DRIFT_DEPLOY_INSTANCE_WARMUP_SECONDS", "0"));
        overrides.putAll(more);
        return env.settings(overrides);
    }

    private DriftHandler drift(Settings settings) {
        return new DriftHandler(settings, env.aws, clock, new Telemetry("drift", new PrintStream(OutputStream.nullOutputStream()), clock));
    }

    @Test
    void aDriftedInstanceIsTerminatedInItsOwnAccountAndASameNamedGroupElsewhereKeepsItsOwnLimits() {
        // One termination per group and window: were the group's guards keyed by name alone, B's would be refused.
        DriftHandler handler = drift(settings(Map.of("DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "1")));
        TestGroup inA = optedIn(memberA, 2);
        TestGroup inB = optedIn(memberB, 2);
        TestGroup central = optedIn(env, 2);
        assertThat(inA.name).isEqualTo(inB.name).isEqualTo(central.name);
        // Read now: a group lists its current instances, and a termination changes them.
        List<String> aInstances = inA.instanceIds();
        List<String> bInstances = inB.instanceIds();
        List<String> centralInstances = central.instanceIds();

        JsonNode inADecided = drifted(handler, memberA, aInstances.get(0));

        assertThat(inADecided.path("reason").asText()).as("%s", inADecided).isEqualTo("drift-confirmed");
        assertThat(state(memberA, aInstances.get(0))).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
        assertThat(List.of(state(memberA, aInstances.get(1)), state(memberB, bInstances.get(0)),
                state(env, centralInstances.get(0)))).as("every other instance").containsOnly(InstanceStateName.RUNNING);
        ReceivedNotification told = env.notificationsSoFar().get(0);
        assertThat(told.attributes()).containsEntry("account", memberA.accountId).containsEntry("action", "terminate");

        JsonNode inBDecided = drifted(handler, memberB, bInstances.get(0));

        assertThat(inBDecided.path("reason").asText()).as("%s", inBDecided).isEqualTo("drift-confirmed");
        assertThat(state(memberB, bInstances.get(0))).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
        assertThat(drifted(handler, memberA, aInstances.get(1)).path("reason").asText())
                .as("A's group used its one termination").isEqualTo("group-rate-limit");
    }

    @Test
    void anAccountNeitherListedNorUnderAMemberUnitIsLeftUntouchedAndReported() {
        TestGroup group = optedIn(outsider, 2);
        String instance = group.instanceIds().get(0);

        JsonNode decided = drifted(drift(settings(Map.of())), outsider, instance);

        assertThat(decided.path("decision").asText()).as("%s", decided).isEqualTo("rejected");
        assertThat(decided.path("reason").asText()).isEqualTo("foreign-account");
        assertThat(decided.path("eventAccountParents").toString()).contains(organization.rootId);
        assertThat(state(outsider, instance)).isEqualTo(InstanceStateName.RUNNING);
        assertThat(env.notificationsSoFar()).singleElement().satisfies(notification -> {
            assertThat(notification.attributes()).containsEntry("account", outsider.accountId).containsEntry("kind", "rejected")
                    .containsEntry("severity", "high");
        });
        assertThat(env.auditRecords(instance)).as("nothing in the ledger about it").isEmpty();
    }

    @Test
    void eachAccountKeepsItsOwnLimitAndTheOrganizationsLimitPausesEveryAccount() {
        DriftHandler handler = drift(settings(Map.of(
                "DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "10",
                "DRIFT_DEPLOY_MAX_TERMINATIONS_PER_ACCOUNT", "1",
                "DRIFT_DEPLOY_MAX_TERMINATIONS_PER_ORGANIZATION", "2")));
        List<String> inA = optedIn(memberA, 3).instanceIds();
        List<String> inB = optedIn(memberB, 3).instanceIds();
        List<String> central = optedIn(env, 3).instanceIds();

        assertThat(reason(handler, memberA, inA, 0)).isEqualTo("drift-confirmed");
        assertThat(reason(handler, memberA, inA, 1)).as("A used its account's one").isEqualTo("account-rate-limit");
        assertThat(reason(handler, memberB, inB, 0)).as("B's own limit is untouched by A's").isEqualTo("drift-confirmed");
        assertThat(reason(handler, env, central, 0)).as("two in the organization: every account pauses")
                .isEqualTo("organization-rate-limit");

        assertThat(List.of(state(env, central.get(0)), state(memberA, inA.get(1)))).containsOnly(InstanceStateName.RUNNING);
        List<ReceivedNotification> storms = env.notificationsSoFar().stream()
                .filter(notification -> "storm".equals(notification.kind())).toList();
        assertThat(storms).extracting(notification -> notification.body().path("facts").path("scope").asText())
                .containsExactlyInAnyOrder("account", "organization");
    }

    @Test
    void aGoldenImageBuiltInTheCentralAccountAndSharedIsRolledOutInBothMembers() {
        String app = env.prefix + "-shop";
        String running = golden(app, "v1");
        TestGroup inA = memberA.group("blue").instances(2).tag(APP_TAG, app).image(running).create();
        TestGroup inB = memberB.group("blue").instances(2).tag(APP_TAG, app).image(running).create();
        String next = golden(app, "v2");
        ImagesHandler images = new ImagesHandler(settings(Map.of()), env.aws, clock,
                new Telemetry(ImagesHandler.FUNCTION, new PrintStream(OutputStream.nullOutputStream()), clock));

        JsonNode result = json(images.handle(sample("images/ami-available.json", event -> {
            detail(event).put("ImageId", next);
            event.putArray("resources").add("arn:aws:ec2:" + Emulator.REGION.id() + "::image/" + next);
        })).json());

        assertThat(result.path("decisions")).as("%s", result).hasSize(2);
        for (JsonNode decision : result.path("decisions")) {
            assertThat(decision.path("decision").asText()).as("%s", decision).isEqualTo("refresh");
        }
        assertThat(result.path("decisions").findValuesAsText("account")).containsExactlyInAnyOrder(memberA.accountId,
                memberB.accountId);
        for (Sandbox member : List.of(memberA, memberB)) {
            TestGroup group = member == memberA ? inA : inB;
            List<InstanceRefresh> refreshes = member.clients.autoScaling()
                    .describeInstanceRefreshes(r -> r.autoScalingGroupName(group.name)).instanceRefreshes();
            assertThat(refreshes).as("refreshes in %s", member.accountId).singleElement();
            String version = refreshes.get(0).desiredConfiguration().launchTemplate().version();
            assertThat(member.clients.ec2().describeLaunchTemplateVersions(r -> r.launchTemplateId(group.launchTemplateId)
                    .versions(version)).launchTemplateVersions().get(0).launchTemplateData().imageId()).isEqualTo(next);
        }
    }

    /** A golden image of the app, built in the central account and shared with both members. */
    private String golden(String app, String version) {
        String image = env.registerImage(app + "-" + version, Map.of(APP_TAG, app, GOLDEN_TAG, "true"));
        env.shareImage(image, memberA.accountId, memberB.accountId);
        return image;
    }

    private static TestGroup optedIn(Sandbox in, int instances) {
        return in.group("web").instances(instances).tag(OPT_IN_KEY, "terminate").create();
    }

    private String reason(DriftHandler handler, Sandbox in, List<String> instances, int instance) {
        return drifted(handler, in, instances.get(instance)).path("reason").asText();
    }

    /** AWS Config in the instance's account holds the evaluation; its event, from that account, is decided centrally. */
    private JsonNode drifted(DriftHandler handler, Sandbox in, String instanceId) {
        ComplianceEvents event = ComplianceEvents.nonCompliant(driftRule, instanceId).account(in.accountId);
        in.putEvaluation(in.existingConfigRule(event.ruleName()), event.resourceType(), instanceId,
                ComplianceType.NON_COMPLIANT, event.orderingTimestamp());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.bytes()), out, null);
        return json(out.toByteArray());
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(Map<String, Object> result) {
        return JSON.valueToTree(result);
    }

    private static InstanceStateName state(Sandbox in, String instanceId) {
        return in.clients.ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0)
                .state().name();
    }
}
