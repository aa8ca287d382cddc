package io.driftdeploy.handler;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.config.Settings;
import io.driftdeploy.testing.AwsCalls;
import io.driftdeploy.testing.ComplianceEvents;
import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.TestEnvironment;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.config.model.ComplianceType;
import io.driftdeploy.orchestration.Telemetry;

/**
 * The SnapStart prime's effect on the first decision (scripts/bench-snapstart): each run is a
 * fresh JVM that builds the drift function as Lambda's init does, runs the SnapStart hook or not,
 * then decides two drift events of instances in an opted-in group against the local emulator,
 * enforced: the first decision a restored function makes, and a warm one for comparison (each a
 * termination, 14 AWS calls, 13 for the second, whose rule's kind is known by then). Runs
 * alternate unprimed and primed, under two sets of JVM flags: C1 only, as the stack deploys the
 * functions (its default JAVA_TOOL_OPTIONS), and the JVM's defaults (full tiered compilation,
 * which Lambda's java25 runtime uses with SnapStart). The setup (groups, instances, Config
 * evaluations) is made here, in the parent, so that it loads nothing into the measured JVMs.
 *
 * <p>Arguments: [runs per variant], by default 5. Prints each run and the medians per variant.
 */
public final class SnapStartBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The JVM flags of each variant: see the class comment. */
    private static final Map<String, List<String>> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("C1 only (as deployed)", List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"));
        FLAGS.put("JVM defaults (java25 + SnapStart)", List.of());
    }

    private SnapStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        TestEnvironment env = TestEnvironment.create();
        String rule = env.prefix + "-drift-golden-ami";
        env.existingConfigRule(rule);
        Map<String, String> settings = env.environment(Map.of(
                "DRIFT_DEPLOY_DRIFT_RULE_PREFIX", env.prefix + "-drift-",
                "DRIFT_DEPLOY_MODE", "enforce",
                "DRIFT_DEPLOY_MIN_HEALTHY_PERCENT", "0",
                "DRIFT_DEPLOY_MAX_TERMINATIONS_PER_GROUP", "10",
                "DRIFT_DEPLOY_MAX_TERMINATIONS_PER_ACCOUNT", "1000"));
        Path dir = Files.createTempDirectory("snapstart-bench");
        Files.writeString(dir.resolve("settings.json"), JSON.writeValueAsString(settings));
        Map<String, List<Map<String, Object>>> results = new LinkedHashMap<>();
        int group = 0;
        for (int run = 1; run <= runs; run++) {
            for (Map.Entry<String, List<String>> flags : FLAGS.entrySet()) {
                for (boolean primed : List.of(false, true)) {
                    List<String> instances = env.group("bench-" + ++group).instances(3)
                            .tag("drift-deploy:remediation", "terminate").create().instanceIds();
                    for (int i = 0; i < 2; i++) {
                        ComplianceEvents event = ComplianceEvents.nonCompliant(rule, instances.get(i));
                        env.putEvaluation(rule, event.resourceType(), instances.get(i), ComplianceType.NON_COMPLIANT,
                                event.orderingTimestamp());
                        Files.write(dir.resolve("event-" + i + ".json"), event.bytes());
                    }
                    Map<String, Object> measured = child(flags.getValue(), primed, dir);
                    String variant = flags.getKey() + (primed ? ", primed" : ", unprimed");
                    System.out.printf("run %d, %s: %s%n", run, variant, measured);
                    results.computeIfAbsent(variant, key -> new ArrayList<>()).add(measured);
                }
            }
        }
        System.out.printf("%nmedians of %d runs: wall ms (CPU ms of the whole JVM), classes loaded%n", runs);
        System.out.printf("  %-44s %6s %13s %13s %7s %13s%n", "variant", "init", "prime", "first", "classes", "warm");
        results.forEach((variant, measured) -> System.out.printf("  %-44s %6d %6d (%4d) %6d (%4d) %7d %6d (%4d)%n",
                variant, median(measured, "initMs"), median(measured, "primeMs"), median(measured, "primeCpuMs"),
                median(measured, "firstMs"), median(measured, "firstCpuMs"), median(measured, "firstClasses"),
                median(measured, "warmMs"), median(measured, "warmCpuMs")));
    }

    private static Map<String, Object> child(List<String> flags, boolean primed, Path dir) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.add("-XX:+UseSerialGC");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(),
                String.valueOf(primed), dir.toString(), Emulator.endpoint().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        // The emulator's credentials, from the environment, as a function's come from its container.
        builder.environment().put("AWS_ACCESS_KEY_ID", "testing");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the measured JVM failed: " + out);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> measured = JSON.readValue(out.lines().reduce((first, last) -> last).orElseThrow(), Map.class);
        return measured;
    }

    private static long median(List<Map<String, Object>> measured, String key) {
        ToLongFunction<Map<String, Object>> value = run -> ((Number) run.get(key)).longValue();
        List<Map<String, Object>> sorted = measured.stream().sorted(Comparator.comparingLong(value)).toList();
        return value.applyAsLong(sorted.get((sorted.size() - 1) / 2));
    }

    /** One measured JVM: init, the hook (when primed), the first decision, a warm one; prints one JSON line. */
    public static final class Child {

        private Child() {
        }

        public static void main(String[] args) throws IOException {
            boolean primed = Boolean.parseBoolean(args[0]);
            Path dir = Path.of(args[1]);
            var classes = ManagementFactory.getClassLoadingMXBean();
            var cpu = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long started = System.nanoTime();
            @SuppressWarnings("unchecked")
            Map<String, String> environment = JSON.readValue(Files.readString(dir.resolve("settings.json")), Map.class);
            Clock clock = Clock.systemUTC();
            DriftHandler handler = new DriftHandler(Settings.from(environment),
                    new AwsClients(Region.US_EAST_1, Optional.of(URI.create(args[2]))), clock,
                    new Telemetry("drift", new PrintStream(OutputStream.nullOutputStream()), clock));
            long initialised = System.nanoTime();
            long cpuInitialised = cpu.getProcessCpuTime();
            long beforePrime = classes.getTotalLoadedClassCount();
            if (primed) {
                handler.snapStart.beforeCheckpoint(null);
            }
            long primedAt = System.nanoTime();
            long cpuPrimed = cpu.getProcessCpuTime();
            long beforeFirst = classes.getTotalLoadedClassCount();
            AwsCalls.Recording calls = new AwsCalls.Recording();
            Map<String, Object> first = calls.run(() -> handler.handle(readEvent(dir, 0)).json());
            long firstDone = System.nanoTime();
            long cpuFirstDone = cpu.getProcessCpuTime();
            long afterFirst = classes.getTotalLoadedClassCount();
            Map<String, Object> warm = handler.handle(readEvent(dir, 1)).json();
            long warmDone = System.nanoTime();
            long cpuWarmDone = cpu.getProcessCpuTime();

            Map<String, Object> measured = new LinkedHashMap<>();
            measured.put("initMs", millis(initialised - started));
            measured.put("initCpuMs", millis(cpuInitialised));
            measured.put("primeMs", millis(primedAt - initialised));
            measured.put("primeCpuMs", millis(cpuPrimed - cpuInitialised));
            measured.put("primeClasses", beforeFirst - beforePrime);
            measured.put("firstMs", millis(firstDone - primedAt));
            measured.put("firstCpuMs", millis(cpuFirstDone - cpuPrimed));
            measured.put("firstClasses", afterFirst - beforeFirst);
            measured.put("firstCalls", calls.operations().stream().mapToLong(AwsCalls.Operation::calls).sum());
            measured.put("firstReason", first.get("reason"));
            measured.put("warmMs", millis(warmDone - firstDone));
            measured.put("warmCpuMs", millis(cpuWarmDone - cpuFirstDone));
            measured.put("warmReason", warm.get("reason"));
            System.out.println(JSON.writeValueAsString(measured));
        }

        private static byte[] readEvent(Path dir, int index) {
            try {
                return Files.readAllBytes(dir.resolve("event-" + index + ".json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static long millis(long nanos) {
            return Math.round(nanos / 1e6);
        }
    }
}
