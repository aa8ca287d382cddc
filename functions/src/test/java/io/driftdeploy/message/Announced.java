package io.driftdeploy.message;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.aws.Notifier;
import io.driftdeploy.policy.Rejection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A notification as subscribers get it: the notifier writes its action and facts from the report
 * (or the rejection) it belongs to, so that is where tests read them.
 */
public final class Announced {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Announced() {
    }

    public static String action(Report report) {
        return Notifier.render(report).orElseThrow().attributes().get("action");
    }

    public static Map<String, Object> facts(Report report) {
        return facts(Notifier.render(report).orElseThrow());
    }

    public static String action(Rejection rejection) {
        return Notifier.render(rejection).attributes().get("action");
    }

    public static Map<String, Object> facts(Rejection rejection) {
        return facts(Notifier.render(rejection));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> facts(Notifier.Rendered rendered) {
        try {
            return (Map<String, Object>) JSON.readValue(rendered.body(), Map.class).get("facts");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
