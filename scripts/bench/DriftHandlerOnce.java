import io.driftdeploy.handler.DriftHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bare drift handler, as a cold Lambda start runs it minus Lambda's own runtime: construct
 * the handler with its public no-argument constructor (settings and AWS clients from the
 * environment, as at Lambda's init), then one handleRequest on the event read from standard
 * input, and print its result. No Lambda context: the handler then gives itself its default
 * deadline. scripts/bench-invoke compiles and times it; it is not part of the jar.
 */
public final class DriftHandlerOnce {
    public static void main(String[] args) throws Exception {
        DriftHandler handler = new DriftHandler();
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        handler.handleRequest(System.in, result, null);
        System.out.println(result.toString(StandardCharsets.UTF_8));
    }
}
