package io.driftdeploy.message;

import io.driftdeploy.policy.Severity;
import java.util.Objects;
import java.util.Optional;

/**
 * What the team is told about one decision, in words: a subject and a one-line summary, with what
 * subscribers filter on. The action and the facts it carries are the report's, added where it is
 * rendered and delivered (the notifier adapter), so they are written once, from the report.
 *
 * @param kind     what happened: drift, storm, rollout, refresh, alarm, sweep, rejected
 * @param severity how urgent: low, info, warning, high
 */
public record Notification(
        String kind,
        Severity severity,
        Optional<String> app,
        Optional<String> group,
        String subject,
        String summary) {

    /**
     * SNS Publish: "Subjects must be UTF-8 text with no line breaks or control characters, and less
     * than 100 characters long" (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
     */
    public static final int MAX_SUBJECT_LENGTH = 99;
    /** What a subject that holds nothing printable becomes: SNS refuses an empty one. */
    static final String FALLBACK_SUBJECT = "drift-deploy";

    public Notification {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(summary, "summary");
        subject = shorten(Objects.requireNonNull(subject, "subject"));
    }

    /** One line, no control characters, under SNS's length limit, never empty. */
    private static String shorten(String subject) {
        String oneLine = subject.replaceAll("\\p{Cntrl}+", " ").strip();
        if (oneLine.isEmpty()) {
            return FALLBACK_SUBJECT;
        }
        if (oneLine.length() <= MAX_SUBJECT_LENGTH) {
            return oneLine;
        }
        int end = MAX_SUBJECT_LENGTH - 1;
        if (Character.isHighSurrogate(oneLine.charAt(end - 1))) {
            end--;
        }
        return oneLine.substring(0, end) + "\u2026";
    }
}
