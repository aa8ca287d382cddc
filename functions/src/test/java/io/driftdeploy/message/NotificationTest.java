package io.driftdeploy.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.policy.Severity;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotificationTest {

    private static Notification withSubject(String subject) {
        return new Notification("drift", Severity.INFO, Optional.empty(), Optional.empty(), subject, "summary");
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
    void subjectHasNoControlCharacters() {
        assertThat(withSubject("drift\u0000on\ti-0123\u007f").subject()).isEqualTo("drift on i-0123");
    }

    @Test
    void subjectOfNothingPrintableIsNotEmpty() {
        assertThat(withSubject(" \r\n\u0007 ").subject()).isEqualTo(Notification.FALLBACK_SUBJECT);
    }

    @Test
    void cutSubjectKeepsSurrogatePairsWhole() {
        String subject = withSubject("x".repeat(Notification.MAX_SUBJECT_LENGTH - 2) + "\ud83d\udea8 and more").subject();

        assertThat(subject).hasSizeLessThanOrEqualTo(Notification.MAX_SUBJECT_LENGTH).doesNotContain("\ud83d\u2026");
    }

    @Test
    void shortSubjectIsKept() {
        assertThat(withSubject("drift-deploy: i-0123 replaced").subject()).isEqualTo("drift-deploy: i-0123 replaced");
    }
}
