import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.DriftHandler;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.message.DriftReports;
import java.io.ByteArrayOutputStream;
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
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The drift handler with the SDK HTTP client chosen by {@code -Dbench.http=url|crt|apache}
 * (URLConnection, AWS CRT, Apache), for scripts/bench/http-clients. Not part of the jar.
 *
 * <ul>
 * <li>{@code cold} (default): as DriftHandlerOnce, one fresh process, one decision on the event
 * read from standard input, result on standard output. {@code -Dbench.credentials=explicit}
 * (default) names region and credentials as Lambda's entry now does
 * ({@link AwsClients#lambdaRegion}, {@link AwsClients#lambdaCredentials}); {@code default} uses
 * the SDK's default region and credentials chains, as the entry did before. Prints on standard
 * error {@code init_ms decide_ms} (the handler built, as at Lambda's init; the first decision)
 * and the wall-clock milliseconds at which main started and ended, so that the caller can tell
 * the JVM's start and exit from them.</li>
 * <li>{@code warm TEMPLATE WARMUP RUNS VARIANT...}: one JVM, one handler per HTTP client, each
 * with its own AWS clients; WARMUP then RUNS rounds, each round one decision per variant,
 * starting from a different one each round. Every decision is a new event (EVENT_ID in TEMPLATE
 * replaced). Per decision: wall time, this thread's CPU time, and the whole process's CPU time
 * (the CRT client does its I/O on native event-loop threads, which the thread's figure misses;
 * the process's figure also holds whatever the JIT and GC threads did meanwhile).</li>
 * </ul>
 * Each client factory lives in its own nested class so that a run loads only the client it uses.
 */
public final class HttpClientBench {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("warm")) {
            warm(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    List.of(Arrays.copyOfRange(args, 4, args.length)));
            return;
        }
        long mainAt = System.currentTimeMillis();
        long start = System.nanoTime();
        DriftHandler handler = new DriftHandler(Settings.fromEnvironment(),
                clients(System.getProperty("bench.http", "url"), !"default".equals(System.getProperty("bench.credentials"))),
                Clock.systemUTC(), Telemetry.toStdout(DriftReports.FUNCTION));
        long built = System.nanoTime();
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        handler.handleRequest(System.in, result, null);
        long decided = System.nanoTime();
        System.out.println(result.toString(StandardCharsets.UTF_8));
        System.err.printf("init_ms %d decide_ms %d main_at %d end_at %d%n", (built - start) / 1_000_000,
                (decided - built) / 1_000_000, mainAt, System.currentTimeMillis());
        System.exit(0);  // the CRT client's native threads would otherwise keep the JVM up a while
    }

    static AwsClients clients(String http, boolean explicit) {
        Map<String, String> environment = System.getenv();
        Region region = explicit ? AwsClients.lambdaRegion(environment)
                : DefaultAwsRegionProviderChain.builder().build().getRegion();
        if (!explicit && http.equals("url")) {
            return new AwsClients(region, AwsClients.endpointFromEnvironment());  // exactly the former entry
        }
        AwsCredentialsProvider credentials = explicit ? AwsClients.lambdaCredentials(environment)
                : software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().build();
        return new AwsClients(region, AwsClients.endpointFromEnvironment(), credentials, httpClient(http));
    }

    static SdkHttpClient httpClient(String name) {
        return switch (name) {
            case "url" -> Url.create();
            case "crt" -> Crt.create();
            case "apache" -> Apache.create();
            default -> throw new IllegalArgumentException("bench.http: url, crt or apache, got " + name);
        };
    }

    static final class Url {
        static SdkHttpClient create() {
            return AwsClients.httpClient();  // what the functions ship
        }
    }

    static final class Crt {
        static SdkHttpClient create() {
            return software.amazon.awssdk.http.crt.AwsCrtHttpClient.create();
        }
    }

    static final class Apache {
        static SdkHttpClient create() {
            return software.amazon.awssdk.http.apache.ApacheHttpClient.create();
        }
    }

    private static void warm(Path template, int warmup, int runs, List<String> variants) throws Exception {
        String event = Files.readString(template);
        Clock clock = Clock.systemUTC();
        Telemetry quiet = new Telemetry(DriftReports.FUNCTION, new PrintStream(java.io.OutputStream.nullOutputStream()), clock);
        Settings settings = Settings.fromEnvironment();
        List<DriftHandler> handlers = new ArrayList<>();
        for (String variant : variants) {
            handlers.add(new DriftHandler(settings, clients(variant, true), clock, quiet));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int n = variants.size();
        long[][] wall = new long[n][runs];
        long[][] threadCpu = new long[n][runs];
        long[][] processCpu = new long[n][runs];
        String tag = Long.toHexString(System.nanoTime());
        for (int round = 0; round < warmup + runs; round++) {
            for (int k = 0; k < n; k++) {
                int v = (round + k) % n;
                byte[] bytes = event.replace("EVENT_ID", "warm-" + tag + "-" + variants.get(v) + "-" + round)
                        .getBytes(StandardCharsets.UTF_8);
                long c0 = threads.getCurrentThreadCpuTime();
                long p0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                Map<String, Object> result = handlers.get(v).handle(bytes).json();
                long t1 = System.nanoTime();
                long p1 = os.getProcessCpuTime();
                long c1 = threads.getCurrentThreadCpuTime();
                if (!result.toString().contains("enforceWouldDo=terminate")) {
                    System.err.println(variants.get(v) + " did not decide as expected: " + result);
                    System.exit(1);
                }
                if (round >= warmup) {
                    wall[v][round - warmup] = t1 - t0;
                    threadCpu[v][round - warmup] = c1 - c0;
                    processCpu[v][round - warmup] = p1 - p0;
                }
            }
        }
        System.out.printf("%d warm-up rounds, then %d rounds of one decision per client, alternating; ms per decision%n",
                warmup, runs);
        // The process's CPU time comes in clock ticks (10 ms here): its mean over the runs, not a median.
        System.out.printf("%-8s %8s %8s %8s %14s %16s%n", "client", "wall p50", "wall p10", "wall p90",
                "thread CPU p50", "process CPU mean");
        for (int v = 0; v < n; v++) {
            System.out.printf("%-8s %8.1f %8.1f %8.1f %14.1f %16.1f%n", variants.get(v),
                    quantile(wall[v], 0.5), quantile(wall[v], 0.1), quantile(wall[v], 0.9),
                    quantile(threadCpu[v], 0.5), mean(processCpu[v]));
        }
        System.exit(0);
    }

    private static double quantile(long[] nanos, double q) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(q * (sorted.length - 1))] / 1e6;
    }

    private static double mean(long[] nanos) {
        return Arrays.stream(nanos).average().orElse(0) / 1e6;
    }
}
