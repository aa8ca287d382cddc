package io.driftdeploy.aws;

import io.driftdeploy.event.FieldLimits;
import io.driftdeploy.message.Notification;
import io.driftdeploy.message.RejectionNotice;
import io.driftdeploy.message.Report;
import io.driftdeploy.policy.Rejection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Where notifications go: the one SNS topic ({@link SnsNotifier}) in every function, a list in
 * memory in the fast tests. A notification is rendered here, the same for every destination: a
 * JSON body (schema version, summary, facts) and message attributes kind, severity, action, app
 * and group so subscribers can filter. The action and the facts are the report's (or the
 * rejection's), written here from it, once.
 */
public interface Notifier {

    String SCHEMA_VERSION = "1";

    /**
     * SNS Publish takes at most 256 KB (262,144 bytes), message attributes and subject included
     * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html); the body keeps well under it
     * so that the subject (under 100 characters) and the attributes always fit beside it.
     */
    int MAX_MESSAGE_BYTES = 262_144;
    int MAX_BODY_BYTES = 200 * 1024;
    /** An app tag value is at most 256 characters and a group name 255: nothing real is cut. */
    int MAX_ATTRIBUTE_LENGTH = 256;

    /** Publishes a rendered notification ({@link #render}) and returns the message id. */
    String publish(Rendered message);

    /**
     * A notification as SNS receives it: subject, body and the attributes subscribers filter on.
     * It fits in a ledger item (400 KB) beside the claim it is owed on, since the body is bounded
     * to {@link #MAX_BODY_BYTES}.
     */
    record Rendered(String subject, String body, Map<String, String> attributes) {

        private static final String SUBJECT = "subject";
        private static final String BODY = "body";
        private static final String ATTRIBUTES = "attributes";

        public Map<String, AttributeValue> toAttribute() {
            Map<String, AttributeValue> filters = new LinkedHashMap<>();
            attributes.forEach((name, value) -> filters.put(name, AttributeValue.fromS(value)));
            return Map.of(SUBJECT, AttributeValue.fromS(subject), BODY, AttributeValue.fromS(body),
                    ATTRIBUTES, AttributeValue.fromM(filters));
        }

        public static Rendered fromAttribute(Map<String, AttributeValue> stored) {
            Map<String, String> filters = new LinkedHashMap<>();
            stored.get(ATTRIBUTES).m().forEach((name, value) -> filters.put(name, value.s()));
            return new Rendered(stored.get(SUBJECT).s(), stored.get(BODY).s(), filters);
        }
    }

    /**
     * The report's notification, if it has one: its action is the report's decision, and its facts
     * every fact the report holds, its own fields included (event id, facts, decision, reason, mode).
     */
    static Optional<Rendered> render(Report report) {
        return report.notification().map(notification -> {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("eventId", report.eventId());
            facts.putAll(report.facts());
            facts.put("decision", report.decision().label());
            facts.put("reason", report.reason().label());
            report.mode().ifPresent(mode -> facts.put("mode", mode.label()));
            return render(notification, report.decision().label(), facts);
        });
    }

    /** A rejected event's notification: nothing was done (action none); the facts say which field and why. */
    static Rendered render(Rejection rejection) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("function", rejection.function());
        facts.put("reason", rejection.reason().label());
        facts.put("field", rejection.field());
        facts.put("error", rejection.problem());
        facts.putAll(rejection.facts());
        return render(RejectionNotice.of(rejection), "none", facts);
    }

    /** A notification with the action it announces and the facts it carries, as SNS gets it. */
    static Rendered render(Notification notification, String action, Map<String, Object> facts) {
        Map<String, String> attributes = attributes(notification, action);
        account(facts).ifPresent(account -> putText(attributes, "account", account));
        return new Rendered(notification.subject(), body(notification, action, facts), attributes);
    }

    /**
     * The account the notification is about, as a filterable attribute: an organization's teams
     * subscribe to their own accounts' notifications (docs/organization.md). A decision's facts name
     * it as {@code account}, a rejection's as {@code eventAccount}.
     */
    private static Optional<String> account(Map<String, Object> facts) {
        Object account = facts.containsKey("account") ? facts.get("account") : facts.get("eventAccount");
        return account instanceof String text ? Optional.of(text) : Optional.empty();
    }

    /** The JSON body, within {@link #MAX_BODY_BYTES} whatever the notification holds. */
    static String body(Notification notification, String action, Map<String, Object> facts) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", SCHEMA_VERSION);
        body.put("kind", notification.kind());
        body.put("severity", notification.severity().label());
        body.put("action", action);
        body.put("summary", notification.summary());
        notification.app().ifPresent(app -> body.put("app", app));
        notification.group().ifPresent(group -> body.put("group", group));
        body.put("facts", facts);
        return BoundedJson.write(body, MAX_BODY_BYTES);
    }

    /**
     * kind, severity and action always; app and group when known (and the account, by
     * {@link #render(Notification, String, Map)}). SNS refuses empty attribute
     * values, so an absent or blank one is left out; a long one is cut, since attributes count
     * towards the message size and only serve filtering.
     */
    static Map<String, String> attributes(Notification notification, String action) {
        Map<String, String> attributes = new LinkedHashMap<>();
        putText(attributes, "kind", notification.kind());
        putText(attributes, "severity", notification.severity().label());
        putText(attributes, "action", action);
        notification.app().ifPresent(app -> putText(attributes, "app", app));
        notification.group().ifPresent(group -> putText(attributes, "group", group));
        return attributes;
    }

    private static void putText(Map<String, String> attributes, String name, String value) {
        String bounded = FieldLimits.abbreviate(value.strip(), MAX_ATTRIBUTE_LENGTH);
        if (!bounded.isEmpty()) {
            attributes.put(name, bounded);
        }
    }
}
