package io.driftdeploy.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.autoscaling.model.TerminateInstanceInAutoScalingGroupRequest;

/**
 * Counts the AWS calls made on a thread while it runs inside a {@link Recording}: per operation
 * the calls, HTTP attempts, failures and time spent, and which instances were terminated.
 * AwsClients takes no interceptors, so this one is registered for every SDK client in the test
 * JVM through the SDK's global list
 * ({@code software/amazon/awssdk/global/handlers/execution.interceptors}); on any other thread
 * it does nothing, so other tests and a storm's own observers are neither slowed nor counted.
 */
public final class AwsCalls implements ExecutionInterceptor {

    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("drift-deploy-recorded-start");
    private static final ThreadLocal<Recording> RECORDING = new ThreadLocal<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (RECORDING.get() != null) {
            attributes.putAttribute(STARTED, System.nanoTime());
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Recording recording = RECORDING.get();
        if (recording != null) {
            recording.tally(attributes).attempts.increment();
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Recording recording = RECORDING.get();
        if (recording != null && recording.finish(attributes, false)) {
            recording.requests.add(context.request());
            if (context.request() instanceof TerminateInstanceInAutoScalingGroupRequest terminate) {
                recording.terminated.add(terminate.instanceId());
            }
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Recording recording = RECORDING.get();
        if (recording != null) {
            recording.finish(attributes, true);
        }
    }

    /** The calls of every thread that ran work through {@link #run}; safe to share between threads. */
    public static final class Recording {
        private final Map<String, Tally> operations = new ConcurrentHashMap<>();
        private final List<String> terminated = Collections.synchronizedList(new ArrayList<>());
        private final List<SdkRequest> requests = Collections.synchronizedList(new ArrayList<>());

        /** Runs {@code work} on this thread with its AWS calls counted here. */
        public <T> T run(Supplier<T> work) {
            Recording outer = RECORDING.get();
            RECORDING.set(this);
            try {
                return work.get();
            } finally {
                RECORDING.set(outer);
            }
        }

        /** Every operation called, the one that took longest in total first. */
        public List<Operation> operations() {
            return operations.entrySet().stream()
                    .map(entry -> entry.getValue().snapshot(entry.getKey()))
                    .sorted(Comparator.comparing(Operation::total).reversed())
                    .toList();
        }

        /** The instance of each TerminateInstanceInAutoScalingGroup that succeeded, a repeat as often as it was made. */
        public List<String> terminatedInstances() {
            synchronized (terminated) {
                return List.copyOf(terminated);
            }
        }

        /** The requests of the calls of {@code type} that succeeded, in the order they finished. */
        public <T extends SdkRequest> List<T> requests(Class<T> type) {
            synchronized (requests) {
                return requests.stream().filter(type::isInstance).map(type::cast).toList();
            }
        }

        private Tally tally(ExecutionAttributes attributes) {
            String name = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                    + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            return operations.computeIfAbsent(name, key -> new Tally());
        }

        /** Whether the call was one started inside the recording. */
        private boolean finish(ExecutionAttributes attributes, boolean failed) {
            Long started = attributes.getAttribute(STARTED);
            if (started == null) {
                return false;
            }
            Tally tally = tally(attributes);
            tally.calls.increment();
            tally.nanos.add(System.nanoTime() - started);
            if (failed) {
                tally.failures.increment();
            }
            return true;
        }
    }

    /** One operation's calls as the client saw them; {@code total} includes retries and their back-off. */
    public record Operation(String name, long calls, long attempts, long failures, Duration total) {

        public Duration mean() {
            return calls == 0 ? Duration.ZERO : total.dividedBy(calls);
        }
    }

    private static final class Tally {
        private final LongAdder calls = new LongAdder();
        private final LongAdder attempts = new LongAdder();
        private final LongAdder failures = new LongAdder();
        private final LongAdder nanos = new LongAdder();

        Operation snapshot(String name) {
            return new Operation(name, calls.sum(), attempts.sum(), failures.sum(), Duration.ofNanos(nanos.sum()));
        }
    }
}
