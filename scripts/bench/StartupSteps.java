import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.DriftHandler;
import io.driftdeploy.message.DriftReports;
import io.driftdeploy.orchestration.Telemetry;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one cold drift decision's time goes, step by step, in the order Lambda's init and first
 * invoke take them (the handler's public constructor, split into its parts, then one decision on
 * the event read from standard input): one line of milliseconds per step, as
 * {@code name=ms name=ms ...}. scripts/bench/startup-steps compiles it, runs it in fresh JVMs and
 * reports the medians; it is not part of the jar.
 */
public final class StartupSteps {
    public static void main(String[] args) throws Exception {
        Map<String, Long> steps = new LinkedHashMap<>();
        long[] at = {System.nanoTime()};
        java.util.function.Consumer<String> step = name -> {
            long now = System.nanoTime();
            steps.put(name, (now - at[0]) / 1_000_000);
            at[0] = now;
        };
        Settings settings = Settings.fromEnvironment();
        step.accept("settings");
        AwsClients aws = AwsClients.fromEnvironment();
        step.accept("clients");
        aws.ec2();
        step.accept("firstClient");
        aws.autoScaling();
        aws.dynamoDb();
        aws.config();
        aws.sns();
        step.accept("otherClients");
        DriftHandler handler = new DriftHandler(settings, aws, Clock.systemUTC(),
                new Telemetry(DriftReports.FUNCTION, new PrintStream(java.io.OutputStream.nullOutputStream()), Clock.systemUTC()));
        step.accept("handler");
        byte[] event = System.in.readAllBytes();
        String decided = handler.handle(event).json().toString();
        step.accept("decision");
        if (!decided.contains("enforceWouldDo=terminate")) {
            throw new IllegalStateException("not the decision measured: " + decided);
        }
        StringBuilder line = new StringBuilder();
        steps.forEach((name, ms) -> line.append(name).append('=').append(ms).append(' '));
        System.out.println(line.toString().strip());
        System.exit(0);
    }
}
