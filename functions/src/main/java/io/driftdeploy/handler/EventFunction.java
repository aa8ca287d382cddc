package io.driftdeploy.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.OrganizationsTree;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.InvalidEventException;
import io.driftdeploy.orchestration.Reporter;
import io.driftdeploy.orchestration.Result;
import io.driftdeploy.policy.AccountTrust;
import io.driftdeploy.policy.Rejection;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What every function's Lambda entry does: parse the event (one that cannot be acted on is
 * rejected naming the field, nothing is done, and the invocation returns normally, so Lambda does
 * not retry it), reject an event of an account it does not act in before anything is claimed, so
 * that it leaves nothing in the ledger, and hand the event over to the function's path.
 *
 * @param <E> the parsed event
 */
public abstract class EventFunction<E> implements RequestStreamHandler {

    /** Where the Java runtime puts the invocation's X-Ray trace header. */
    static final String TRACE_HEADER = "com.amazonaws.xray.traceHeader";

    private final String function;
    private final AccountTrust trust;
    private final Clock clock;

    /** A function that acts in its own account only. */
    EventFunction(String function, Settings settings, Clock clock) {
        this(function, AccountTrust.ownOnly(settings.accountId()), clock);
    }

    /** A function that acts in the accounts {@code trust} trusts. */
    EventFunction(String function, AccountTrust trust, Clock clock) {
        this.function = function;
        this.trust = trust;
        this.clock = clock;
    }

    /**
     * The accounts the settings name: the function's own, the member accounts listed, and those
     * AWS Organizations places under a member organization unit (asked only when units are set).
     */
    static AccountTrust members(Settings settings, AwsClients aws, Clock clock) {
        Settings.Members members = settings.members();
        if (members.organizationUnits().isEmpty()) {
            return AccountTrust.withMembers(settings.accountId(), members.accounts(), List.of(), account -> List.of());
        }
        OrganizationsTree tree = new OrganizationsTree(aws.organizations(), clock);
        return AccountTrust.withMembers(settings.accountId(), members.accounts(), members.organizationUnits(), tree::parentsOf);
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) {
        // No context: a process that runs the handler outside Lambda (HandlerIo.WITHOUT_CONTEXT).
        if (context != null) {
            reporter().telemetry().invoked(context.getFunctionName(), context.getAwsRequestId(), traceHeader(context));
        }
        HandlerIo.writeJson(output, handle(HandlerIo.readAll(input), HandlerIo.deadline(context, clock)));
    }

    /**
     * The invocation's X-Ray trace header: the context's, or else the system property the Java
     * runtime sets for each invocation (aws-lambda-java-runtime-interface-client, AWSLambda).
     */
    static Optional<String> traceHeader(Context context) {
        return Optional.ofNullable(context.getXrayTraceId()).or(() -> Optional.ofNullable(System.getProperty(TRACE_HEADER)));
    }

    /** Handles one raw event outside Lambda (tests, the CLI): see {@link HandlerIo#WITHOUT_CONTEXT}. */
    public final Result handle(byte[] json) {
        return handle(json, HandlerIo.deadlineWithoutContext(clock));
    }

    /** Handles one raw event in an invocation that ends by {@code deadline}; returns what was decided. */
    public final Result handle(byte[] json, Instant deadline) {
        E event;
        try {
            event = parse(json);
        } catch (InvalidEventException invalid) {
            return reporter().reject(function, invalid.field(), invalid.problem());
        }
        Optional<Rejection> foreign = trust.check(function, account(event));
        if (foreign.isPresent()) {
            return reporter().reject(foreign.get());
        }
        return decide(event, deadline);
    }

    final String function() {
        return function;
    }

    abstract E parse(byte[] json);

    /** The account the event names; it must be one the function acts in. */
    abstract String account(E event);

    /** Reports the function's rejections, as its path reports its decisions. */
    abstract Reporter reporter();

    /** Hands the event over to the function's path, in an invocation that ends by {@code deadline}. */
    abstract Result decide(E event, Instant deadline);
}
