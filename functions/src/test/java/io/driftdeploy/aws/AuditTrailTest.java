package io.driftdeploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.message.Notification;
import io.driftdeploy.message.Report;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.RolloutReason;
import io.driftdeploy.policy.Severity;
import io.driftdeploy.fakes.FakeAuditTrail;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** An audit record keeps why it was decided, and is filed where `history` looks for it. */
class AuditTrailTest {

    private static final Instant AT = Instant.parse("2025-06-12T09:00:00.250Z");

    @Test
    void anInstancesDecisionIsFiledUnderItsGroup() {
        assertThat(AuditTrail.historyKey("i-0abc", Optional.of("web"), Optional.empty())).contains("group#web");
        assertThat(AuditTrail.historyKey("group:web", Optional.of("web"), Optional.empty())).contains("group#web");
        assertThat(AuditTrail.historyKey("ami-0abc", Optional.of("web"), Optional.of("ami-0abc"))).contains("group#web");
    }

    @Test
    void aGroupsRolloutIsFiledUnderItsImage() {
        assertThat(AuditTrail.historyKey("web", Optional.of("web"), Optional.of("ami-0abc"))).contains("image#ami-0abc");
    }

    @Test
    void aRecordItsSubjectAlreadyFindsIsNotIndexed() {
        assertThat(AuditTrail.historyKey("web", Optional.of("web"), Optional.empty())).isEmpty();
        assertThat(AuditTrail.historyKey("ami-0abc", Optional.empty(), Optional.of("ami-0abc"))).isEmpty();
        assertThat(AuditTrail.historyKey("i-0abc", Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void theRecordKeepsTheSummaryTheAppAndTheIndexKeyAndExpiresAfterTheRetention() {
        Notification told = new Notification("drift", Severity.WARNING, Optional.of("shop"), Optional.of("web"),
                "drift-deploy: terminated drifted i-0abc in web", "Terminated i-0abc (group web): every safety rule holds.");
        Report terminated = new Report("drift", "event-1", "i-0abc", Decision.TERMINATE, DriftReason.DRIFT_CONFIRMED,
                Optional.empty(), List.of("TerminateInstanceInAutoScalingGroup i-0abc"),
                Map.of("instance", "i-0abc", "group", "web", "app", "shop"), Optional.of(told));

        Ledger.Put entry = new FakeAuditTrail().entry(terminated, AT);

        Map<String, AttributeValue> attributes = entry.attributes();
        assertThat(entry.pk()).isEqualTo("AUDIT#i-0abc");
        assertThat(entry.sk()).isEqualTo("2025-06-12T09:00:00.250Z#drift#event-1");
        assertThat(attributes.get("subject").s()).isEqualTo("i-0abc");
        assertThat(attributes.get("summary").s()).isEqualTo(told.summary());
        assertThat(attributes.get("app").s()).isEqualTo("shop");
        assertThat(attributes.get(AuditTrail.HISTORY_KEY).s()).isEqualTo("group#web");
        assertThat(entry.expiresAt()).isEqualTo(AT.plus(Duration.ofDays(400)));
    }

    @Test
    void aRecordWithoutNotificationGroupOrAppHasNoneOfThem() {
        Report duplicate = new Report("images", "event-2", "ami-0abc", Decision.SKIP, RolloutReason.DUPLICATE_EVENT,
                Optional.empty(), List.of(), Map.of("eventId", "event-2"), Optional.empty());

        Map<String, AttributeValue> attributes = new FakeAuditTrail().entry(duplicate, AT).attributes();

        assertThat(attributes).doesNotContainKeys("summary", "app", AuditTrail.HISTORY_KEY, "actions");
    }
}
