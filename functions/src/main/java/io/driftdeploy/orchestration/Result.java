package io.driftdeploy.orchestration;

import io.driftdeploy.config.Mode;
import io.driftdeploy.message.AlarmNotice;
import io.driftdeploy.message.DriftReports;
import io.driftdeploy.message.RefreshReports;
import io.driftdeploy.message.Report;
import io.driftdeploy.message.RolloutReports;
import io.driftdeploy.policy.AlarmReason;
import io.driftdeploy.policy.ClearedReason;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.Labelled;
import io.driftdeploy.policy.Reason;
import io.driftdeploy.policy.RefreshReason;
import io.driftdeploy.policy.Rejection;
import io.driftdeploy.policy.RejectionReason;
import io.driftdeploy.policy.RolloutReason;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a function returns for one event, as the values it decided. It is written as JSON in one
 * place, {@link #json()}, for Lambda's result, the CLI and the log line alike, and read back from
 * that JSON in one place, {@link #fromJson}, by whoever invoked the function through Lambda.
 */
public sealed interface Result permits Result.Decided, Result.Rejected, Result.Decisions {

    /** The JSON the function returns, key for key: what operators, the CLI and the tests read. */
    Map<String, Object> json();

    /** The result a function's JSON stands for: the inverse of {@link #json()}. */
    static Result fromJson(Map<String, Object> json) {
        if (json.containsKey(Decisions.DECISIONS)) {
            return Decisions.fromJson(json);
        }
        if (Decision.REJECTED.label().equals(json.get(Decided.DECISION))) {
            return Rejected.fromJson(json);
        }
        return Decided.fromJson(json);
    }

    /**
     * One decision, as reported: what was decided and why, the facts, what was done to AWS, and
     * whether the team was told.
     */
    record Decided(String function, String eventId, Decision decision, Reason reason, Optional<Mode> mode,
                   Map<String, Object> facts, List<String> actions, Delivery delivery) implements Result {

        private static final String FUNCTION = "function";
        private static final String EVENT_ID = "eventId";
        private static final String DECISION = "decision";
        private static final String REASON = "reason";
        private static final String MODE = "mode";
        private static final String ACTIONS = "actions";
        /** The keys of the decision's own fields; every other key is a fact. */
        private static final Set<String> FIELDS = Set.of(FUNCTION, EVENT_ID, DECISION, REASON, MODE, ACTIONS,
                Delivery.NOTIFICATION_ID, Delivery.NOTIFICATION);

        public Decided {
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(decision, "decision");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(delivery, "delivery");
            facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
            actions = List.copyOf(actions);
        }

        static Decided of(Report report, Delivery delivery) {
            return new Decided(report.function(), report.eventId(), report.decision(), report.reason(), report.mode(),
                    report.facts(), report.actions(), delivery);
        }

        /**
         * A fact the report holds under a key of its own fields (the event id, the mode) keeps that
         * key's place and value: it says the same thing.
         */
        @Override
        public Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put(FUNCTION, function);
            json.put(EVENT_ID, eventId);
            json.put(DECISION, decision.label());
            json.put(REASON, reason.label());
            mode.ifPresent(known -> json.put(MODE, known.label()));
            json.putAll(facts);
            json.put(ACTIONS, actions);
            delivery.writeTo(json);
            return json;
        }

        static Decided fromJson(Map<String, Object> json) {
            String function = text(json, FUNCTION);
            return new Decided(function, text(json, EVENT_ID), label(Decision.values(), text(json, DECISION)),
                    label(reasons(function), text(json, REASON)),
                    Optional.ofNullable((String) json.get(MODE)).map(Decided::mode),
                    factsOf(json, FIELDS), texts(json, ACTIONS), Delivery.fromJson(json));
        }

        private static Mode mode(String label) {
            return Mode.parse(label).orElseThrow(() -> new IllegalArgumentException("no mode " + label));
        }

        /** The reasons a function reports, by its name: a label alone may be two paths' (duplicate-event). */
        private static Reason[] reasons(String function) {
            return switch (function) {
                case DriftReports.FUNCTION -> DriftReason.values();
                case RolloutReports.IMAGES_FUNCTION -> RolloutReason.values();
                // A refresh event's outcome, then the rollout of the image it released.
                case RefreshReports.FUNCTION -> Stream.concat(Arrays.stream(RefreshReason.values()),
                        Arrays.stream(RolloutReason.values())).toArray(Reason[]::new);
                case AlarmNotice.FUNCTION -> AlarmReason.values();
                case DriftReports.CLI_FUNCTION -> ClearedReason.values();
                default -> throw new IllegalArgumentException("no function " + function);
            };
        }
    }

    /**
     * An event refused before anything was done: decision {@code rejected}, the reason, the field,
     * the error, no actions.
     */
    record Rejected(Rejection rejection, Delivery delivery) implements Result {

        private static final String FIELD = "field";
        private static final String ERROR = "error";
        private static final Set<String> FIELDS = Set.of(Decided.FUNCTION, Decided.DECISION, Decided.REASON, FIELD, ERROR,
                Decided.ACTIONS, Delivery.NOTIFICATION_ID, Delivery.NOTIFICATION);

        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
            Objects.requireNonNull(delivery, "delivery");
        }

        @Override
        public Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put(Decided.FUNCTION, rejection.function());
            json.put(Decided.DECISION, Decision.REJECTED.label());
            json.put(Decided.REASON, rejection.reason().label());
            json.put(FIELD, rejection.field());
            json.put(ERROR, rejection.problem());
            json.putAll(rejection.facts());
            json.put(Decided.ACTIONS, List.of());
            delivery.writeTo(json);
            return json;
        }

        static Rejected fromJson(Map<String, Object> json) {
            return new Rejected(new Rejection(text(json, Decided.FUNCTION),
                    label(RejectionReason.values(), text(json, Decided.REASON)), text(json, FIELD), text(json, ERROR),
                    factsOf(json, FIELDS)), Delivery.fromJson(json));
        }
    }

    /** Every decision the images or refreshes function made for one event (one per target group). */
    record Decisions(String function, String eventId, List<Decided> decisions) implements Result {

        private static final String DECISIONS = "decisions";

        public Decisions {
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(eventId, "eventId");
            decisions = List.copyOf(decisions);
        }

        @Override
        public Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put(Decided.FUNCTION, function);
            json.put(Decided.EVENT_ID, eventId);
            json.put(DECISIONS, decisions.stream().map(Decided::json).toList());
            return json;
        }

        @SuppressWarnings("unchecked")
        static Decisions fromJson(Map<String, Object> json) {
            return new Decisions(text(json, Decided.FUNCTION), text(json, Decided.EVENT_ID),
                    ((List<Map<String, Object>>) json.get(DECISIONS)).stream().map(Decided::fromJson).toList());
        }
    }

    /** Whether the team was told: the SNS message id, or why it could not be published. */
    sealed interface Delivery {

        String NOTIFICATION_ID = "notificationId";
        String NOTIFICATION = "notification";
        String NOT_DELIVERED = "not delivered: ";
        /** Nothing was announced: the decision is audited and logged only, or not announced yet. */
        Delivery UNANNOUNCED = new Unannounced();

        record Unannounced() implements Delivery {
        }

        record Published(String notificationId) implements Delivery {
            public Published {
                Objects.requireNonNull(notificationId, "notificationId");
            }
        }

        /** SNS refused the message or did not answer; {@code problem} says how. */
        record Undelivered(String problem) implements Delivery {
            public Undelivered {
                Objects.requireNonNull(problem, "problem");
            }
        }

        private void writeTo(Map<String, Object> json) {
            switch (this) {
                case Unannounced ignored -> { }
                case Published published -> json.put(NOTIFICATION_ID, published.notificationId());
                case Undelivered undelivered -> json.put(NOTIFICATION, NOT_DELIVERED + undelivered.problem());
            }
        }

        private static Delivery fromJson(Map<String, Object> json) {
            if (json.containsKey(NOTIFICATION_ID)) {
                return new Published(text(json, NOTIFICATION_ID));
            }
            if (json.containsKey(NOTIFICATION)) {
                String said = text(json, NOTIFICATION);
                return new Undelivered(said.startsWith(NOT_DELIVERED) ? said.substring(NOT_DELIVERED.length()) : said);
            }
            return UNANNOUNCED;
        }
    }

    private static String text(Map<String, Object> json, String key) {
        Object value = json.get(key);
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("expected text at " + key + ", got " + value);
        }
        return text;
    }

    @SuppressWarnings("unchecked")
    private static List<String> texts(Map<String, Object> json, String key) {
        return (List<String>) json.getOrDefault(key, List.of());
    }

    private static Map<String, Object> factsOf(Map<String, Object> json, Set<String> fields) {
        Map<String, Object> facts = new LinkedHashMap<>(json);
        facts.keySet().removeAll(fields);
        return facts;
    }

    private static <L extends Labelled> L label(L[] candidates, String label) {
        return Arrays.stream(candidates).filter(candidate -> candidate.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + candidates.getClass().getComponentType().getSimpleName()
                        + " is labelled " + label));
    }
}
