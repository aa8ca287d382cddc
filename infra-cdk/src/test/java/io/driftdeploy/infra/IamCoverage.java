package io.driftdeploy.infra;

import io.driftdeploy.infra.AwsCallGraph.Need;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Compares what a function's code can need with what its role grants, in both directions: every
 * needed action must be allowed, and every mutating action allowed must be needed. Actions only,
 * not resources or conditions (IamPolicyTest checks those); IAM action names and wildcards are
 * matched case-insensitively, as IAM does.
 */
final class IamCoverage {

    private static final String XRAY_ACTIVE_TRACING = "Lambda's active tracing uploads the function's trace data with its "
            + "execution role (\"Visualize Lambda function invocations using AWS X-Ray\", "
            + "https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html)";

    /**
     * Granted for the Lambda service, which acts with the function's execution role, not for any
     * call of drift-deploy's code; each with why.
     */
    private static final String SQS_EVENT_SOURCE = "the SQS event source mapping receives, deletes and hands back the "
            + "queue's messages with the function's execution role";

    static final Map<String, String> RUNTIME_ACTIONS = new TreeMap<>(Map.of(
            "logs:CreateLogStream", "the Lambda runtime creates the function's log streams with its execution role",
            "logs:PutLogEvents", "the Lambda runtime writes the function's stdout/stderr to its log group with its execution role",
            "sqs:SendMessage", "Lambda sends the record of a failed asynchronous invocation to the alias's on-failure "
                    + "destination (the dead-letter queue) with the function's execution role (\"Capturing records of "
                    + "Lambda asynchronous invocations\", https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html)",
            "xray:PutTraceSegments", XRAY_ACTIVE_TRACING,
            "xray:PutTelemetryRecords", XRAY_ACTIVE_TRACING,
            // The sweep function's SQS event source mapping polls with the function's execution role, which needs
            // these ("Using Lambda with Amazon SQS", https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).
            "sqs:ReceiveMessage", SQS_EVENT_SOURCE,
            "sqs:DeleteMessage", SQS_EVENT_SOURCE,
            "sqs:ChangeMessageVisibility", SQS_EVENT_SOURCE));


    /** Describe/Get/List: reads, which may be granted without a call that needs them. */
    private static final Pattern READ_ONLY = Pattern.compile("[a-z0-9-]+:(Describe|Get|List)[A-Za-z*]*");

    private IamCoverage() {
    }

    /** Each problem as one line naming the function, the action and (for a missing one) the call path. */
    static List<String> problems(String function, Map<String, Need> needs, Collection<String> granted) {
        List<String> problems = new ArrayList<>(missing(function, needs, granted));
        problems.addAll(unneeded(function, needs, granted));
        return problems;
    }

    /** Needed actions no granted action allows. */
    static List<String> missing(String function, Map<String, Need> needs, Collection<String> granted) {
        List<String> problems = new ArrayList<>();
        for (Need need : needs.values()) {
            if (granted.stream().noneMatch(pattern -> matches(pattern, need.action()))) {
                problems.add(function + ": role lacks " + need.action() + ", needed via " + need.pathText());
            }
        }
        return problems;
    }

    /** Granted actions that change something (not Describe/Get/List, not the runtime's) and that nothing needs. */
    static List<String> unneeded(String function, Map<String, Need> needs, Collection<String> granted) {
        List<String> problems = new ArrayList<>();
        for (String pattern : granted) {
            if (READ_ONLY.matcher(pattern).matches() || RUNTIME_ACTIONS.containsKey(pattern)) {
                continue;
            }
            if (needs.keySet().stream().noneMatch(action -> matches(pattern, action))) {
                problems.add(function + ": role grants " + pattern
                        + ", which changes something, but no call its handler can reach needs it");
            }
        }
        return problems;
    }

    /** IAM's action matching: case-insensitive, {@code *} any run of characters, {@code ?} one. */
    static boolean matches(String pattern, String action) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toLowerCase(Locale.ROOT).toCharArray()) {
            regex.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return action.toLowerCase(Locale.ROOT).matches(regex.toString());
    }
}
