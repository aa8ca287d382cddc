package io.driftdeploy.aws;

import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ApiName;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Ties each call in a member account to the decision that made it, in that account's CloudTrail.
 * A role session's name is fixed when the role is assumed, and the member role's credentials are
 * kept per account for their lifetime rather than assumed anew per event (an AssumeRole call per
 * decision would add a call and STS's latency to each, and its quota to a drift storm), so the
 * session names the function and the decision travels in the call's User-Agent, which CloudTrail
 * records as {@code userAgent} ("CloudTrail record contents", AWS CloudTrail User Guide).
 *
 * <p>The decision is the calling thread's: a decision runs on one thread, and the SDK's
 * synchronous clients call interceptors on the thread that made the call. A retry of the call
 * carries the same request, and so the same decision.
 */
public final class DecisionAttribution implements ExecutionInterceptor {

    /** What precedes the decision's id in the User-Agent. */
    private static final String NAME = "drift-deploy-decision";
    public static final String PRODUCT = NAME + "/";
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
    /** RFC 9110's token characters, which a User-Agent product version must be made of. */
    private static final Pattern NOT_TOKEN = Pattern.compile("[^A-Za-z0-9!#$%&'*+.^_`|~-]");
    private static final int MAX_ID = 200;

    /** The scope of one decision; closing it restores what the thread had before. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Calls this thread makes until the scope is closed carry {@code decisionId}. */
    public static Scope of(String decisionId) {
        String previous = CURRENT.get();
        CURRENT.set(token(decisionId));
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    static String token(String decisionId) {
        String token = NOT_TOKEN.matcher(decisionId).replaceAll("_");
        return token.length() <= MAX_ID ? token : token.substring(0, MAX_ID);
    }

    /**
     * The decision joins the call's User-Agent as an API name, which the SDK appends as
     * {@code drift-deploy-decision/<id>} when it writes the header (after the interceptors' HTTP
     * hooks, which therefore cannot set it).
     */
    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes executionAttributes) {
        String decision = CURRENT.get();
        if (decision == null || !(context.request() instanceof AwsRequest request)) {
            return context.request();
        }
        AwsRequestOverrideConfiguration.Builder override = request.overrideConfiguration()
                .map(AwsRequestOverrideConfiguration::toBuilder).orElseGet(AwsRequestOverrideConfiguration::builder);
        return request.toBuilder().overrideConfiguration(override
                .addApiName(ApiName.builder().name(NAME).version(decision).build()).build()).build();
    }
}
