package io.driftdeploy.cli.aws;

import io.driftdeploy.aws.AutoScalingFleet;
import io.driftdeploy.aws.RequiresIam;
import io.driftdeploy.config.TagMatcher;
import io.driftdeploy.policy.ReplacementChoice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Filter;

/** The Auto Scaling groups a person asks about, read only: by name, or every group opted in to drift-deploy. */
public record AutoScalingGroups(AutoScalingClient autoScaling) {

    /**
     * DescribeAutoScalingGroups takes at most 50 names a call ("AutoScalingGroupNames ... By default,
     * you can only specify up to 50 names", Amazon EC2 Auto Scaling API Reference,
     * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAutoScalingGroups.html).
     */
    static final int NAMES_PER_CALL = 50;

    /** A group as status shows it: its tags, the counts the capacity guard and the budgets judge, and its room to surge. */
    public record Group(String name, Map<String, String> tags, int desiredCapacity, int healthyInService,
                        ReplacementChoice.Room room) {
    }

    /** autoscaling:DescribeAutoScalingGroups by name; a name AWS knows no group by is left out. */
    @RequiresIam("autoscaling:DescribeAutoScalingGroups")
    public List<Group> named(Collection<String> names) {
        List<String> all = List.copyOf(names);
        List<Group> groups = new ArrayList<>();
        for (int from = 0; from < all.size(); from += NAMES_PER_CALL) {
            List<String> chunk = all.subList(from, Math.min(from + NAMES_PER_CALL, all.size()));
            autoScaling.describeAutoScalingGroupsPaginator(request -> request.autoScalingGroupNames(chunk))
                    .autoScalingGroups().forEach(group -> groups.add(group(group)));
        }
        return sorted(groups);
    }

    /**
     * autoscaling:DescribeAutoScalingGroups filtered by tag: every group opted in to drift
     * remediation ({@code optIn}) or to rollouts (it carries the {@code appTag}). Filters of one
     * call must all match ("the filters are automatically logically joined with an AND", Amazon EC2
     * Auto Scaling API Reference, https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Filter.html),
     * hence a call for each; a group with both is listed once.
     */
    @RequiresIam("autoscaling:DescribeAutoScalingGroups")
    public List<Group> optedIn(TagMatcher optIn, String appTag) {
        Filter remediated = optIn.value() == null
                ? Filter.builder().name("tag-key").values(optIn.key()).build()
                : Filter.builder().name("tag:" + optIn.key()).values(optIn.value()).build();
        Filter rolledOut = Filter.builder().name("tag-key").values(appTag).build();
        Map<String, Group> byName = new TreeMap<>();
        for (Filter filter : List.of(remediated, rolledOut)) {
            autoScaling.describeAutoScalingGroupsPaginator(request -> request.filters(filter))
                    .autoScalingGroups().forEach(group -> byName.putIfAbsent(group.autoScalingGroupName(), group(group)));
        }
        return List.copyOf(byName.values());
    }

    private static Group group(AutoScalingGroup group) {
        return new Group(group.autoScalingGroupName(), AutoScalingFleet.tags(group), group.desiredCapacity(),
                AutoScalingFleet.healthyInService(group), AutoScalingFleet.room(group));
    }

    private static List<Group> sorted(List<Group> groups) {
        return groups.stream().sorted(Comparator.comparing(Group::name)).toList();
    }
}
