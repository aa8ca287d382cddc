package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotificationTest {

    private static Notification withSubject(String subject) {
        return new Notification("drift", Notification.Severity.INFO, "notify", Optional.empty(), Optional.empty(),
                subject, "summary", Map.of());
    }

    @Test
    void subjectIsCutToWhatSnsAccepts() {
        String subject = withSubject("x".repeat(150)).subject();

        assertThat(subject).hasSize(Notification.MAX_SUBJECT_LENGTH).endsWith("\u2026");
    }

    @Test
    void subjectIsOneLine() {
        assertThat(withSubject(" drift on\r\ni-0123 ").subject()).isEqualTo("drift on i-0123");
    }

    @Test
    void shortSubjectIsKept() {
        assertThat(withSubject("drift-deploy: i-0123 replaced").subject()).isEqualTo("drift-deploy: i-0123 replaced");
    }
}
