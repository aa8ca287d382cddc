package io.driftdeploy.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.SnapStartPrime;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.InvalidEventException;
import io.driftdeploy.policy.AccountTrust;
import io.driftdeploy.policy.Rejection;
import io.driftdeploy.orchestration.Result;
import io.driftdeploy.orchestration.Rollouts;
import io.driftdeploy.orchestration.Telemetry;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the images and refreshes functions share: parse the event (a bad one is rejected and
 * nothing is done), handle it once per event id, and return every decision.
 *
 * @param <E> the parsed event
 */
public abstract class RolloutFunction<E> implements RequestStreamHandler {

    private final String function;
    private final String accountId;
    final Rollouts rollouts;
    /**
     * SnapStart's hook, for a function built on AWS clients; held here because the runtime holds
     * hooks only weakly. A function built on ports has no clients to prime, so none.
     */
    final Optional<SnapStartPrime> snapStart;

    /**
     * On AWS clients, through the composition root {@link Rollouts#wire}.
     *
     * @param sample the function's SnapStart prime decides this event from events/ ...
     * @param twin   ... with the function's handler on the clients given, logging nowhere
     */
    RolloutFunction(String function, Settings settings, AwsClients aws, Clock clock, Telemetry telemetry, String sample,
                    Function<AwsClients, Priming.Decider> twin) {
        this(function, settings, Rollouts.wire(settings, aws, clock, telemetry), Optional.of(Priming.of(settings, aws, sample, twin)));
    }

    /** On the rollout path given, built on ports (the fast tests' fakes). */
    RolloutFunction(String function, Settings settings, Rollouts rollouts) {
        this(function, settings, rollouts, Optional.empty());
    }

    private RolloutFunction(String function, Settings settings, Rollouts rollouts, Optional<SnapStartPrime> snapStart) {
        this.function = function;
        this.accountId = settings.accountId();
        this.rollouts = rollouts;
        this.snapStart = snapStart;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) {
        HandlerIo.writeJson(output, handle(HandlerIo.readAll(input), HandlerIo.deadline(context, rollouts.clock())));
    }

    /** Handles one event outside Lambda (tests, the CLI): see {@link HandlerIo#WITHOUT_CONTEXT}. */
    public final Result handle(byte[] json) {
        return handle(json, HandlerIo.deadlineWithoutContext(rollouts.clock()));
    }

    /** Handles one event in an invocation that ends by {@code deadline}; returns what was decided. */
    public final Result handle(byte[] json, Instant deadline) {
        E event;
        try {
            event = parse(json);
        } catch (InvalidEventException invalid) {
            return rollouts.reporter().reject(function, invalid.field(), invalid.problem());
        }
        // Before the event is claimed: an event of another account leaves nothing in the ledger.
        Optional<Rejection> foreign = AccountTrust.foreignAccount(function, account(event), accountId);
        if (foreign.isPresent()) {
            return rollouts.reporter().reject(foreign.get());
        }
        return rollouts.once(function, eventId(event), subject(event), deadline, () -> decide(event));
    }

    abstract E parse(byte[] json);

    abstract String eventId(E event);

    /** The account the event names; it must be the function's own. */
    abstract String account(E event);

    /** What a duplicate's audit record is filed under. */
    abstract String subject(E event);

    abstract List<Rollouts.Reported> decide(E event);
}
