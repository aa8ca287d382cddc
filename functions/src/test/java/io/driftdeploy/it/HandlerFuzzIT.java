package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.EventMutations;
import io.driftdeploy.handler.AlarmsHandler;
import io.driftdeploy.handler.DriftHandler;
import io.driftdeploy.handler.ImagesHandler;
import io.driftdeploy.handler.RefreshesHandler;
import io.driftdeploy.orchestration.Result;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.FaultProxy;
import io.driftdeploy.testing.TestEnvironment.ReceivedNotification;
import io.driftdeploy.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every function, in enforce mode, fed mutated events of its own kinds (see {@link EventMutations})
 * on the emulator, with its AWS calls recorded by a {@link FaultProxy}: no exception escapes
 * handle() (Lambda would retry the event, then dead-letter it), nothing in the fleet is changed,
 * and what lands in the ledger and on the topic stays within DynamoDB's and SNS's limits.
 *
 * <p>The environment holds no Auto Scaling group, launch template or instance of its own, so no
 * mutated event can name a resource that may legitimately be acted on: every fleet-changing call
 * is a defect, whatever the event says. So that the events which survive their mutations go as deep
 * as they can rather than stop at the first check, each sample is first made current: its drift
 * rule is the environment's (on which AWS Config holds the samples' instances NON_COMPLIANT), its
 * drift alarm is the configured one, its timestamps are moved to just before now, and its event id
 * is new (the samples share ids, and a second try with one would only be a duplicate).
 *
 * <p>Seeds run 0 to {@value #TRIES} - 1 per function; a failure names the function and seed, which
 * {@code EventMutations.of(seed, function)} turns back into the same event.
 */
class HandlerFuzzIT {

    /** Per function: enough to hit every sample several times, few enough that the run stays under a minute. */
    private static final int TRIES = 40;
    /**
     * Every call by which the functions change the fleet (the first four, the only ones their code
     * makes) and two more that would; the ledger's writes and SNS Publish are expected.
     */
    private static final Set<String> FLEET_CHANGES = Set.of("TerminateInstanceInAutoScalingGroup",
            "StartInstanceRefresh", "CreateLaunchTemplateVersion", "CreateTags", "DeleteTags", "RunInstances");
    /** The samples' drift rule, drift alarm and evaluated instances (events/drift/, events/alarms/). */
    private static final String SAMPLE_DRIFT_RULE = "ec2-managedinstance-inventory-blacklisted";
    private static final String SAMPLE_DRIFT_ALARM = "config-drift-detected";
    private static final Map<String, String> SAMPLE_INSTANCES = Map.of(
            "i-0abc1234def567890", "AWS::EC2::Instance",
            "i-0def5678abc901234", "AWS::SSM::ManagedInstanceInventory");
    /** CloudWatch's timestamps (alarm state, SNS alarm message); everything else is ISO-8601 in UTC. */
    private static final DateTimeFormatter CLOUDWATCH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * SNS Publish takes a subject of fewer than 100 characters and a message of at most 256 KB
     * (262,144 bytes), message attributes included (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
     */
    private static final int SNS_SUBJECT_CHARACTERS = 100;
    private static final int SNS_MESSAGE_BYTES = 262_144;
    /**
     * DynamoDB: partition key values 1 to 2,048 bytes, sort key values 1 to 1,024 bytes, items at most
     * 400 KB counting the UTF-8 lengths of attribute names and values (Constraints in Amazon DynamoDB,
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html).
     */
    private static final int DYNAMODB_PARTITION_KEY_BYTES = 2_048;
    private static final int DYNAMODB_SORT_KEY_BYTES = 1_024;
    private static final int DYNAMODB_ITEM_BYTES = 400 * 1024;
    /** Closed after each test: it deletes the Config rules the test made. */
    @AutoClose
    private final TestEnvironment env = TestEnvironment.create();
    private final String driftRule = env.configRule("drift");
    private final FaultProxy proxy = FaultProxy.start(Emulator.endpoint());
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void sampleInstancesAreNonCompliant() {
        SAMPLE_INSTANCES.forEach((instance, type) ->
                env.putEvaluation(driftRule, type, instance, ComplianceType.NON_COMPLIANT, Instant.now()));
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"drift", "images", "refreshes", "alarms"})
    void aMutatedEventEscapesNoExceptionChangesNothingAndStaysWithinServiceLimits(String function) {
        Function<byte[], Map<String, Object>> handler = handler(function, proxy.clients());
        List<String> failures = new ArrayList<>();
        Set<String> ledgerProblems = new HashSet<>();
        int notified = 0;
        for (int seed = 0; seed < TRIES; seed++) {
            EventMutations.Mutated mutated = EventMutations.of(seed, function);
            String tried = function + " seed " + seed + " (" + mutated + ")";
            int seen = proxy.exchanges().size();
            try {
                handler.apply(mutated.bytes(current(seed)));
            } catch (RuntimeException escaped) {
                failures.add(tried + ": exception escaped handle():\n" + stackTrace(escaped));
            }
            proxy.exchanges().stream().skip(seen).filter(exchange -> FLEET_CHANGES.contains(exchange.operation()))
                    .forEach(exchange -> failures.add(tried + ": called " + exchange));
            // A try may grow an item an earlier one wrote (a counter, a claim): each problem is named once, by the try that made it.
            ledgerBeyondLimits().stream().filter(ledgerProblems::add).forEach(problem -> failures.add(tried + ": " + problem));
            // Everything this try published, and nothing of the next: checked as this try's.
            List<ReceivedNotification> received = env.notificationsSoFar();
            received.subList(notified, received.size()).stream().flatMap(HandlerFuzzIT::beyondSnsLimits)
                    .forEach(problem -> failures.add(tried + ": " + problem));
            notified = received.size();
        }
        assertThat(failures).as("failures of %d mutated %s events", TRIES, function).isEmpty();
    }

    /** Enforce mode: the mode in which a defect would change the fleet. */
    private Function<byte[], Map<String, Object>> handler(String function, AwsClients aws) {
        Settings settings = env.settings(Map.of(
                Settings.PREFIX + "MODE", "enforce",
                Settings.PREFIX + "DRIFT_RULES", driftRule,
                Settings.PREFIX + "DRIFT_ALARMS", SAMPLE_DRIFT_ALARM));
        Clock clock = Clock.systemUTC();
        Telemetry telemetry = new Telemetry(function, new PrintStream(log, true, StandardCharsets.UTF_8), clock);
        Function<byte[], Result> handler = switch (function) {
            case "drift" -> new DriftHandler(settings, aws, clock, telemetry)::handle;
            case "images" -> new ImagesHandler(settings, aws, clock, telemetry)::handle;
            case "refreshes" -> new RefreshesHandler(settings, aws, clock, telemetry)::handle;
            case "alarms" -> new AlarmsHandler(settings, aws, clock, telemetry)::handle;
            default -> throw new IllegalArgumentException(function);
        };
        return handler.andThen(Result::json);
    }

    /**
     * The sample made current for try {@code seed}: a new event id naming the seed (EventBridge's
     * {@code id}, or the SNS record's {@code MessageId}), the environment's drift rule, and every
     * timestamp moved by the same amount, keeping their order, so that the latest is {@link #TRIES}
     * minus {@code seed} seconds ago: recent enough to be acted on, and different for every try, so
     * that no two alarm state changes are the same one.
     */
    private Consumer<ObjectNode> current(int seed) {
        String mark = "fuzz-" + env.prefix + "-" + seed;
        return event -> {
            if (event.has("id")) {
                event.put("id", mark);
            } else if (event.at("/Records/0/Sns") instanceof ObjectNode sns) {
                sns.put("MessageId", mark);
            }
            List<Instant> times = new ArrayList<>();
            eachText(event, text -> {
                instant(text).ifPresent(times::add);
                return text;
            });
            Instant latest = times.stream().max(Instant::compareTo).orElseGet(Instant::now);
            Duration shift = Duration.between(latest, Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(TRIES - seed));
            eachText(event, text -> text.equals(SAMPLE_DRIFT_RULE) ? driftRule
                    : instant(text).map(time -> text.endsWith("Z") ? time.plus(shift).toString()
                            : CLOUDWATCH_TIME.format(time.plus(shift))).orElse(text));
        };
    }

    /** Replaces every text value of the tree by {@code change} of it, also within JSON carried as text (an SNS message, reasonData). */
    private static void eachText(JsonNode node, UnaryOperator<String> change) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (value.isTextual()) {
                    object.put(name, changed(value.asText(), change));
                } else {
                    eachText(value, change);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, changed(array.get(i).asText(), change));
                } else {
                    eachText(array.get(i), change);
                }
            }
        }
    }

    private static String changed(String text, UnaryOperator<String> change) {
        if (text.startsWith("{")) {
            try {
                JsonNode embedded = JSON.readTree(text);
                eachText(embedded, change);
                return embedded.toString();
            } catch (JsonProcessingException notJson) {
                // Text that only starts like JSON is changed as any other text.
            }
        }
        return change.apply(text);
    }

    private static Optional<Instant> instant(String text) {
        for (DateTimeFormatter format : List.of(DateTimeFormatter.ISO_INSTANT, CLOUDWATCH_TIME)) {
            try {
                return Optional.of(format.parse(text, Instant::from));
            } catch (DateTimeParseException notThisFormat) {
                // Try the next format; text in neither is no timestamp.
            }
        }
        return Optional.empty();
    }

    private List<String> ledgerBeyondLimits() {
        List<String> problems = new ArrayList<>();
        for (Map<String, AttributeValue> item : env.aws.dynamoDb().scanPaginator(r -> r.tableName(env.tableName)).items()) {
            String pk = item.get(Ledger.PARTITION_KEY).s();
            String sk = item.get(Ledger.SORT_KEY).s();
            String where = "ledger item " + abbreviate(pk) + " / " + abbreviate(sk);
            if (utf8(pk) > DYNAMODB_PARTITION_KEY_BYTES) {
                problems.add(where + ": partition key of " + utf8(pk) + " bytes");
            }
            if (utf8(sk) > DYNAMODB_SORT_KEY_BYTES) {
                problems.add(where + ": sort key of " + utf8(sk) + " bytes");
            }
            int size = item.entrySet().stream().mapToInt(e -> utf8(e.getKey()) + valueBytes(e.getValue())).sum();
            if (size >= DYNAMODB_ITEM_BYTES) {
                problems.add(where + ": item of about " + size + " bytes");
            }
        }
        return problems;
    }

    /** A value's size as DynamoDB counts it, near enough: its text in UTF-8, a list's or map's elements summed. */
    private static int valueBytes(AttributeValue value) {
        if (value.s() != null) {
            return utf8(value.s());
        }
        if (value.n() != null) {
            return value.n().length();
        }
        if (value.hasL()) {
            return value.l().stream().mapToInt(HandlerFuzzIT::valueBytes).sum();
        }
        if (value.hasM()) {
            return value.m().entrySet().stream().mapToInt(e -> utf8(e.getKey()) + valueBytes(e.getValue())).sum();
        }
        if (value.hasSs()) {
            return value.ss().stream().mapToInt(HandlerFuzzIT::utf8).sum();
        }
        return value.b() != null ? value.b().asByteArray().length : 1;
    }

    private static Stream<String> beyondSnsLimits(ReceivedNotification notification) {
        String subject = notification.subject() == null ? "" : notification.subject();
        String body = notification.body().toString();
        String where = "notification \"" + abbreviate(subject) + "\"";
        List<String> problems = new ArrayList<>();
        if (subject.length() >= SNS_SUBJECT_CHARACTERS) {
            problems.add(where + ": subject of " + subject.length() + " characters");
        }
        int size = utf8(body) + utf8(subject) + notification.attributes().entrySet().stream()
                .mapToInt(e -> utf8(e.getKey()) + utf8(e.getValue())).sum();
        if (size > SNS_MESSAGE_BYTES) {
            problems.add(where + ": message and attributes of " + size + " bytes");
        }
        return problems.stream();
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "… (" + text.length() + " characters)";
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
