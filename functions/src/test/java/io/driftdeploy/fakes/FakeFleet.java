package io.driftdeploy.fakes;

import io.driftdeploy.aws.Fleet;
import io.driftdeploy.policy.GroupFacts;
import io.driftdeploy.policy.GroupFacts.LaunchTemplateRef;
import io.driftdeploy.policy.GroupFacts.MaintenancePolicy;
import io.driftdeploy.policy.InstanceFacts;
import io.driftdeploy.policy.InstanceState;
import io.driftdeploy.policy.ReplacementPolicy.TemplateVersionFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * EC2 and Auto Scaling in memory: groups of instances, their refreshes, launch templates and
 * image tags. Terminating an instance takes it out of service as Auto Scaling does (the group then
 * launches a replacement, which the test adds when it needs one). Every call is logged, so a test
 * can say which facts a decision read.
 */
public final class FakeFleet implements Fleet {

    private static final class Member {
        final String id;
        String group;
        final Map<String, String> tags;
        InstanceState state = InstanceState.RUNNING;
        String lifecycle = GroupFacts.IN_SERVICE;
        boolean scaleInProtected;
        boolean unhealthy;
        Optional<String> imageId = Optional.of("ami-0golden");
        Instant launchedAt = Instant.parse("2026-01-01T00:00:00Z");

        Member(String id, String group, Map<String, String> tags) {
            this.id = id;
            this.group = group;
            this.tags = new HashMap<>(tags);
        }
    }

    private static final class Group {
        final String name;
        final Map<String, String> tags;
        Optional<LaunchTemplateRef> launchTemplate = Optional.empty();
        Refreshes refreshes = new Refreshes(false, Optional.empty());
        /** Set for a group whose desired capacity the test keeps (a surge group); else its live members. */
        OptionalInt desired = OptionalInt.empty();
        int maxSize = Integer.MAX_VALUE;
        Optional<MaintenancePolicy> maintenancePolicy = Optional.empty();

        Group(String name, Map<String, String> tags) {
            this.name = name;
            this.tags = tags;
        }
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<String, Member> instances = new LinkedHashMap<>();
    private final Map<LaunchTemplateRef, TemplateVersionFacts> templates = new HashMap<>();
    private final Map<String, Map<String, String>> imageTags = new HashMap<>();
    private final List<String> calls = new ArrayList<>();
    private Optional<RuntimeException> terminateFailure = Optional.empty();
    private boolean failedTerminationApplies;

    /** A group of {@code size} running, InService instances: {@link #member}(name, 1) ... */
    public FakeFleet group(String name, Map<String, String> tags, int size) {
        groups.put(name, new Group(name, Map.copyOf(tags)));
        for (int i = 1; i <= size; i++) {
            instance(member(name, i), name);
        }
        return this;
    }

    /** The id of the group's {@code index}th instance (from 1), an EC2 instance id as the events name them. */
    public static String member(String group, int index) {
        return String.format("i-%013x%04x", group.hashCode() & 0xffffffffL, index);
    }

    public FakeFleet instance(String instanceId, String group) {
        instances.put(instanceId, new Member(instanceId, group, Map.of()));
        return this;
    }

    /** An instance in no group. */
    public FakeFleet loneInstance(String instanceId) {
        instances.put(instanceId, new Member(instanceId, null, Map.of()));
        return this;
    }

    public FakeFleet state(String instanceId, InstanceState state) {
        instances.get(instanceId).state = state;
        return this;
    }

    public FakeFleet lifecycle(String instanceId, String lifecycle) {
        instances.get(instanceId).lifecycle = lifecycle;
        return this;
    }

    public FakeFleet launchedAt(String instanceId, Instant launchedAt) {
        instances.get(instanceId).launchedAt = launchedAt;
        return this;
    }

    public FakeFleet scaleInProtected(String instanceId) {
        instances.get(instanceId).scaleInProtected = true;
        return this;
    }

    /**
     * The group can surge: desired capacity fixed at its size now, maximum size {@code maxSize},
     * and an instance maintenance policy of {@code minHealthy}-{@code maxHealthy} %.
     */
    public FakeFleet sized(String group, int maxSize, int minHealthy, int maxHealthy) {
        Group sized = groups.get(group);
        sized.desired = OptionalInt.of((int) instances.values().stream().filter(member -> group.equals(member.group)).count());
        sized.maxSize = maxSize;
        sized.maintenancePolicy = Optional.of(new MaintenancePolicy(minHealthy, maxHealthy));
        return this;
    }

    /** Auto Scaling terminated the instance (a surge's last step): the group no longer lists it. */
    public FakeFleet gone(String instanceId) {
        Member member = instances.get(instanceId);
        member.state = InstanceState.TERMINATED;
        member.lifecycle = "Terminated";
        instances.remove(instanceId);
        return this;
    }

    public boolean unhealthy(String instanceId) {
        return instances.get(instanceId).unhealthy;
    }

    public List<String> surged() {
        return calls.stream().filter(call -> call.startsWith("surge ")).map(call -> call.substring("surge ".length())).toList();
    }

    public FakeFleet refreshing(String group, boolean inProgress, Optional<Instant> lastStarted) {
        groups.get(group).refreshes = new Refreshes(inProgress, lastStarted);
        return this;
    }

    public FakeFleet launchTemplate(String group, TemplateVersionFacts version) {
        LaunchTemplateRef ref = new LaunchTemplateRef(version.launchTemplateId(), Long.toString(version.versionNumber()));
        groups.get(group).launchTemplate = Optional.of(ref);
        templates.put(ref, version);
        return this;
    }

    public FakeFleet imageTags(String imageId, Map<String, String> tags) {
        imageTags.put(imageId, Map.copyOf(tags));
        return this;
    }

    public FakeFleet image(String instanceId, String imageId) {
        instances.get(instanceId).imageId = Optional.of(imageId);
        return this;
    }

    /**
     * The next terminations and surges fail with {@code failure}; {@code applied}: Auto Scaling
     * terminated the instance (marked it Unhealthy) all the same.
     */
    public FakeFleet failTerminations(RuntimeException failure, boolean applied) {
        terminateFailure = Optional.of(failure);
        failedTerminationApplies = applied;
        return this;
    }

    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** What EC2 CreateTags does to the instance (the quarantine port's writes land here, see FakeQuarantine). */
    public FakeFleet tag(String instanceId, Map<String, String> tags) {
        instances.get(instanceId).tags.putAll(tags);
        return this;
    }

    /** The instance's own tags (not the group-name tag Auto Scaling adds). */
    public Map<String, String> tags(String instanceId) {
        return Map.copyOf(instances.get(instanceId).tags);
    }

    public List<String> instanceIds() {
        return List.copyOf(instances.keySet());
    }

    /** The group lets the instance go (Auto Scaling DetachInstances): it keeps running, in no group. */
    public FakeFleet detach(String instanceId) {
        instances.get(instanceId).group = null;
        return this;
    }

    /** The group the instance is a member of, if any. */
    public Optional<String> groupOf(String instanceId) {
        return Optional.ofNullable(instances.get(instanceId)).map(member -> member.group);
    }

    public List<String> terminated() {
        return calls.stream().filter(call -> call.startsWith("terminate ")).map(call -> call.substring("terminate ".length()))
                .toList();
    }

    public InstanceState state(String instanceId) {
        return instances.get(instanceId).state;
    }

    @Override
    public Optional<InstanceFacts> describe(String instanceId) {
        calls.add("describe " + instanceId);
        return described(instanceId);
    }

    /** One call for them all, logged as {@code describeAll} and the ids. */
    @Override
    public Map<String, Optional<InstanceFacts>> describeAll(Collection<String> instanceIds) {
        calls.add("describeAll " + String.join(",", instanceIds));
        Map<String, Optional<InstanceFacts>> described = new LinkedHashMap<>();
        instanceIds.forEach(instanceId -> described.put(instanceId, described(instanceId)));
        return described;
    }

    private Optional<InstanceFacts> described(String instanceId) {
        return Optional.ofNullable(instances.get(instanceId)).map(member -> {
            Map<String, String> tags = new HashMap<>(member.tags);
            if (member.group != null) {
                tags.put("aws:autoscaling:groupName", member.group);
            }
            return new InstanceFacts(member.id, member.state, tags, member.imageId, Optional.of(member.launchedAt),
                    Optional.ofNullable(member.group).map(groups::get).map(group -> facts(group, member)));
        });
    }

    private GroupFacts facts(Group group, Member member) {
        List<Member> members = instances.values().stream().filter(other -> group.name.equals(other.group)).toList();
        int healthy = (int) members.stream()
                .filter(other -> other.state.isLive() && GroupFacts.IN_SERVICE.equals(other.lifecycle) && !other.unhealthy).count();
        int live = (int) members.stream().filter(other -> !other.state.isGone()).count();
        return new GroupFacts(group.name, group.tags, group.desired.orElse(Math.max(live, healthy)), healthy, member.lifecycle,
                member.scaleInProtected, group.launchTemplate,
                members.stream().map(other -> other.id).collect(Collectors.toSet()), group.maxSize, group.maintenancePolicy,
                members.stream().filter(other -> other.unhealthy && !other.lifecycle.startsWith("Terminat"))
                        .map(other -> other.id).collect(Collectors.toSet()));
    }

    @Override
    public Refreshes refreshes(String groupName) {
        calls.add("refreshes " + groupName);
        return groups.get(groupName).refreshes;
    }

    @Override
    public String terminate(String instanceId) {
        calls.add("terminate " + instanceId);
        if (terminateFailure.isPresent()) {
            if (failedTerminationApplies) {
                takeOutOfService(instanceId);
            }
            throw terminateFailure.get();
        }
        takeOutOfService(instanceId);
        return "activity-" + instanceId;
    }

    @Override
    public void surge(String instanceId) {
        calls.add("surge " + instanceId);
        if (terminateFailure.isPresent()) {
            if (failedTerminationApplies) {
                instances.get(instanceId).unhealthy = true;
            }
            throw terminateFailure.get();
        }
        instances.get(instanceId).unhealthy = true;
    }

    private void takeOutOfService(String instanceId) {
        Member member = instances.get(instanceId);
        member.state = InstanceState.SHUTTING_DOWN;
        member.lifecycle = "Terminating";
    }

    @Override
    public Optional<TemplateVersionFacts> templateVersion(LaunchTemplateRef template) {
        calls.add("templateVersion " + template.launchTemplateId());
        return Optional.ofNullable(templates.get(template));
    }

    @Override
    public Optional<Map<String, String>> imageTags(String imageId) {
        calls.add("imageTags " + imageId);
        return imageId.startsWith("ami-") ? Optional.of(imageTags.getOrDefault(imageId, Map.of())) : Optional.empty();
    }
}
