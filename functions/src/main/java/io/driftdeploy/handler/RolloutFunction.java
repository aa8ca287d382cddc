package io.driftdeploy.handler;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.SnapStartPrime;
import io.driftdeploy.config.Settings;
import io.driftdeploy.orchestration.Reporter;
import io.driftdeploy.orchestration.Result;
import io.driftdeploy.orchestration.Rollouts;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.policy.AccountTrust;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the images and refreshes functions share: each event is handled once per event id and
 * mode ({@link Rollouts#once}), and every decision is returned.
 *
 * @param <E> the parsed event
 */
public abstract class RolloutFunction<E> extends EventFunction<E> {

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
        this(function, members(settings, aws, clock), Rollouts.wire(settings, aws, clock, telemetry, function),
                Optional.of(Priming.of(settings, aws, sample, twin)));
    }

    /** On the rollout path given, built on ports (the fast tests' fakes). */
    RolloutFunction(String function, Settings settings, Rollouts rollouts) {
        this(function, AccountTrust.ownOnly(settings.accountId()), rollouts, Optional.empty());
    }

    private RolloutFunction(String function, AccountTrust trust, Rollouts rollouts, Optional<SnapStartPrime> snapStart) {
        super(function, trust, rollouts.clock());
        this.rollouts = rollouts;
        this.snapStart = snapStart;
    }

    @Override
    final Reporter reporter() {
        return rollouts.reporter();
    }

    @Override
    final Result decide(E event, Instant deadline) {
        return rollouts.once(function(), eventId(event), subject(event), deadline, () -> rollOut(event));
    }

    abstract String eventId(E event);

    /** What a duplicate's audit record is filed under. */
    abstract String subject(E event);

    /** The decisions on the event, one per group it concerns. */
    abstract List<Rollouts.Reported> rollOut(E event);
}
