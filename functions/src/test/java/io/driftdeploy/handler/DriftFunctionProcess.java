package io.driftdeploy.handler;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The drift function in a process of its own, as Lambda's init and one invocation run it: the
 * public no-argument constructor (settings and AWS clients from the environment, AWS_ENDPOINT_URL
 * included), then handleRequest on the event file named, the result on standard output. For tests
 * that kill a function mid-call (DriftFaultsIT); no Lambda context, so the handler gives itself its
 * default deadline.
 */
public final class DriftFunctionProcess {

    private DriftFunctionProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (InputStream event = Files.newInputStream(Path.of(args[0]))) {
            new DriftHandler().handleRequest(event, System.out, null);
        }
        System.out.flush();
    }
}
