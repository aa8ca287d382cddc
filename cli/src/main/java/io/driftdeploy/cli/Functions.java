package io.driftdeploy.cli;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.AlarmsHandler;
import io.driftdeploy.handler.DriftHandler;
import io.driftdeploy.handler.ImagesHandler;
import io.driftdeploy.handler.RefreshesHandler;
import io.driftdeploy.orchestration.Telemetry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The four functions by the names people type, each with the way to build its real handler. */
final class Functions {

    /** Builds a handler the way its Lambda entry point does, but from the CLI's settings and clients. */
    @FunctionalInterface
    interface HandlerFactory {
        RequestStreamHandler create(Settings settings, AwsClients aws, Clock clock, Telemetry telemetry);
    }

    private static final Map<String, HandlerFactory> HANDLERS = handlers();

    static final List<String> NAMES = List.copyOf(HANDLERS.keySet());

    private Functions() {
    }

    private static Map<String, HandlerFactory> handlers() {
        Map<String, HandlerFactory> handlers = new LinkedHashMap<>();
        handlers.put("drift", DriftHandler::new);
        handlers.put("images", ImagesHandler::new);
        handlers.put("refreshes", RefreshesHandler::new);
        handlers.put("alarms", AlarmsHandler::new);
        return handlers;
    }

    /** The factory of a function in {@link #NAMES}. */
    static HandlerFactory handler(String name) {
        return HANDLERS.get(name);
    }
}
