package io.driftdeploy.fakes;

import io.driftdeploy.aws.RolloutFleet;
import io.driftdeploy.policy.GroupState.Capacity;
import io.driftdeploy.policy.GroupState.LaunchSource;
import io.driftdeploy.policy.GroupState.TemplateVersion;
import io.driftdeploy.policy.ObservedRefresh;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Auto Scaling groups on launch templates, in memory, as {@link io.driftdeploy.aws.AutoScalingRolloutFleet}
 * sees them: a new template version asked again for the same source and image is the one made the
 * first time (the client token); one refresh runs on a group at a time, so a start while one runs
 * is answered InstanceRefreshInProgress; a successful refresh to a version leaves the group on it.
 * StartInstanceRefresh can be made to fail in each way AWS can ({@link StartFailure}). Keeps the
 * calls made, in order.
 */
public final class FakeRolloutFleet implements RolloutFleet {

    /** How the next StartInstanceRefresh fails (RefreshStartFailureIT makes each against the emulator). */
    public enum StartFailure {
        /** AWS refuses it (AccessDenied for iam:PassRole): nothing starts. */
        REFUSED,
        /** The request never reaches AWS (connect timed out): no answer, nothing started. */
        NO_ANSWER_NOTHING_STARTED,
        /** The refresh starts and the answer is lost (read timed out). */
        NO_ANSWER_STARTED,
        /** The SDK retried a start whose answer was lost and met it: InstanceRefreshInProgress for our own refresh. */
        RETRY_MET_OWN_START,
        /** Someone started another refresh since the group was described: InstanceRefreshInProgress. */
        ANOTHER_REFRESH_STARTED
    }

    /** A launch template: the image of each version (version n at index n - 1), its tags and the client tokens it has seen. */
    private record Template(List<String> images, Map<String, String> tags, Map<String, Long> versionByClientToken) {
    }

    private static final class Group {
        private final String name;
        private final Map<String, String> tags;
        private final String launchTemplateId;
        private String version;
        /** Four instances, all serving, unless a test says otherwise. */
        private Capacity capacity = new Capacity(4, 4);

        private Group(String name, Map<String, String> tags, String launchTemplateId, String version) {
            this.name = name;
            this.tags = new HashMap<>(tags);
            this.launchTemplateId = launchTemplateId;
            this.version = version;
        }
    }

    /** A template version a refresh rolls out: its desired configuration. */
    private record Desired(String launchTemplateId, String version) {
    }

    private static final class Refresh {
        private final String id;
        private final String group;
        /** Empty for a refresh that replaces instances with the group's own configuration. */
        private final Optional<Desired> desired;
        private final Instant startTime;
        private String status = "Pending";
        private Optional<String> statusReason = Optional.empty();

        private Refresh(String id, String group, Optional<Desired> desired, Instant startTime) {
            this.id = id;
            this.group = group;
            this.desired = desired;
            this.startTime = startTime;
        }

        private boolean active() {
            return ACTIVE_REFRESH_STATUSES.contains(status);
        }
    }

    private final Clock clock;
    private final Map<String, Template> templates = new LinkedHashMap<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    /** Newest first, as DescribeInstanceRefreshes lists them. */
    private final List<Refresh> refreshes = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();
    private Optional<StartFailure> nextStartFailure = Optional.empty();
    private Optional<RuntimeException> refreshReadFailure = Optional.empty();

    public FakeRolloutFleet(Clock clock) {
        this.clock = clock;
    }

    // --- the fleet a test sets up ------------------------------------------------------------

    /** A launch template with the tags, whose versions 1, 2, … hold these images; returns its id. */
    public String launchTemplate(Map<String, String> tags, String... versionImages) {
        String id = "lt-" + (templates.size() + 1);
        templates.put(id, new Template(new ArrayList<>(List.of(versionImages)), Map.copyOf(tags), new HashMap<>()));
        return id;
    }

    /** A group launching from the template's version ({@code 2}, or {@code $Default}). */
    public void group(String name, Map<String, String> tags, String launchTemplateId, String version) {
        groups.put(name, new Group(name, tags, launchTemplateId, version));
    }

    public void capacity(String group, int desired, int healthyInService) {
        groupNamed(group).capacity = new Capacity(desired, healthyInService);
    }

    public void tag(String group, String key, String value) {
        groupNamed(group).tags.put(key, value);
    }

    public void untag(String group, String key) {
        groupNamed(group).tags.remove(key);
    }

    /** The group now launches from this version of its template. */
    public void useVersion(String group, String version) {
        groupNamed(group).version = version;
    }

    /**
     * A refresh drift-deploy did not start (a person's, a pipeline's) that replaces the group's
     * instances with its own configuration, naming no desired one; returns its id.
     */
    public String startOtherRefresh(String group) {
        return start(groupNamed(group), Optional.empty()).id;
    }

    /**
     * The refresh ends (or moves on) with this status; a successful one leaves its group on the
     * version it rolled out, as Auto Scaling does with a desired configuration.
     */
    public void finish(String refreshId, String status, Optional<String> statusReason) {
        Refresh refresh = refreshes.stream().filter(r -> r.id.equals(refreshId)).findFirst().orElseThrow();
        refresh.status = status;
        refresh.statusReason = statusReason;
        if ("Successful".equals(status)) {
            refresh.desired.ifPresent(desired -> groupNamed(refresh.group).version = desired.version());
        }
    }

    public void failNextStart(StartFailure failure) {
        nextStartFailure = Optional.of(failure);
    }

    /** Every later {@link #refreshTo} fails so (its DescribeInstanceRefreshes gets no answer, say). */
    public void failRefreshReads(RuntimeException failure) {
        refreshReadFailure = Optional.of(failure);
    }

    // --- what a test reads back ----------------------------------------------------------------

    /** Each call made, as {@code targets app=shop}, {@code createImageVersion lt-1 1 ami-…}, {@code startRefresh blue lt-1 2}, … */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** The version the group launches from. */
    public String version(String group) {
        return groupNamed(group).version;
    }

    /** The image of each version of the template, version 1 first. */
    public List<String> versionImages(String launchTemplateId) {
        return List.copyOf(templates.get(launchTemplateId).images());
    }

    /** The group's refreshes, newest first. */
    public List<String> refreshIds(String group) {
        return refreshes.stream().filter(refresh -> refresh.group.equals(group)).map(refresh -> refresh.id).toList();
    }

    // --- the port ------------------------------------------------------------------------------

    @Override
    public List<TargetGroup> targets(String appTag, String app) {
        calls.add("targets " + appTag + "=" + app);
        return groups.values().stream()
                .filter(group -> app.equals(group.tags.get(appTag)))
                .map(group -> new TargetGroup(group.name, Map.copyOf(group.tags), LaunchSource.LAUNCH_TEMPLATE,
                        Optional.of(new TemplateVersion(group.launchTemplateId, group.version,
                                imageOf(group.launchTemplateId, group.version), templates.get(group.launchTemplateId).tags())),
                        activeRefresh(group.name).map(refresh -> new RefreshInFlight(refresh.id, refresh.status,
                                refresh.desired.flatMap(desired -> imageOf(desired.launchTemplateId(), desired.version())))),
                        group.capacity))
                .toList();
    }

    @Override
    public long createImageVersion(TemplateVersion source, String imageId) {
        calls.add("createImageVersion " + source.launchTemplateId() + " " + source.version() + " " + imageId);
        Template template = templates.get(source.launchTemplateId());
        return template.versionByClientToken().computeIfAbsent(source.version() + "|" + imageId, token -> {
            template.images().add(imageId);
            return (long) template.images().size();
        });
    }

    @Override
    public RefreshStart startRefresh(RefreshRequest request) {
        calls.add("startRefresh " + request.group() + " " + request.launchTemplateId() + " " + request.version());
        Group group = groupNamed(request.group());
        Optional<StartFailure> failure = nextStartFailure;
        nextStartFailure = Optional.empty();
        // AWS runs one refresh per group at a time.
        if (activeRefresh(group.name).isPresent()) {
            return new RefreshStart.Busy();
        }
        Optional<Desired> desired = Optional.of(new Desired(request.launchTemplateId(), Long.toString(request.version())));
        if (failure.isEmpty()) {
            return new RefreshStart.Started(start(group, desired).id);
        }
        return switch (failure.get()) {
            case REFUSED -> new RefreshStart.Refused("AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/images/fn"
                    + " is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/app-instance");
            case NO_ANSWER_NOTHING_STARTED -> new RefreshStart.Unknown("Unable to execute HTTP request: connect timed out");
            case NO_ANSWER_STARTED -> {
                start(group, desired);
                yield new RefreshStart.Unknown("Read timed out");
            }
            case RETRY_MET_OWN_START -> {
                start(group, desired);
                yield new RefreshStart.Busy();
            }
            case ANOTHER_REFRESH_STARTED -> {
                startOtherRefresh(group.name);
                yield new RefreshStart.Busy();
            }
        };
    }

    @Override
    public Optional<String> refreshTo(String group, String launchTemplateId, long version, Instant notBefore) {
        calls.add("refreshTo " + group + " " + launchTemplateId + " " + version);
        refreshReadFailure.ifPresent(failure -> {
            throw failure;
        });
        Optional<Desired> wanted = Optional.of(new Desired(launchTemplateId, Long.toString(version)));
        return refreshes.stream()
                .filter(refresh -> refresh.group.equals(group) && refresh.desired.equals(wanted))
                .filter(refresh -> refresh.active() || !refresh.startTime.isBefore(notBefore))
                .map(refresh -> refresh.id)
                .findFirst();
    }

    @Override
    public Optional<ObservedRefresh> refreshStatus(String group, String refreshId, Instant now) {
        calls.add("refreshStatus " + group + " " + refreshId);
        return refreshes.stream()
                .filter(refresh -> refresh.group.equals(group) && refresh.id.equals(refreshId))
                .findFirst()
                .map(refresh -> new ObservedRefresh(refreshId, group, refresh.status, refresh.statusReason, now));
    }

    private Group groupNamed(String name) {
        Group group = groups.get(name);
        if (group == null) {
            throw new IllegalArgumentException("the fake fleet has no group " + name);
        }
        return group;
    }

    private Optional<Refresh> activeRefresh(String group) {
        return refreshes.stream().filter(refresh -> refresh.group.equals(group) && refresh.active()).findFirst();
    }

    private Refresh start(Group group, Optional<Desired> desired) {
        Refresh refresh = new Refresh("refresh-" + (refreshes.size() + 1), group.name, desired, clock.instant());
        refreshes.add(0, refresh);
        return refresh;
    }

    /** The image a version holds; {@code $Default} is version 1, the default until someone sets another. */
    private Optional<String> imageOf(String launchTemplateId, String version) {
        List<String> images = templates.get(launchTemplateId).images();
        int number = "$Default".equals(version) ? 1 : Integer.parseInt(version);
        return number <= images.size() ? Optional.of(images.get(number - 1)) : Optional.empty();
    }
}
