package io.driftdeploy.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.testing.Checkout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The app synthesized once per context for the whole test run: each synth spawns jsii work that
 * costs seconds, so test classes share these instead of building their own.
 */
final class SynthesizedApp {

    static final Path REPO_ROOT = Checkout.root();
    static final Path FUNCTIONS_JAR = REPO_ROOT.resolve("functions/target/drift-deploy-functions.jar");

    /** What a fresh deploy gets: cdk.json plus no context at all. */
    private static SynthesizedApp defaults;
    /** Every optional part switched on, with non-default values where a default would hide a bug. */
    private static SynthesizedApp everything;
    /** The seed's names (rules without prefix, its drift alarm, guard alarms app-blue-*), as events/ uses them. */
    private static SynthesizedApp seedNames;
    /** The central account of an organization: listed member accounts and organization units. */
    private static SynthesizedApp organization;
    /** The member stack alone, for a member of {@link #organization} (context memberOf). */
    private static SynthesizedApp member;

    static final String ORGANIZATION_ID = "o-a1b2c3d4e5";
    static final String MEMBER_ACCOUNT = "333333333333";
    static final List<String> MEMBER_UNITS = List.of("ou-ab12-11111111", "r-ab12");
    static final String CENTRAL_ACCOUNT = "111122223333";

    final DriftDeployApp.Stacks stacks;
    private final Map<Stack, Template> templates = new HashMap<>();

    private SynthesizedApp(Map<String, Object> context) {
        App app = new App(AppProps.builder().context(context(context)).build());
        stacks = DriftDeployApp.define(app);
    }

    static synchronized SynthesizedApp defaults() {
        if (defaults == null) {
            defaults = new SynthesizedApp(Map.of());
        }
        return defaults;
    }

    static synchronized SynthesizedApp everything() {
        if (everything == null) {
            everything = new SynthesizedApp(Map.ofEntries(
                    Map.entry("exampleFleet", "true"),
                    Map.entry("createConfigRecorder", "true"),
                    Map.entry("notificationEmails", "ops@example.com,oncall@example.com"),
                    Map.entry("alarmTopicArns", "arn:aws:sns:us-east-1:111111111111:existing-alarms"),
                    Map.entry("instanceRoleArns", "arn:aws:iam::111111111111:role/app-instance"),
                    Map.entry("driftRuleNames", "org-ec2-baseline"),
                    Map.entry("trustedAccounts", "111111111111,222222222222"),
                    Map.entry("apps", "shop,billing"),
                    Map.entry("guardAlarms", "app-5xx"),
                    Map.entry("quarantineVpcs", "vpc-0a1b2c3d4e5f60718,vpc-0fedcba9876543210"),
                    Map.entry("mode", "enforce"),
                    // An organization is an optional part too: the function roles' AssumeRole and organization reads.
                    Map.entry("organizationId", "o-f6g7h8i9j0"),
                    Map.entry("memberAccounts", "444444444444"),
                    Map.entry("memberOrganizationUnits", "ou-ab12-22222222"),
                    // cdk.json turns the schedule off; the stack's default turns it on.
                    Map.entry("sweepSchedule", "rate(1 hour)")));
        }
        return everything;
    }

    static synchronized SynthesizedApp seedNames() {
        if (seedNames == null) {
            seedNames = new SynthesizedApp(Map.of(
                    "driftRulePrefix", "",
                    "driftAlarmName", "config-drift-detected",
                    "alarmNamePrefix", "app-blue-"));
        }
        return seedNames;
    }

    static synchronized SynthesizedApp organization() {
        if (organization == null) {
            organization = new SynthesizedApp(Map.of(
                    "organizationId", ORGANIZATION_ID,
                    "memberAccounts", MEMBER_ACCOUNT,
                    "memberOrganizationUnits", String.join(",", MEMBER_UNITS),
                    "maxTerminationsPerOrganization", "25"));
        }
        return organization;
    }

    static synchronized SynthesizedApp member() {
        if (member == null) {
            member = new SynthesizedApp(Map.of("organizationId", ORGANIZATION_ID, "memberOf", CENTRAL_ACCOUNT));
        }
        return member;
    }

    /** Every stack the app defined. */
    List<Stack> allStacks() {
        return java.util.stream.Stream.of(stacks.notifications(), stacks.detection(), stacks.functions(), stacks.fleet(),
                stacks.organization(), stacks.member()).filter(java.util.Objects::nonNull).map(Stack.class::cast).toList();
    }

    /**
     * An ARN as CDK synthesizes a string built from pseudo parameters: Fn::Join of literal parts and
     * {@code Ref}s, where {@code "AWS::Partition"}, {@code "AWS::Region"} and {@code "AWS::AccountId"}
     * stand for the references.
     */
    static Map<String, Object> joined(String... parts) {
        List<Object> items = new ArrayList<>();
        for (String part : parts) {
            items.add(part.startsWith("AWS::") ? Map.of("Ref", part) : part);
        }
        return Map.of("Fn::Join", List.of("", items));
    }

    /** The template's resource policy of {@code policyType} denies every request not sent over TLS (enforceSsl). */
    static void deniesInsecureTransport(Template template, String policyType) {
        template.hasResourceProperties(policyType, Map.of("PolicyDocument", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
    }

    synchronized Template template(Stack stack) {
        return templates.computeIfAbsent(stack, Template::fromStack);
    }

    /** cdk.json's context (what `cdk synth` sees), the real functions jar, then the test's overrides. */
    static Map<String, Object> context(Map<String, Object> overrides) {
        if (!Files.isRegularFile(FUNCTIONS_JAR)) {
            throw new IllegalStateException("infra tests synthesize the real functions jar " + FUNCTIONS_JAR
                    + "; build it first: mvn -B -pl functions -am package -DskipTests (mvn verify from the root "
                    + "does this in order)");
        }
        Map<String, Object> context = new HashMap<>(cdkJsonContext());
        context.put("functionsJar", FUNCTIONS_JAR.toString());
        context.putAll(overrides);
        return context;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cdkJsonContext() {
        try {
            Map<String, Object> cdkJson = new ObjectMapper().readValue(
                    REPO_ROOT.resolve("infra-cdk/cdk.json").toFile(), Map.class);
            return (Map<String, Object>) cdkJson.getOrDefault("context", Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
