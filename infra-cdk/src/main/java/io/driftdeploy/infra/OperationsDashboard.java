package io.driftdeploy.infra;

import io.driftdeploy.infra.DriftDeployFunction.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.HorizontalAnnotation;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.constructs.Construct;

/**
 * One CloudWatch dashboard for the people who run drift-deploy: what it decided and why, what it
 * terminated and rolled out, its storm alerts, what waits in the dead-letter queues, and how long
 * the drift alarm's sweeps take against their timeout. The decision metrics are the embedded
 * metrics the functions print (namespace DriftDeploy); a SEARCH expression graphs one line per
 * reason as reasons appear, so a new reason needs no change here ("Using search expressions in
 * graphs", Amazon CloudWatch User Guide).
 */
public final class OperationsDashboard extends Construct {

    static final String NAMESPACE = "DriftDeploy";
    private static final Duration PERIOD = Duration.minutes(5);

    private final Dashboard dashboard;

    public OperationsDashboard(Construct scope, String id, Settings settings, Map<Kind, DriftDeployFunction> functions) {
        super(scope, id);
        dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(settings.stackPrefix() + "-operations")
                .build();
        dashboard.addWidgets(TextWidget.Builder.create()
                .markdown("# drift-deploy\nDecisions by reason, terminations, rollouts, storm alerts, dead letters and "
                        + "sweeps. Why one instance, group or image was decided so: `drift-deploy history`; the rules: docs/safety-rules.md.")
                .width(24).height(2).build());
        dashboard.addWidgets(
                graph("Drift: terminated, and not terminated by reason", List.of(
                        metric("Terminated", "Function", functionName(Kind.DRIFT), "terminated (drift events)"),
                        metric("Terminated", "Function", functionName(Kind.ALARMS), "terminated (drift alarm sweeps)"),
                        search("NotTerminated", "Function,Reason", "not terminated"))),
                graph("Rollouts: decisions by decision and reason", List.of(
                        search("Decisions", "Decision,Function,Reason", "rollout"))));
        dashboard.addWidgets(
                graph("Storm alerts (remediation paused)", List.of(search("StormAlerts", "Function,Scope", "storm"))),
                graph("Non-compliant instances (what the drift alarm watches)", List.of(Metric.Builder.create()
                        .namespace(NAMESPACE).metricName("NonCompliantInstances").statistic("Sum").period(PERIOD)
                        .label("non-compliant instances").build())));
        List<IMetric> deadLetters = new ArrayList<>();
        functions.forEach((kind, function) -> deadLetters.add(function.deadLetterQueue()
                .metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .statistic("Maximum").period(PERIOD).label(kind.id() + " dead letters").build())));
        dashboard.addWidgets(
                graph("Dead-letter queues: events that failed after every retry", deadLetters),
                GraphWidget.Builder.create()
                        .title("Drift alarm sweeps: duration against the timeout")
                        .left(List.of(Metric.Builder.create()
                                .namespace(NAMESPACE).metricName("SweepDuration")
                                .dimensionsMap(Map.of("Function", functionName(Kind.ALARMS)))
                                .statistic("Maximum").period(PERIOD).label("sweep (ms)").build()))
                        .leftAnnotations(List.of(HorizontalAnnotation.builder()
                                .value(settings.sweepTimeoutSeconds() * 1000).label("timeout").build()))
                        .width(12).build());
    }

    public Dashboard dashboard() {
        return dashboard;
    }

    /** The function's name as its metrics' Function dimension gives it: drift, images, refreshes, alarms. */
    static String functionName(Kind kind) {
        return kind.id().toLowerCase(Locale.ROOT);
    }

    private static GraphWidget graph(String title, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(new ArrayList<>(metrics)).width(12).build();
    }

    private static Metric metric(String name, String dimension, String value, String label) {
        return Metric.Builder.create().namespace(NAMESPACE).metricName(name).dimensionsMap(Map.of(dimension, value))
                .statistic("Sum").period(PERIOD).label(label).build();
    }

    /** One line per combination of the dimensions, summed per period: a line for each reason as it appears. */
    private static MathExpression search(String metricName, String dimensions, String label) {
        return MathExpression.Builder.create()
                .expression("SEARCH('{" + NAMESPACE + "," + dimensions + "} MetricName=\"" + metricName + "\"', 'Sum', "
                        + PERIOD.toSeconds() + ")")
                .label(label)
                .period(PERIOD)
                .build();
    }
}
