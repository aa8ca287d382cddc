import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.DriftHandler;
import io.driftdeploy.message.DriftReports;
import io.driftdeploy.orchestration.Telemetry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * One drift decision (dry run) per group of each size, for scripts/bench/group-size: whether a
 * decision's time and calls grow with its group. Not part of the jar.
 *
 * <ul>
 * <li>{@code cold EVENT}: as DriftHandlerOnce, one fresh process, the handler built as Lambda's
 * entry builds it, one decision on EVENT (its EVENT_ID replaced by a new id), which must be a dry
 * run's "enforce would terminate". Prints on standard output one line:
 * {@code init_ms decide_ms calls bytes autoscaling_bytes operations}, the last the calls made, in
 * order, comma-separated ({@code service:Operation}).</li>
 * <li>{@code enforce EVENT}: the same for a decision in enforce mode, which must terminate.</li>
 * <li>{@code warm WARMUP RUNS EVENT...}: one JVM, one handler; WARMUP then RUNS rounds, each
 * round one decision per EVENT, starting from a different one each round. Prints per EVENT the
 * wall time and this thread's CPU time per decision (p50, p10, p90), and the calls and response
 * bytes of one decision.</li>
 * </ul>
 * Calls and bytes are counted on the HTTP client (every SDK attempt, retries included); the bytes
 * are the responses' bodies, and those of Auto Scaling are told apart by the service the request
 * was signed for. Every decision must end in {@code enforceWouldDo: terminate}, or the run fails.
 */
public final class GroupSizeBench {

    private static final Pattern SIGNED_SERVICE = Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/");
    /** The operation of a query-protocol call (EC2, Auto Scaling, SNS...): its body's Action. */
    private static final Pattern QUERY_ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z]+)");
    /** What a dry run's result holds when it would terminate, and an enforced one's when it did, as Map.toString shows them. */
    private static final String DRY_RUN_TERMINATES = "enforceWouldDo=terminate";
    private static final String TERMINATES = "decision=terminate";

    public static void main(String[] args) throws Exception {
        if (args[0].equals("cold") || args[0].equals("enforce")) {
            cold(Path.of(args[1]), args[0].equals("cold") ? DRY_RUN_TERMINATES : TERMINATES);
        } else {
            warm(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Arrays.stream(args, 3, args.length).map(Path::of).toList());
        }
        System.exit(0);
    }

    private static void cold(Path event, String expected) throws Exception {
        long start = System.nanoTime();
        Counting http = new Counting(AwsClients.httpClient());
        http.naming = true;
        DriftHandler handler = handler(http, Telemetry.toStdout(DriftReports.FUNCTION));
        long built = System.nanoTime();
        decide(handler, event, "cold-" + Long.toHexString(System.nanoTime()), expected);
        long decided = System.nanoTime();
        System.out.printf("%d %d %d %d %d %s%n", (built - start) / 1_000_000, (decided - built) / 1_000_000,
                http.calls, http.bytes, http.autoScalingBytes, String.join(",", http.operations));
    }

    private static void warm(int warmup, int runs, List<Path> events) throws Exception {
        Counting http = new Counting(AwsClients.httpClient());
        DriftHandler handler = handler(http,
                new Telemetry(DriftReports.FUNCTION, new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC()));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int n = events.size();
        long[][] wall = new long[n][runs];
        long[][] cpu = new long[n][runs];
        long[] calls = new long[n];
        long[] bytes = new long[n];
        long[] autoScalingBytes = new long[n];
        String tag = Long.toHexString(System.nanoTime());
        for (int round = 0; round < warmup + runs; round++) {
            for (int k = 0; k < n; k++) {
                int e = (round + k) % n;
                http.reset();
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                decide(handler, events.get(e), "warm-" + tag + "-" + e + "-" + round, DRY_RUN_TERMINATES);
                long t1 = System.nanoTime();
                long c1 = threads.getCurrentThreadCpuTime();
                if (round >= warmup) {
                    wall[e][round - warmup] = t1 - t0;
                    cpu[e][round - warmup] = c1 - c0;
                    calls[e] = http.calls;
                    bytes[e] = http.bytes;
                    autoScalingBytes[e] = http.autoScalingBytes;
                }
            }
        }
        System.out.printf("%d warm-up rounds, then %d rounds of one decision per group, alternating%n", warmup, runs);
        System.out.printf("%-28s %9s %9s %9s %15s %6s %15s %22s%n", "event", "wall p50", "wall p10", "wall p90",
                "thread CPU p50", "calls", "response KiB", "of which Auto Scaling");
        for (int e = 0; e < n; e++) {
            System.out.printf("%-28s %9.1f %9.1f %9.1f %15.1f %6d %15.1f %22.1f%n", events.get(e).getFileName(),
                    quantile(wall[e], 0.5), quantile(wall[e], 0.1), quantile(wall[e], 0.9), quantile(cpu[e], 0.5),
                    calls[e], bytes[e] / 1024.0, autoScalingBytes[e] / 1024.0);
        }
    }

    /** The drift handler as Lambda's entry builds it (region and credentials named), sending through {@code http}. */
    private static DriftHandler handler(SdkHttpClient http, Telemetry telemetry) {
        Map<String, String> environment = System.getenv();
        AwsClients aws = new AwsClients(AwsClients.lambdaRegion(environment), AwsClients.endpointFromEnvironment(),
                AwsClients.lambdaCredentials(environment), http);
        return new DriftHandler(Settings.fromEnvironment(), aws, Clock.systemUTC(), telemetry);
    }

    private static void decide(DriftHandler handler, Path event, String eventId, String expected) throws IOException {
        byte[] json = Files.readString(event).replace("EVENT_ID", eventId).getBytes(StandardCharsets.UTF_8);
        Map<String, Object> result = handler.handle(json).json();
        if (!result.toString().contains(expected)) {
            System.err.println(event.getFileName() + " did not decide as expected: " + result);
            System.exit(1);
        }
    }

    private static double quantile(long[] nanos, double q) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(q * (sorted.length - 1))] / 1e6;
    }

    /** Counts the calls sent through it and the bytes of their responses' bodies; names the calls when {@link #naming}. */
    static final class Counting implements SdkHttpClient {
        private final SdkHttpClient delegate;
        boolean naming;
        long calls;
        long bytes;
        long autoScalingBytes;
        final List<String> operations = new ArrayList<>();

        Counting(SdkHttpClient delegate) {
            this.delegate = delegate;
        }

        void reset() {
            calls = 0;
            bytes = 0;
            autoScalingBytes = 0;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            String service = request.httpRequest().firstMatchingHeader("Authorization")
                    .map(SIGNED_SERVICE::matcher).filter(Matcher::find).map(m -> m.group(1)).orElse("?");
            boolean autoScaling = service.equals("autoscaling");
            if (naming) {
                operations.add(service + ":" + operation(request));
            }
            ExecutableHttpRequest executable = delegate.prepareRequest(request);
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    calls++;
                    HttpExecuteResponse response = executable.call();
                    Optional<AbortableInputStream> body = response.responseBody().map(stream ->
                            AbortableInputStream.create(new FilterInputStream(stream) {
                                @Override
                                public int read() throws IOException {
                                    int b = super.read();
                                    if (b >= 0) {
                                        count(1);
                                    }
                                    return b;
                                }

                                @Override
                                public int read(byte[] buffer, int offset, int length) throws IOException {
                                    int read = super.read(buffer, offset, length);
                                    if (read > 0) {
                                        count(read);
                                    }
                                    return read;
                                }

                                private void count(int read) {
                                    bytes += read;
                                    if (autoScaling) {
                                        autoScalingBytes += read;
                                    }
                                }
                            }, stream));
                    return HttpExecuteResponse.builder().response(response.httpResponse()).responseBody(body.orElse(null)).build();
                }

                @Override
                public void abort() {
                    executable.abort();
                }
            };
        }

        @Override
        public void close() {
            delegate.close();
        }

        /** The call's operation: its X-Amz-Target's (JSON protocols), else its body's Action (query protocol). */
        private static String operation(HttpExecuteRequest request) {
            Optional<String> target = request.httpRequest().firstMatchingHeader("X-Amz-Target")
                    .map(value -> value.substring(value.lastIndexOf('.') + 1));
            if (target.isPresent()) {
                return target.get();
            }
            return request.contentStreamProvider().map(body -> {
                try (InputStream in = body.newStream()) {
                    Matcher action = QUERY_ACTION.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    return action.find() ? action.group(1) : "?";
                } catch (IOException unreadable) {
                    return "?";
                }
            }).orElse("?");
        }
    }
}
