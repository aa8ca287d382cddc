package io.driftdeploy.infra;

import io.driftdeploy.infra.DriftDeployFunction.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Match;

/**
 * The events the functions consume, one route per event kind, each with the narrowest pattern the
 * function can work with. The central account's rules deliver them to the functions (FunctionsStack);
 * a member account's rules forward exactly the same events to the central default bus (MemberStack),
 * so what a member sends and what the functions take are one definition.
 */
final class EventRoutes {

    /** The custom event a Packer pipeline (or the CLI) puts on the default bus for a new golden AMI. */
    static final String GOLDEN_IMAGE_PUBLISHED = "Golden Image Published";

    /**
     * One kind of event and the function it goes to; {@code id} names its rule and archive. Events of
     * one {@code source} and {@code detailType} (every detail-type starting with it when
     * {@code detailTypePrefix}), filtered on {@code detail} when it is not null.
     */
    record Route(Kind kind, String id, String description, String source, String detailType,
            boolean detailTypePrefix, Map<String, Object> detail) {

        EventPattern pattern() {
            EventPattern.Builder pattern = EventPattern.builder()
                    .source(List.of(source))
                    .detailType(detailTypePrefix ? Match.prefix(detailType) : List.of(detailType));
            return detail == null ? pattern.build() : pattern.detail(detail).build();
        }

        /** The detail-type as an IAM {@code StringLike} value: a prefix ends in {@code *}. */
        String detailTypeLike() {
            return detailTypePrefix ? detailType + "*" : detailType;
        }
    }

    private EventRoutes() {
    }

    /** Every route, for the drift rules {@code driftRuleNames} (the stack's own and the operator's existing ones). */
    static List<Route> of(Settings settings, List<String> driftRuleNames) {
        return List.of(
                new Route(Kind.DRIFT, "ConfigCompliance",
                        "AWS Config compliance changes of EC2 instances under drift-deploy's drift rules",
                        "aws.config", "Config Rules Compliance Change", false, sorted(Map.of(
                                "configRuleName", driftRuleNames,
                                // The seed's inventory rule evaluates SSM inventory, keyed by the instance id;
                                // on-premises managed instances (mi-...) have nothing to replace.
                                "resourceType", List.of("AWS::EC2::Instance", "AWS::SSM::ManagedInstanceInventory"),
                                "resourceId", List.of(Map.of("prefix", "i-")),
                                // COMPLIANT too: a later COMPLIANT cancels an earlier NON_COMPLIANT.
                                "newEvaluationResult", Map.of("complianceType", List.of("NON_COMPLIANT", "COMPLIANT"))))),
                new Route(Kind.IMAGES, "AmiAvailable", "EC2 AMIs that became available",
                        "aws.ec2", "EC2 AMI State Change", false, Map.of("State", List.of("available"))),
                new Route(Kind.IMAGES, "ImageBuilderAvailable", "EC2 Image Builder images that became AVAILABLE",
                        "aws.imagebuilder", "EC2 Image Builder Image State Change", false,
                        Map.of("state", Map.of("status", List.of("AVAILABLE")))),
                new Route(Kind.IMAGES, "GoldenImagePublished", "Golden images announced by the image pipeline",
                        settings.goldenImageEventSource(), GOLDEN_IMAGE_PUBLISHED, false, null),
                new Route(Kind.REFRESHES, "InstanceRefresh", "EC2 Auto Scaling instance refresh events",
                        "aws.autoscaling", "EC2 Auto Scaling Instance Refresh", true, null),
                // Every state (ALARM, OK, INSUFFICIENT_DATA: the function reports recoveries too), but only of
                // the alarms drift-deploy acts on, by name, with EventBridge content filtering (exact values
                // and prefix matching, "Content filtering in Amazon EventBridge event patterns"). Guard alarms
                // that only group tags name must carry the alarmNamePrefix to be heard.
                new Route(Kind.ALARMS, "AlarmStateChange",
                        "CloudWatch alarm state changes of the drift and rollout guard alarms",
                        "aws.cloudwatch", "CloudWatch Alarm State Change", false,
                        Map.of("alarmName", alarmsTheFunctionHears(settings).stream().map(AlarmName::filter).toList())));
    }

    /** One entry of the alarms rule's alarmName filter: an exact name or a prefix. */
    record AlarmName(String value, boolean prefix) {
        Object filter() {
            return prefix ? Map.of("prefix", value) : value;
        }

        boolean matches(String name) {
            return prefix ? name.startsWith(value) : name.equals(value);
        }
    }

    /** The drift alarm(s), the configured guard alarms, and every alarm named with the opt-in prefix. */
    static List<AlarmName> alarmsTheFunctionHears(Settings settings) {
        List<AlarmName> names = new ArrayList<>();
        names.add(new AlarmName(settings.driftAlarmName(), false));
        settings.guardAlarms().forEach(name -> names.add(new AlarmName(name, false)));
        if (!settings.driftAlarmPrefix().isEmpty()) {
            names.add(new AlarmName(settings.driftAlarmPrefix(), true));
        }
        names.add(new AlarmName(settings.alarmNamePrefix(), true));
        return List.copyOf(names);
    }

    /** Map.of iterates in a different order in every JVM; a template must not, so cdk synth is deterministic. */
    private static Map<String, Object> sorted(Map<String, Object> entries) {
        return new TreeMap<>(entries);
    }
}
