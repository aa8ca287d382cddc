package io.driftdeploy.infra;

import io.driftdeploy.infra.DriftDeployFunction.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What each function does to the fleet: the reads it makes (on {@code *}, as those calls allow) and
 * the writes it may make, each confined by {@link FunctionPermissions} to tagged groups, templates
 * and instances. Defined once: the function's own role gets its access in the account it runs in
 * (FunctionsStack), and the member role of a member account gets every function's, united, for the
 * calls the functions make there with it (MemberStack), so the two cannot drift apart.
 *
 * @param reads read-only actions, in the order the role's statement lists them
 * @param writes the writes, in the order their statements are added
 */
record FleetAccess(List<String> reads, Set<Write> writes) {

    /** The writes, each one set of statements of FunctionPermissions (the method of the same name). */
    enum Write {
        TERMINATE_IN_OPTED_IN_GROUPS,
        QUARANTINE_IN_OPTED_IN_GROUPS,
        END_QUARANTINES,
        READ_IMAGE_BUILDER_IMAGES,
        ROLL_OUT_TO_APP_GROUPS
    }

    /**
     * The services the functions call in a member account with its member role: its fleet (EC2 and
     * Auto Scaling), its Config rules, its Image Builder images, its instance roles passed to EC2,
     * and its alarms' definitions (a member's rollout guard alarm is read there, the one read the
     * functions make of CloudWatch). Everything else (the ledger, the topic, the queue, metrics,
     * tracing, the organization's tree) stays in the account the functions run in, with their own role.
     */
    static final Set<String> MEMBER_SERVICES = Set.of("ec2", "autoscaling", "config", "imagebuilder", "iam", "cloudwatch");

    /** What the drift path reads: the instance, its group, its compliance, and what a replacement would launch. */
    private static final List<String> DRIFT_PATH_READS = List.of(
            "ec2:DescribeInstances",
            "autoscaling:DescribeAutoScalingGroups",
            "autoscaling:DescribeInstanceRefreshes",
            "config:GetComplianceDetailsByResource",
            // Rule 9: which managed rule a drift rule runs, and what the group's replacement would launch with.
            "config:DescribeConfigRules",
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:DescribeImages",
            // Quarantine: whether its snapshots were taken already.
            "ec2:DescribeSnapshots");

    /** What the rollout path reads: the image, the app's templates and groups, and their refreshes. */
    private static final List<String> ROLLOUT_READS = List.of(
            "ec2:DescribeImages",
            "ec2:DescribeLaunchTemplates",
            "ec2:DescribeLaunchTemplateVersions",
            "autoscaling:DescribeAutoScalingGroups",
            "autoscaling:DescribeInstanceRefreshes");

    /** The drift path's actions: termination and quarantine, only in groups that opted in. */
    private static final Set<Write> DRIFT_PATH_WRITES =
            EnumSet.of(Write.TERMINATE_IN_OPTED_IN_GROUPS, Write.QUARANTINE_IN_OPTED_IN_GROUPS);

    /** The rollout path's: Image Builder images resolved to their AMI, and a refresh of each app group. */
    private static final Set<Write> ROLLOUT_WRITES =
            EnumSet.of(Write.READ_IMAGE_BUILDER_IMAGES, Write.ROLL_OUT_TO_APP_GROUPS);

    static FleetAccess of(Kind kind) {
        return switch (kind) {
            // The drift function decides each compliance-change event through the drift path.
            case DRIFT -> new FleetAccess(DRIFT_PATH_READS, DRIFT_PATH_WRITES);
            // The drift alarm's sweep runs every non-compliant instance through the drift path; a guard
            // alarm's notification names the image its refresh rolls out (DescribeLaunchTemplateVersions).
            case ALARMS -> new FleetAccess(
                    reads(List.of("cloudwatch:DescribeAlarms", "config:GetComplianceDetailsByConfigRule"), DRIFT_PATH_READS),
                    DRIFT_PATH_WRITES);
            // The scheduled sweep lists the drift rules' results and decides each through the drift path,
            // catches each app up to its newest golden image through the rollout path (docs/sweep.md), and
            // ends the quarantines whose retention is over (docs/quarantine.md, "Retention").
            case SWEEP -> {
                Set<Write> writes = EnumSet.copyOf(DRIFT_PATH_WRITES);
                writes.add(Write.END_QUARANTINES);
                writes.addAll(ROLLOUT_WRITES);
                yield new FleetAccess(
                        reads(List.of("config:GetComplianceDetailsByConfigRule", "ec2:DescribeLaunchTemplates"),
                                DRIFT_PATH_READS),
                        writes);
            }
            // A new golden image rolls out to its app's groups.
            case IMAGES -> new FleetAccess(ROLLOUT_READS, ROLLOUT_WRITES);
            // A finished refresh may start the rollout that was waiting for its group: the same rollout
            // path, which resolves an Image Builder image to its AMI (a pending image is an AMI already,
            // but the path is one).
            case REFRESHES -> new FleetAccess(ROLLOUT_READS, ROLLOUT_WRITES);
        };
    }

    /** Whether the function runs the drift path, whose ledger use counts (rates, capacity holds). */
    boolean runsDriftPath() {
        return writes.contains(Write.TERMINATE_IN_OPTED_IN_GROUPS);
    }

    /**
     * What a member role must allow so that every one of {@code accesses} works in the member: their
     * reads and writes united, each once, without what stays in the account the functions run in.
     */
    static FleetAccess inMember(Collection<FleetAccess> accesses) {
        Set<String> reads = new LinkedHashSet<>();
        Set<Write> writes = EnumSet.noneOf(Write.class);
        for (FleetAccess access : accesses) {
            access.reads().stream().filter(FleetAccess::isMemberSide).forEach(reads::add);
            writes.addAll(access.writes());
        }
        return new FleetAccess(List.copyOf(reads), writes);
    }

    static boolean isMemberSide(String action) {
        return MEMBER_SERVICES.contains(action.substring(0, action.indexOf(':')));
    }

    private static List<String> reads(List<String> own, List<String> path) {
        List<String> reads = new ArrayList<>(own);
        reads.addAll(path);
        return List.copyOf(reads);
    }
}
