package io.driftdeploy.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.TagProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.autoscaling.AdditionalHealthCheckType;
import software.amazon.awscdk.services.autoscaling.AdditionalHealthChecksOptions;
import software.amazon.awscdk.services.autoscaling.AutoScalingGroup;
import software.amazon.awscdk.services.autoscaling.HealthChecks;
import software.amazon.awscdk.services.autoscaling.RollingUpdateOptions;
import software.amazon.awscdk.services.autoscaling.UpdatePolicy;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.IMachineImage;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.MachineImage;
import software.amazon.awscdk.services.ec2.MachineImageConfig;
import software.amazon.awscdk.services.ec2.OperatingSystemType;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.TargetType;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The seed's blue/green fleet, opt-in by context: one VPC, an internal ALB whose target group both
 * groups attach to, and blue and green Auto Scaling groups on the golden AMI whose capacity follows
 * the {@code fleetBlueActive} switch. Tagged so drift-deploy manages them.
 */
public final class ExampleFleetStack extends Stack {

    /**
     * How much of a group must stay healthy while instances are replaced, one number for every path
     * that replaces them: drift-deploy's capacity guard (the group's min-healthy tag), the instance
     * maintenance policy (instance refreshes, health replacements) and CloudFormation's rolling
     * update. At the seed's 90 % a 2-instance group could never lose one, so drift-deploy refused
     * every termination; at 50 % it replaces one of two at a time.
     */
    static final int MIN_HEALTHY_PERCENTAGE = 50;
    static final int MAX_HEALTHY_PERCENTAGE = 100;

    /** Literal so security-group rules stay checkable (a CIDR token defeats cdk-nag's EC23). */
    static final String VPC_CIDR = "10.40.0.0/16";

    private final Role instanceRole;

    public ExampleFleetStack(Construct scope, String id, StackProps props, Settings settings) {
        super(scope, id, props);

        LogGroup flowLogs = LogGroup.Builder.create(this, "FlowLogs").retention(settings.logRetention()).build();
        Vpc vpc = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr(VPC_CIDR))
                .maxAzs(2)
                .natGateways(1)
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).build(),
                        SubnetConfiguration.builder().name("app").subnetType(SubnetType.PRIVATE_WITH_EGRESS).build()))
                .build();
        vpc.addFlowLog("FlowLog", FlowLogOptions.builder()
                .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                .build());

        SecurityGroup albSecurityGroup = SecurityGroup.Builder.create(this, "AlbSecurityGroup")
                .vpc(vpc)
                .description("Example fleet ALB: HTTP from inside the VPC")
                .build();
        albSecurityGroup.addIngressRule(Peer.ipv4(VPC_CIDR), Port.tcp(80), "HTTP from the VPC");
        ApplicationLoadBalancer alb = ApplicationLoadBalancer.Builder.create(this, "Alb")
                .vpc(vpc)
                .internetFacing(false)
                .securityGroup(albSecurityGroup)
                .build();
        NagSuppressions.addResourceSuppressions(alb, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-ELB2")
                .reason("Example fleet, internal and opt-in, that exists to demonstrate drift-deploy; access "
                        + "logs belong to the application team's own fleet definition")
                .build()));
        ApplicationTargetGroup targetGroup = ApplicationTargetGroup.Builder.create(this, "TargetGroup")
                .vpc(vpc)
                .port(80)
                .protocol(ApplicationProtocol.HTTP)
                .targetType(TargetType.INSTANCE)
                .build();
        alb.addListener("Http", BaseApplicationListenerProps.builder()
                .port(80)
                .protocol(ApplicationProtocol.HTTP)
                // The security group above decides who may connect, not a 0.0.0.0/0 rule of the listener.
                .open(false)
                .defaultTargetGroups(List.of(targetGroup))
                .build());

        SecurityGroup instanceSecurityGroup = SecurityGroup.Builder.create(this, "InstanceSecurityGroup")
                .vpc(vpc)
                .description("Example fleet instances: HTTP from the ALB only")
                .build();
        instanceSecurityGroup.addIngressRule(albSecurityGroup, Port.tcp(80), "HTTP from the ALB");

        // Systems Manager management is one of the drift rules, so the instances must be able to register.
        // Under instanceRolePath: drift-deploy may pass the roles there to EC2 when it starts a refresh.
        instanceRole = Role.Builder.create(this, "InstanceRole")
                .path(settings.instanceRolePath())
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore")))
                .build();
        NagSuppressions.addResourceSuppressions(instanceRole, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM4")
                .reason("AmazonSSMManagedInstanceCore is AWS's documented minimum for an SSM-managed instance, "
                        + "which the ec2-instance-managed-by-ssm drift rule requires")
                .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore"))
                .build()));

        IMachineImage goldenImage = goldenImage(settings);
        int blueDesired = settings.fleetBlueActive() ? settings.fleetDesiredCapacity() : 0;
        int blueMin = settings.fleetBlueActive() ? settings.fleetMinSize() : 0;
        int greenDesired = settings.fleetBlueActive() ? 0 : settings.fleetDesiredCapacity();
        int greenMin = settings.fleetBlueActive() ? 0 : settings.fleetMinSize();
        for (Color color : List.of(
                new Color("Blue", "blue", blueMin, blueDesired),
                new Color("Green", "green", greenMin, greenDesired))) {
            LaunchTemplate template = LaunchTemplate.Builder.create(this, color.id() + "LaunchTemplate")
                    .machineImage(goldenImage)
                    .instanceType(new InstanceType(settings.fleetInstanceType()))
                    .role(instanceRole)
                    .securityGroup(instanceSecurityGroup)
                    .requireImdsv2(true)
                    .blockDevices(List.of(BlockDevice.builder()
                            .deviceName("/dev/xvda")
                            .volume(BlockDeviceVolume.ebs(20, EbsDeviceOptions.builder()
                                    .encrypted(true)
                                    .volumeType(EbsDeviceVolumeType.GP3)
                                    .build()))
                            .build()))
                    .build();
            // drift-deploy may add versions only to templates that carry the app tag.
            Tags.of(template).add(settings.appTag(), settings.fleetAppName());

            AutoScalingGroup group = AutoScalingGroup.Builder.create(this, color.id() + "Group")
                    .vpc(vpc)
                    .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                    .launchTemplate(template)
                    .minCapacity(color.min())
                    .desiredCapacity(color.desired())
                    .maxCapacity(settings.fleetMaxSize())
                    .minHealthyPercentage(MIN_HEALTHY_PERCENTAGE)
                    .maxHealthyPercentage(MAX_HEALTHY_PERCENTAGE)
                    // Who owns the launch template version (infra-cdk/README.md, "The example fleet: prerequisite,
                    // capacity, and who owns its launch template version"): CloudFormation updates a resource property only when its
                    // template value changes ("Understand update behaviors of stack resources"), so the
                    // version drift-deploy's refresh set survives stack updates that leave the template
                    // alone. When the stack does change the template, CloudFormation makes a new version
                    // and moves the group to it; AutoScalingRollingUpdate then replaces the instances in
                    // batches of one, keeping MIN_HEALTHY_PERCENTAGE in service ("UpdatePolicy
                    // attribute"), instead of leaving old instances beside a silently switched version.
                    // CloudFormation has no instance-refresh update policy (aws-cloudformation/
                    // cloudformation-coverage-roadmap#2119, open), so a rolling update is the safe choice.
                    .updatePolicy(UpdatePolicy.rollingUpdate(RollingUpdateOptions.builder()
                            .maxBatchSize(1)
                            .minInstancesInService(color.desired() * MIN_HEALTHY_PERCENTAGE / 100)
                            .build()))
                    .healthChecks(HealthChecks.withAdditionalChecks(AdditionalHealthChecksOptions.builder()
                            .additionalTypes(List.of(AdditionalHealthCheckType.ELB))
                            .gracePeriod(Duration.minutes(5))
                            .build()))
                    .build();
            group.attachToApplicationTargetGroup(targetGroup);
            CfnOutput.Builder.create(this, color.id() + "GroupName").value(group.getAutoScalingGroupName())
                    .description("The " + color.name() + " Auto Scaling group").build();
            // Resetting the size on every deploy is the point: it is how fleetBlueActive switches colours.
            Annotations.of(group).acknowledgeWarning("@aws-cdk/aws-autoscaling:desiredCapacitySet",
                    "desired capacity follows the blue/green switch on purpose");
            Tags.of(group).add("Name", settings.fleetAppName() + "-" + color.name());
            Tags.of(group).add(settings.appTag(), settings.fleetAppName());
            Tags.of(group).add(settings.strategyTag(), "refresh");
            Tags.of(group).add(settings.optInTag().key(), settings.optInTag().value());
            // drift-deploy's capacity guard reads the group's own floor from this tag.
            Tags.of(group).add(settings.minHealthyTag(), Integer.toString(MIN_HEALTHY_PERCENTAGE),
                    TagProps.builder().applyToLaunchedInstances(false).build());
            NagSuppressions.addResourceSuppressions(group, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-AS3")
                    .reason("Scaling and refresh events reach drift-deploy through EventBridge, and its functions "
                            + "notify the drift-deploy topic; a second, SNS-based notification path would duplicate them")
                    .build()));
        }
    }

    /** The role the fleet's launch templates pass to EC2 (drift-deploy needs iam:PassRole on it). */
    public Role instanceRole() {
        return instanceRole;
    }

    private record Color(String id, String name, int min, int desired) {
    }

    /**
     * A fixed AMI from context, or the golden AMI parameter the image pipeline maintains. The
     * parameter must exist before the first deploy (infra-cdk/README.md, "The example fleet": aws ssm put-parameter); synth
     * cannot check it, as the app makes no lookups, and CloudFormation fails the deploy without it.
     * The pipeline keeps it at the image it rolls out, so a later stack update never goes back.
     */
    private static IMachineImage goldenImage(Settings settings) {
        if (settings.goldenAmiId().isEmpty()) {
            return MachineImage.fromSsmParameter(settings.goldenAmiParameter());
        }
        String amiId = settings.goldenAmiId();
        return scope -> MachineImageConfig.builder()
                .imageId(amiId)
                .osType(OperatingSystemType.LINUX)
                .userData(UserData.forLinux())
                .build();
    }
}
