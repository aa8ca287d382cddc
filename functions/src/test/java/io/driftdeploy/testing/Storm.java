package io.driftdeploy.testing;

import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.DriftHandler;
import io.driftdeploy.orchestration.EventInProgressException;
import io.driftdeploy.orchestration.Telemetry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.Evaluation;

/**
 * A drift storm on the emulator: Auto Scaling groups opted in to remediation, compliance-change
 * events spread over their instances (each instance drifts from several rules, and some events
 * arrive more than once, as EventBridge's at-least-once delivery sends them), decided by the
 * drift function on concurrent workers. Each worker has its own handler and clients, as each
 * concurrent Lambda invocation runs in its own function instance.
 *
 * <p>The limits are set so that the storm trips both rate guards: each group's limit is below
 * what its minimum healthy share would let go, and the account's is below the groups' together.
 */
public final class Storm {

    /** How long a delivery refused as in progress waits before it is delivered again. */
    private static final Duration REDELIVERY_PAUSE = Duration.ofMillis(50);

    private static final String OPT_IN_KEY = "drift-deploy:remediation";
    public static final int MIN_HEALTHY_PERCENT = 50;
    public static final int MAX_TERMINATIONS_PER_GROUP = 3;
    /** A day, so that the rate window does not turn during a storm and split its counts. */
    private static final Duration RATE_WINDOW = Duration.ofDays(1);
    /** PutEvaluations takes at most this many evaluations per call. */
    private static final int EVALUATIONS_PER_CALL = 100;
    private static final Duration WATCH_INTERVAL = Duration.ofMillis(100);

    /**
     * @param events           deliveries in all, duplicates included
     * @param duplicatePercent the share of deliveries that repeat an earlier event id
     */
    public record Shape(int events, int groups, int instancesPerGroup, int workers, int duplicatePercent) {
        public Shape {
            if (events < 1 || groups < 1 || workers < 1 || duplicatePercent < 0 || duplicatePercent >= 100) {
                throw new IllegalArgumentException("not a storm: " + events + " events, " + groups + " groups, "
                        + workers + " workers, " + duplicatePercent + " % duplicates");
            }
            // More than the group's limit must be able to go at once, or the capacity guard stops the storm first.
            int floor = (instancesPerGroup * MIN_HEALTHY_PERCENT + 99) / 100;
            if (instancesPerGroup - floor <= MAX_TERMINATIONS_PER_GROUP) {
                throw new IllegalArgumentException(instancesPerGroup + " instances per group cannot reach the group's limit");
            }
        }

        public int distinctEvents() {
            return events - events * duplicatePercent / 100;
        }

        /** Five sixths of what the groups allow together, so that the account's limit is reached too. */
        public int maxTerminationsPerAccount() {
            return groups * MAX_TERMINATIONS_PER_GROUP * 5 / 6;
        }

        @Override
        public String toString() {
            return events + " events (" + distinctEvents() + " distinct) on " + groups + " groups of " + instancesPerGroup
                    + " instances, " + workers + " workers";
        }
    }

    /** One event as delivered: its id, the instance it names, and the bytes the function receives. */
    public record Delivery(String eventId, String instanceId, byte[] bytes) {
    }

    /** What the handler returned for a delivery, or what it threw. */
    public record Decision(Delivery delivery, Map<String, Object> result, RuntimeException failure) {

        public String reason() {
            return failure != null ? "failed: " + failure : String.valueOf(result.get("reason"));
        }
    }

    /**
     * @param decisions       in the order of {@link #deliveries()}
     * @param wallTime        from the first delivery handed to a worker until the last decision returned
     * @param calls           the AWS calls the workers made
     * @param lowestInService per group, the fewest healthy InService instances seen during the storm
     */
    public record Result(List<Decision> decisions, Duration wallTime, AwsCalls.Recording calls,
                         Map<String, Integer> lowestInService) {

        public double eventsPerSecond() {
            return decisions.size() * 1000.0 / Math.max(1, wallTime.toMillis());
        }
    }

    private final TestEnvironment env;
    private final Shape shape;
    private final List<TestGroup> groups;
    private final Map<String, String> instanceGroups;
    private final List<Delivery> deliveries;

    private Storm(TestEnvironment env, Shape shape, List<TestGroup> groups, Map<String, String> instanceGroups,
                  List<Delivery> deliveries) {
        this.env = env;
        this.shape = shape;
        this.groups = groups;
        this.instanceGroups = instanceGroups;
        this.deliveries = deliveries;
    }

    /**
     * Creates the groups, records every event's evaluation in AWS Config (as the rules' functions
     * would, so that rule 3 confirms them) and orders the deliveries at random by {@code seed}.
     */
    public static Storm prepare(TestEnvironment env, Shape shape, long seed) {
        List<TestGroup> groups = new ArrayList<>();
        Map<String, String> instanceGroups = new HashMap<>();
        for (int g = 0; g < shape.groups(); g++) {
            TestGroup group = env.group("storm-" + g).instances(shape.instancesPerGroup()).tag(OPT_IN_KEY, "terminate").create();
            groups.add(group);
            group.instanceIds().forEach(instance -> instanceGroups.put(instance, group.name));
        }
        List<String> instances = List.copyOf(instanceGroups.keySet());
        Random random = new Random(seed);
        List<Delivery> distinct = new ArrayList<>();
        Map<String, List<Evaluation>> evaluations = new HashMap<>();
        for (int i = 0; i < shape.distinctEvents(); i++) {
            // Round robin over the instances, a rule at a time: a bad baseline flags the whole fleet, and
            // each instance then has an event per rule, so that later ones find it already terminating or gone.
            String rule = env.prefix + "-drift-r" + i / instances.size();
            ComplianceEvents event = ComplianceEvents.nonCompliant(rule, instances.get(i % instances.size()));
            distinct.add(new Delivery(event.id(), event.instanceId(), event.bytes()));
            evaluations.computeIfAbsent(rule, name -> new ArrayList<>()).add(Evaluation.builder()
                    .complianceResourceType(event.resourceType())
                    .complianceResourceId(event.instanceId())
                    .complianceType(ComplianceType.NON_COMPLIANT)
                    .orderingTimestamp(event.orderingTimestamp())
                    .build());
        }
        evaluations.forEach((rule, ofRule) -> {
            env.existingConfigRule(rule);
            for (int from = 0; from < ofRule.size(); from += EVALUATIONS_PER_CALL) {
                List<Evaluation> batch = ofRule.subList(from, Math.min(ofRule.size(), from + EVALUATIONS_PER_CALL));
                env.aws.config().putEvaluations(r -> r.resultToken(rule).evaluations(batch));
            }
        });
        List<Delivery> deliveries = new ArrayList<>(distinct);
        for (int i = distinct.size(); i < shape.events(); i++) {
            deliveries.add(distinct.get(random.nextInt(distinct.size())));
        }
        Collections.shuffle(deliveries, random);
        return new Storm(env, shape, List.copyOf(groups), Map.copyOf(instanceGroups), List.copyOf(deliveries));
    }

    public Shape shape() {
        return shape;
    }

    public TestEnvironment environment() {
        return env;
    }

    public List<TestGroup> groups() {
        return groups;
    }

    /** The group of each instance the events name, as it was before the storm. */
    public Map<String, String> instanceGroups() {
        return instanceGroups;
    }

    public List<Delivery> deliveries() {
        return deliveries;
    }

    public Set<String> distinctEventIds() {
        Set<String> ids = new LinkedHashSet<>();
        deliveries.forEach(delivery -> ids.add(delivery.eventId()));
        return ids;
    }

    /** The drift function's settings for the storm: enforce, this environment's rules, the limits above. */
    public Settings settings() {
        Map<String, String> settings = new HashMap<>();
        settings.put(Settings.PREFIX + "DRIFT_RULE_PREFIX", env.prefix + "-drift-");
        settings.put(Settings.PREFIX + "MODE", "enforce");
        settings.put(Settings.PREFIX + "MIN_HEALTHY_PERCENT", Integer.toString(MIN_HEALTHY_PERCENT));
        settings.put(Settings.PREFIX + "MAX_TERMINATIONS_PER_GROUP", Integer.toString(MAX_TERMINATIONS_PER_GROUP));
        settings.put(Settings.PREFIX + "MAX_TERMINATIONS_PER_ACCOUNT", Integer.toString(shape.maxTerminationsPerAccount()));
        settings.put(Settings.PREFIX + "RATE_WINDOW_MINUTES", Long.toString(RATE_WINDOW.toMinutes()));
        return env.settings(settings);
    }

    /** Hands every delivery, in order, to the next free worker; returns when all are decided. */
    public Result run() throws Exception {
        Settings settings = settings();
        PrintStream discarded = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        List<DriftHandler> handlers = new ArrayList<>();
        for (int w = 0; w < shape.workers(); w++) {
            handlers.add(new DriftHandler(settings, TestEnvironment.clients(), Clock.systemUTC(),
                    new Telemetry("drift", discarded, Clock.systemUTC())));
        }
        AwsCalls.Recording calls = new AwsCalls.Recording();
        Decision[] decisions = new Decision[deliveries.size()];
        AtomicInteger next = new AtomicInteger();
        InServiceWatch watch = new InServiceWatch();
        ExecutorService pool = Executors.newFixedThreadPool(shape.workers());
        Instant start;
        try {
            Thread watcher = Thread.ofPlatform().name("storm-in-service-watch").start(watch);
            start = Instant.now();
            List<Future<?>> workers = new ArrayList<>();
            for (DriftHandler handler : handlers) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < decisions.length; i = next.getAndIncrement()) {
                        decisions[i] = decide(handler, calls, deliveries.get(i));
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            Duration wallTime = Duration.between(start, Instant.now());
            watch.stop(watcher);
            return new Result(List.of(decisions), wallTime, calls, watch.lowest());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One delivery, as Lambda makes it: a copy refused because another invocation is still
     * deciding the event fails, and Lambda delivers it again later (a minute later on AWS, a few
     * milliseconds here), until it is decided or found a duplicate.
     */
    private static Decision decide(DriftHandler handler, AwsCalls.Recording calls, Delivery delivery) {
        while (true) {
            try {
                return new Decision(delivery, calls.run(() -> handler.handle(delivery.bytes()).json()), null);
            } catch (EventInProgressException deliveredAgainLater) {
                pauseBeforeRedelivery();
            } catch (RuntimeException failure) {
                return new Decision(delivery, Map.of(), failure);
            }
        }
    }

    private static void pauseBeforeRedelivery() {
        try {
            Thread.sleep(REDELIVERY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before delivering an event again", e);
        }
    }

    /** Polls every group (one DescribeAutoScalingGroups) for its healthy InService count until stopped. */
    private final class InServiceWatch implements Runnable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<String, Integer> lowest = new ConcurrentHashMap<>();

        @Override
        public void run() {
            List<String> names = groups.stream().map(group -> group.name).toList();
            while (running.get()) {
                for (AutoScalingGroup group : env.aws.autoScaling().describeAutoScalingGroups(r -> r.autoScalingGroupNames(names))
                        .autoScalingGroups()) {
                    int inService = (int) group.instances().stream()
                            .filter(instance -> instance.lifecycleState() == LifecycleState.IN_SERVICE
                                    && "Healthy".equalsIgnoreCase(instance.healthStatus()))
                            .count();
                    lowest.merge(group.autoScalingGroupName(), inService, Math::min);
                }
                try {
                    Thread.sleep(WATCH_INTERVAL);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop(Thread watcher) throws InterruptedException {
            running.set(false);
            watcher.join();
        }

        Map<String, Integer> lowest() {
            return Map.copyOf(lowest);
        }
    }
}
