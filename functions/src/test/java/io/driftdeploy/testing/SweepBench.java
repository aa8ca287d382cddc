package io.driftdeploy.testing;

import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.SweepHandler;
import io.driftdeploy.orchestration.Telemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.Evaluation;

/**
 * The scheduled sweep's benchmark (scripts/bench-sweep): for each size, a fresh environment with
 * that many NON_COMPLIANT instances (opted-in groups of {@link #GROUP_SIZE}, one drift rule), one
 * sweep started on its queue and drained by as many concurrent handlers as the stack's default
 * sweepMaxConcurrency; prints the wall time, the messages, and the sweep function's AWS calls per
 * instance by operation, and the decisions by reason.
 *
 * <p>Arguments: [workers [sizes...]], by default 5 workers and sizes 10 100 1000. Enforce mode with
 * the default limits (2 a group, 10 an account an hour), as a sweep meets a drifted fleet.
 */
public final class SweepBench {

    private static final int GROUP_SIZE = 50;
    private static final Pattern REASON = Pattern.compile("\"function\":\"drift\".*?\"reason\":\"([a-z-]+)\"");

    private SweepBench() {
    }

    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(10, 100, 1000);
        }
        for (int size : sizes) {
            run(size, workers);
        }
    }

    private static void run(int size, int workers) throws Exception {
        try (TestEnvironment env = TestEnvironment.create()) {
            String rule = env.prefix + "-drift-golden";
            List<String> instances = new ArrayList<>();
            for (int g = 0; instances.size() < size; g++) {
                int count = Math.min(GROUP_SIZE, size - instances.size());
                instances.addAll(env.group("bench-" + g).instances(count).subnets(List.of(subnet(env, g)))
                        .tag("drift-deploy:remediation", "terminate").create().instanceIds());
            }
            env.existingConfigRule(rule);
            Instant at = Instant.now().minusSeconds(600);
            for (int from = 0; from < instances.size(); from += 100) {
                List<Evaluation> batch = instances.subList(from, Math.min(from + 100, instances.size())).stream()
                        .map(instance -> Evaluation.builder().complianceResourceType("AWS::EC2::Instance")
                                .complianceResourceId(instance).complianceType(ComplianceType.NON_COMPLIANT)
                                .orderingTimestamp(at).build()).toList();
                env.aws.config().putEvaluations(r -> r.resultToken(rule).evaluations(batch));
            }
            String queueUrl = SweepQueueDriver.createQueue(env, "sweep");
            SweepQueueDriver queue = new SweepQueueDriver(env.aws.sqs(), queueUrl);
            Settings settings = env.settings(Map.of(Settings.PREFIX + "DRIFT_RULE_PREFIX", env.prefix + "-drift-",
                    Settings.PREFIX + "MODE", "enforce", Settings.PREFIX + "MIN_HEALTHY_PERCENT", "50"));
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

            queue.start("bench-" + size);
            SweepQueueDriver.Drained drained = queue.drain(workers, () -> new SweepHandler(settings, queueUrl,
                    TestEnvironment.clients(), Clock.systemUTC(), new Telemetry("sweep", out, Clock.systemUTC())));
            print(size, workers, drained, log.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * A /24 of its own for every group: the sandbox's two subnets hold about 500 instances, and a
     * group's replacements need addresses too.
     */
    private static String subnet(TestEnvironment env, int group) {
        return env.clients.ec2().createSubnet(r -> r.vpcId(env.vpcId).cidrBlock("10.0." + (10 + group) + ".0/24")
                .availabilityZone("us-east-1a")).subnet().subnetId();
    }

    private static void print(int size, int workers, SweepQueueDriver.Drained drained, String log) {
        List<AwsCalls.Operation> operations = drained.calls().operations();
        long calls = operations.stream().mapToLong(AwsCalls.Operation::calls).sum();
        System.out.printf("%d non-compliant instances, %d workers: %.1f s (%.1f ms an instance), %d messages in %d batches, "
                        + "%d delivered again; %d AWS calls by the sweep function, %.2f an instance%n"
                        + "  copies the queue delivered unasked: %d; messages the sweep sent twice: %d%n",
                size, workers, seconds(drained.wallTime()), drained.wallTime().toMillis() / (double) size, drained.messages(),
                drained.batches(), drained.redelivered(), calls, calls / (double) size, drained.copies(), drained.resent());
        for (AwsCalls.Operation operation : operations) {
            System.out.printf("  %-50s %7d %6.2f/instance %8.1f ms mean%n", operation.name(), operation.calls(),
                    operation.calls() / (double) size, operation.mean().toNanos() / 1e6);
        }
        Map<String, Integer> reasons = new TreeMap<>();
        Matcher matcher = REASON.matcher(log);
        while (matcher.find()) {
            reasons.merge(matcher.group(1), 1, Integer::sum);
        }
        System.out.println("  decisions by reason: " + reasons);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
