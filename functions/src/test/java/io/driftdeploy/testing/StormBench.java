package io.driftdeploy.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The storm benchmark (scripts/bench-storm): runs the storm at full size several times, each in a
 * fresh environment on the same emulator, asserts the invariants after each, and prints wall
 * time and events/s per run, their medians, and the AWS calls of the median run.
 *
 * <p>Arguments: [runs [events groups instancesPerGroup workers duplicatePercent]], by default 3
 * runs of 1,000 events (20 % duplicates) on 10 groups of 10 instances with 20 workers.
 */
public final class StormBench {

    private StormBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Storm.Shape shape = args.length > 5
                ? new Storm.Shape(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]), Integer.parseInt(args[5]))
                : new Storm.Shape(1000, 10, 10, 20, 20);
        System.out.println("storm: " + shape + ", " + runs + " runs");
        List<Storm.Result> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            Storm storm = Storm.prepare(TestEnvironment.create(), shape, run);
            Storm.Result result = storm.run();
            StormInvariants.Outcome outcome = StormInvariants.assertHold(storm, result);
            System.out.printf("run %d: %.1f s, %.1f events/s; invariants hold; %d terminations, storm alerts %s%n",
                    run, seconds(result.wallTime()), result.eventsPerSecond(), outcome.terminations(), outcome.stormAlerts());
            System.out.println("  decisions by reason: " + outcome.decisionsByReason());
            results.add(result);
        }
        results.sort(Comparator.comparing(Storm.Result::wallTime));
        Storm.Result median = results.get((results.size() - 1) / 2);
        System.out.printf("median of %d runs: %.1f s, %.1f events/s%n", runs, seconds(median.wallTime()), median.eventsPerSecond());
        printCalls(median);
    }

    private static void printCalls(Storm.Result result) {
        List<AwsCalls.Operation> operations = result.calls().operations();
        long calls = operations.stream().mapToLong(AwsCalls.Operation::calls).sum();
        Duration total = operations.stream().map(AwsCalls.Operation::total).reduce(Duration.ZERO, Duration::plus);
        System.out.printf("AWS calls of the median run: %d calls, %.1f s in calls summed over workers (%.1f per event)%n",
                calls, seconds(total), (double) calls / result.decisions().size());
        System.out.printf("  %-50s %7s %8s %8s %9s %8s%n", "operation", "calls", "attempts", "failures", "total s", "mean ms");
        for (AwsCalls.Operation operation : operations) {
            System.out.printf("  %-50s %7d %8d %8d %9.1f %8.1f%n", operation.name(), operation.calls(), operation.attempts(),
                    operation.failures(), seconds(operation.total()), operation.mean().toNanos() / 1e6);
        }
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
