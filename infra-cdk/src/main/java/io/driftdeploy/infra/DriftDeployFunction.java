package io.driftdeploy.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.Archive;
import software.amazon.awscdk.services.events.CfnArchive;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * One drift-deploy function with everything around it: its own role (no managed policies), its
 * log group with retention, SnapStart on published versions behind the {@code live} alias, and one
 * encrypted dead-letter queue that catches both undeliverable events (EventBridge) and invocations
 * that failed after Lambda's retries, with an alarm as soon as it holds a message.
 */
public final class DriftDeployFunction extends Construct {

    public static final String ALIAS_NAME = "live";

    /** The five handlers in the shaded jar (RequestStreamHandler, so the method is handleRequest). */
    public enum Kind {
        DRIFT("Drift", "DriftHandler"),
        IMAGES("Images", "ImagesHandler"),
        REFRESHES("Refreshes", "RefreshesHandler"),
        ALARMS("Alarms", "AlarmsHandler"),
        /** The scheduled sweep, fed by its queue (SweepQueue) rather than by EventBridge. */
        SWEEP("Sweep", "SweepHandler");

        private final String id;
        private final String handlerClass;

        Kind(String id, String handlerClass) {
            this.id = id;
            this.handlerClass = handlerClass;
        }

        public String id() {
            return id;
        }

        public String handler() {
            return "io.driftdeploy.handler." + handlerClass + "::handleRequest";
        }
    }

    private final Settings settings;
    private final IEventBus bus;
    private final Role role;
    private final Function function;
    private final Alias alias;
    private final Queue deadLetterQueue;
    private final Map<String, Archive> archives = new LinkedHashMap<>();
    private final String deadLetterAlarmName;

    public DriftDeployFunction(Construct scope, Kind kind, Code code, Map<String, String> environment,
            Settings settings, ITopic topic, IEventBus bus) {
        super(scope, kind.id());
        this.settings = settings;
        this.bus = bus;

        LogGroup logGroup = LogGroup.Builder.create(this, "Logs")
                .retention(settings.logRetention())
                .build();
        Role.Builder roleBuilder = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("drift-deploy " + kind.id() + " function");
        // Named when serving an organization: each member role trusts these roles by ARN (MemberStack).
        role = (settings.servesOrganization() ? roleBuilder.roleName(roleName(settings, kind)) : roleBuilder).build();
        logGroup.grantWrite(role);

        function = Function.Builder.create(this, "Function")
                .description("drift-deploy " + kind.id().toLowerCase(java.util.Locale.ROOT))
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(kind.handler())
                .code(code)
                .memorySize(settings.functionMemoryMb())
                .timeout(Duration.seconds(kind == Kind.ALARMS
                        // The drift alarm's sweep decides every non-compliant instance in turn.
                        ? settings.sweepTimeoutSeconds() : settings.functionTimeoutSeconds()))
                .environment(environment)
                .role(role)
                .logGroup(logGroup)
                // Lambda's JSON log format: its own lines (START, REPORT) become JSON like ours, and
                // the level of our lines is filterable. The functions print one JSON object a line
                // and the Java runtime passes stdout through unchanged, so the embedded metric lines
                // still reach CloudWatch as EMF. Those have no level, which Lambda reads as INFO: an
                // application log level above INFO would drop the metrics the drift alarm watches
                // ("Log-level filtering", AWS Lambda Developer Guide).
                .loggingFormat(LoggingFormat.JSON)
                .applicationLogLevelV2(ApplicationLogLevel.INFO)
                .systemLogLevelV2(SystemLogLevel.INFO)
                // Lambda records a segment per invocation; the SDK passes the trace header on to
                // the AWS calls. X-Ray works with SnapStart ("Monitoring for Lambda SnapStart").
                .tracing(Tracing.ACTIVE)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .build();
        // CDK makes the function depend on its role construct: the role's default policy (not implied by
        // any reference, and needed: the function must not run before its permissions exist) and the role
        // itself, which Role's GetAtt already orders. cfn-lint's W3005 reports that second one as redundant.
        ((CfnFunction) function.getNode().getDefaultChild()).addMetadata("cfn-lint",
                Map.of("config", Map.of("ignore_checks", List.of("W3005"))));
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "every deploy publishes a version: the live alias below points at currentVersion");
        NagSuppressions.addResourceSuppressions(function, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-L1")
                .reason("The functions are built as Java 21 bytecode (project-wide release 21) and java21 is a "
                        + "supported LTS runtime with SnapStart; moving to a newer runtime is a deliberate upgrade "
                        + "of the whole build, not a deploy-time default")
                .build()));

        deadLetterQueue = Queue.Builder.create(this, "DeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(deadLetterQueue, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This queue is itself the dead-letter queue of the EventBridge targets and of the "
                        + "function's asynchronous invocations; a DLQ of a DLQ would only hide failures")
                .build()));

        // EventBridge invokes asynchronously: after Lambda's own retries, failed events land in the DLQ.
        alias = Alias.Builder.create(this, "Alias")
                .aliasName(ALIAS_NAME)
                .version(function.getCurrentVersion())
                .retryAttempts(2)
                .maxEventAge(Duration.minutes(Math.min(settings.targetMaxEventAgeMinutes(), 360)))
                .onFailure(new SqsDestination(deadLetterQueue))
                .build();

        // Named, so the alarms function's rule can be checked not to match it (see FunctionsStack).
        deadLetterAlarmName = settings.stackPrefix() + "-" + kind.id().toLowerCase(java.util.Locale.ROOT)
                + "-dead-letters";
        Alarm alarm = Alarm.Builder.create(this, "DeadLettersAlarm")
                .alarmName(deadLetterAlarmName)
                .alarmDescription("drift-deploy " + kind.id() + ": events failed and wait in the dead-letter queue")
                .metric(deadLetterQueue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .statistic("Maximum")
                        .period(Duration.minutes(5))
                        .build()))
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .threshold(0)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        // Straight to the topic, not through the alarms function: this alarm says functions are
        // failing, and a report that needs a working function to be told would fail with them.
        alarm.addAlarmAction(new SnsAction(topic));
    }

    /**
     * The name of the function's role when it serves an organization, {@code <stackPrefix>-<kind>-function}:
     * known to the member stacks before the role exists, so each member role can trust it
     * (Settings bounds the prefix so the longest fits IAM's 64 characters).
     */
    public static String roleName(Settings settings, Kind kind) {
        return settings.stackPrefix() + "-" + kind.id().toLowerCase(java.util.Locale.ROOT) + "-function";
    }

    /**
     * Routes one kind of event to this function: a rule on the default bus whose target retries and
     * dead-letters, and an archive with the same pattern so the events can be replayed.
     */
    public void addEventRule(String id, String description, EventPattern pattern) {
        Rule rule = Rule.Builder.create(this, id + "Rule")
                .description(description)
                .eventBus(bus)
                .eventPattern(pattern)
                .build();
        rule.addTarget(LambdaFunction.Builder.create(alias)
                .deadLetterQueue(deadLetterQueue)
                .retryAttempts(settings.targetRetryAttempts())
                .maxEventAge(Duration.minutes(settings.targetMaxEventAgeMinutes()))
                .build());
        Archive archive = Archive.Builder.create(this, id + "Archive")
                .description("Replayable copy of: " + description)
                .sourceEventBus(bus)
                .eventPattern(pattern)
                .retention(Duration.days(settings.archiveRetentionDays()))
                .build();
        // CDK writes KmsKeyIdentifier: "" for an archive without a customer key, which is not a valid
        // identifier and fails deploys in some regions (aws/aws-cdk#37847, fix in PR #37865 "omit
        // KmsKeyIdentifier from Archive when no KMS key is configured"). Without the property the
        // archive falls back to the default AWS owned key.
        ((CfnArchive) archive.getNode().getDefaultChild()).addPropertyDeletionOverride("KmsKeyIdentifier");
        archives.put(id, archive);
    }

    public Role role() {
        return role;
    }

    public Alias alias() {
        return alias;
    }

    public Function function() {
        return function;
    }

    public Queue deadLetterQueue() {
        return deadLetterQueue;
    }

    public String deadLetterAlarmName() {
        return deadLetterAlarmName;
    }

    /** The archive of each rule added with {@link #addEventRule}, by the rule's id. */
    public Map<String, Archive> archives() {
        return Collections.unmodifiableMap(archives);
    }
}
