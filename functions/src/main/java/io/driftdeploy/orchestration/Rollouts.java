package io.driftdeploy.orchestration;

import io.driftdeploy.aws.AutoScalingRolloutFleet;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.DynamoEventClaims;
import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ec2ImageCatalog;
import io.driftdeploy.aws.EventClaims.EventKey;
import io.driftdeploy.aws.EventClaims;
import io.driftdeploy.aws.ImageCatalog;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.aws.RolloutFleet.RefreshRequest;
import io.driftdeploy.aws.RolloutFleet.RefreshStart;
import io.driftdeploy.aws.RolloutFleet.TargetGroup;
import io.driftdeploy.aws.RolloutFleet;
import io.driftdeploy.aws.RolloutLedger;
import io.driftdeploy.config.Mode;
import io.driftdeploy.config.Settings;
import io.driftdeploy.event.ImageAvailable.AmiStateChange;
import io.driftdeploy.event.ImageAvailable.GoldenImagePublished;
import io.driftdeploy.event.ImageAvailable.ImageBuilderStateChange;
import io.driftdeploy.event.ImageAvailable;
import io.driftdeploy.event.InstanceRefreshEvent;
import io.driftdeploy.message.RefreshReports;
import io.driftdeploy.message.Report;
import io.driftdeploy.message.RolloutReports;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DescribedImage;
import io.driftdeploy.policy.GroupDecision;
import io.driftdeploy.policy.GroupState.TemplateVersion;
import io.driftdeploy.policy.GroupState;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.ImageRules;
import io.driftdeploy.policy.ImageVerdict;
import io.driftdeploy.policy.MinHealthy;
import io.driftdeploy.policy.ObservedRefresh;
import io.driftdeploy.policy.RefreshOutcomes;
import io.driftdeploy.policy.RefreshReason;
import io.driftdeploy.policy.RolloutReason;
import io.driftdeploy.policy.RolloutRules;
import io.driftdeploy.policy.RolloutTrigger;
import io.driftdeploy.policy.StartedRefresh;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The rollout path, shared by the images function (a new image) and the refreshes function (the
 * image that waited for a refresh to end): gather the facts, let the policy decide, act, report.
 * The rollout rules ({@link io.driftdeploy.policy.RolloutRule}) decide in number order: rule 1
 * ({@link ImageRules}) and rule 2 (the app's groups) here, rules 3 to 8 per group in
 * {@link RolloutRules}, and rule 9 here, the claim that starts each (image, group) refresh once.
 */
public final class Rollouts {

    /** Marks an image id as an AMI id rather than an SSM parameter alias, which has no creation time. */
    private static final String AMI_PREFIX = "ami-";
    /** How far AWS's clock may be behind ours when a refresh's start time is compared with when we asked. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    /**
     * An image as an event announces it.
     *
     * @param imageId the AMI id, when the event names it
     * @param imageBuilderArn the Image Builder image build version, whose AMI GetImage names
     * @param claimedApp the application the publisher names, if any
     */
    record Announcement(Optional<String> imageId, Optional<String> imageBuilderArn, Optional<String> claimedApp,
                        boolean reportedAvailable, Optional<String> reportedState) {

        /** An image drift-deploy already knew (the pending one): only EC2's word about it counts. */
        static Announcement known(String imageId) {
            return new Announcement(Optional.of(imageId), Optional.empty(), Optional.empty(), true, Optional.empty());
        }
    }

    /**
     * One decision as reported, and whether a retry may act on it.
     *
     * @param retryable nothing was done that a retry of the event would repeat, and a retry may
     *     succeed: the event's claim is given back so that a replay of it acts
     */
    public record Reported(Result.Decided decided, boolean retryable) {
        Reported(Result.Decided decided) {
            this(decided, false);
        }
    }

    private final Settings settings;
    private final ImageCatalog images;
    private final RolloutFleet fleet;
    private final RolloutLedger ledger;
    private final OncePerEvent events;
    private final Reporter reporter;
    private final Clock clock;

    public Rollouts(Settings settings, ImageCatalog images, RolloutFleet fleet, RolloutLedger ledger, EventClaims events,
             Reporter reporter, Clock clock) {
        this.settings = settings;
        this.images = images;
        this.fleet = fleet;
        this.ledger = ledger;
        this.events = new OncePerEvent(events, reporter.telemetry(), clock);
        this.reporter = reporter;
        this.clock = clock;
    }

    /**
     * The images and refreshes functions' composition root: the only place their adapters are
     * built on real AWS clients. Tests build a {@code Rollouts} on fakes with the constructor.
     */
    public static Rollouts wire(Settings settings, AwsClients aws, Clock clock, Telemetry telemetry) {
        Ledger ledger = new Ledger(aws.dynamoDb(), settings.tableName());
        Reporter reporter = Reporter.wire(settings, ledger, aws, telemetry, clock);
        return new Rollouts(settings, new Ec2ImageCatalog(aws.ec2(), aws.imageBuilder()),
                new AutoScalingRolloutFleet(aws.autoScaling(), aws.ec2()), new DynamoRolloutLedger(ledger),
                new DynamoEventClaims(ledger), reporter, clock);
    }

    public Reporter reporter() {
        return reporter;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Handles an event once per function and mode ({@link OncePerEvent}), as an attempt that ends
     * by {@code deadline}: a redelivered event is reported as a duplicate and does nothing.
     */
    public Result once(String function, String eventId, String subject, Instant deadline, Supplier<List<Reported>> work) {
        Mode mode = settings.mode();
        return events.handle(new EventKey(function, eventId, mode.label()), deadline,
                () -> report(RolloutReports.duplicate(function, eventId, subject, mode)).decided(),
                () -> {
                    List<Reported> decisions = work.get();
                    return new OncePerEvent.Ran<Result>(new Result.Decisions(function, eventId,
                            decisions.stream().map(Reported::decided).toList()), decisions.stream().anyMatch(Reported::retryable));
                });
    }

    /**
     * The images function's decisions: an AMI became available (EC2), an Image Builder image became
     * AVAILABLE, or a pipeline published a golden image.
     */
    public List<Reported> imageAvailable(ImageAvailable event) {
        RolloutTrigger trigger = new RolloutTrigger(RolloutReports.IMAGES_FUNCTION, event.eventId(), event.account(), event.region(),
                event.source().source());
        Announcement announcement = switch (event) {
            case AmiStateChange ami -> new Announcement(Optional.of(ami.imageId()), Optional.empty(),
                    Optional.empty(), ami.reportedAvailable(), Optional.of(ami.state()));
            case ImageBuilderStateChange build -> new Announcement(Optional.empty(),
                    Optional.of(build.imageBuilderImageArn()), Optional.empty(), build.reportedAvailable(),
                    Optional.of(build.status()));
            // A finished image by definition: no state to report.
            case GoldenImagePublished golden -> new Announcement(Optional.of(golden.imageId()), Optional.empty(),
                    Optional.of(golden.app()), golden.reportedAvailable(), Optional.empty());
        };
        return rollOut(trigger, announcement, group -> true);
    }

    /**
     * The refreshes function's decisions: the refresh outcome first, then the pending rollout it
     * released, if any. What is done follows the refresh's status as Auto Scaling reports it,
     * never the event's detail-type alone: the event only says which refresh to read.
     */
    public List<Reported> refreshChanged(InstanceRefreshEvent event) {
        Optional<ObservedRefresh> observed = fleet.refreshStatus(event.groupName(), event.instanceRefreshId(), clock.instant());
        RefreshOutcomes.Verdict verdict = RefreshOutcomes.verdict(event.kind(), observed.map(ObservedRefresh::status));
        Optional<StartedRefresh> ours = ledger.startedRefresh(event.instanceRefreshId())
                .filter(started -> started.group().equals(event.groupName()));
        List<String> actions = new ArrayList<>();
        if (verdict.marksImageBad() && ours.isPresent()) {
            ledger.markBad(ours.get(), observed.orElseThrow(), event.eventId(), clock.instant());
            actions.add("ledger:mark-bad " + ours.get().imageId());
        }
        Optional<ImageRef> pending = ledger.pending(event.groupName());
        List<Reported> reported = new ArrayList<>();
        reported.add(report(RefreshReports.report(event, verdict, observed, ours, pending, actions)));
        if (verdict.releasesPending() && pending.isPresent()) {
            RolloutTrigger trigger = new RolloutTrigger(RefreshReports.FUNCTION, event.eventId(), event.account(), event.region(),
                    "pending after instance refresh " + event.instanceRefreshId() + " "
                            + verdict.acted().map(RefreshReason::of).orElse(verdict.reason()).label());
            reported.addAll(startPending(trigger, event.groupName(), pending.get()));
        }
        return reported;
    }

    /** Validates the announced image and decides, acts and reports for every target group it matches. */
    List<Reported> rollOut(RolloutTrigger trigger, Announcement announcement, Predicate<String> groupFilter) {
        Optional<String> imageId = announcement.imageId();
        if (announcement.reportedAvailable() && announcement.imageBuilderArn().isPresent()) {
            imageId = images.imageBuilderAmi(announcement.imageBuilderArn().get(), trigger.region(), trigger.account());
        }
        Optional<DescribedImage> described = announcement.reportedAvailable()
                ? imageId.flatMap(images::describe) : Optional.empty();
        boolean markedBad = described.isPresent() && ledger.isBad(described.get().imageId());
        ImageVerdict verdict = ImageRules.check(new ImageRules.Candidate(announcement.reportedAvailable(),
                announcement.reportedState(), imageId, described, markedBad, announcement.claimedApp(),
                settings.rollout().trustedAccounts(), settings.rollout().appTag(),
                settings.rollout().goldenImageTag()));
        String subject = imageId.or(announcement::imageBuilderArn).orElse(trigger.eventId());
        if (verdict instanceof ImageVerdict.Rejected rejected) {
            return List.of(report(RolloutReports.imageRejected(trigger, subject,
                    announcement.claimedApp().or(() -> described.flatMap(image -> image.tag(settings.rollout().appTag()))),
                    rejected, settings.mode())));
        }
        ImageVerdict.Approved approved = (ImageVerdict.Approved) verdict;
        List<TargetGroup> targets = fleet.targets(settings.rollout().appTag(), approved.app()).stream()
                .filter(target -> groupFilter.test(target.name()))
                .toList();
        if (targets.isEmpty()) {
            return List.of(report(RolloutReports.imageRejected(trigger, subject, Optional.of(approved.app()),
                    new ImageVerdict.Rejected(RolloutReason.NO_TARGET_GROUPS, "no Auto Scaling group is tagged "
                            + settings.rollout().appTag() + "=" + approved.app()), settings.mode())));
        }
        List<Reported> reported = new ArrayList<>();
        for (TargetGroup target : targets) {
            reported.add(act(trigger, RolloutRules.decide(approved, state(target), settings, clock.instant())));
        }
        return reported;
    }

    /**
     * Starts the image that waited for the group's refresh, through the same rules as a new image
     * (it is validated again: it may have been deregistered or marked bad meanwhile). It stays
     * pending only if it has to wait again; otherwise it is cleared, whatever was decided.
     */
    List<Reported> startPending(RolloutTrigger trigger, String group, ImageRef pending) {
        List<Reported> reported = rollOut(trigger, Announcement.known(pending.imageId()), group::equals);
        if (reported.stream().noneMatch(done -> done.decided().decision() == Decision.PENDING)) {
            ledger.clearPending(group, pending.imageId());
        }
        return reported;
    }

    Reported report(Report report) {
        Result.Decided decided = reporter.report(report);
        reporter.telemetry().count(Map.of("Decisions", 1),
                Map.of("Decision", report.decision().label(), "Reason", report.reason().label()));
        return new Reported(decided);
    }

    private GroupState state(TargetGroup target) {
        Optional<String> runningImage = target.template().flatMap(TemplateVersion::imageId);
        Optional<String> refreshingImage = target.activeRefresh().flatMap(RolloutFleet.RefreshInFlight::targetImageId);
        Set<String> amis = new HashSet<>();
        runningImage.filter(id -> id.startsWith(AMI_PREFIX)).ifPresent(amis::add);
        refreshingImage.filter(id -> id.startsWith(AMI_PREFIX)).ifPresent(amis::add);
        Map<String, ImageRef> created = images.created(amis);
        return new GroupState(target.name(), target.tags(), target.launchSource(), target.template(),
                runningImage.map(created::get),
                target.activeRefresh().map(active -> new GroupState.ActiveRefresh(active.refreshId(), active.status(),
                        refreshingImage.map(created::get))),
                ledger.pending(target.name()), target.capacity());
    }

    private Reported act(RolloutTrigger trigger, GroupDecision decision) {
        if (decision.mode() == Mode.DRY_RUN) {
            return report(RolloutReports.group(trigger, decision, List.of(), Map.of()));
        }
        return switch (decision.outcome()) {
            case REFRESH -> refresh(trigger, decision);
            case PENDING -> pend(trigger, decision, new ArrayList<>(), new LinkedHashMap<>());
            case NOTIFY, SKIP -> report(RolloutReports.group(trigger, decision, List.of(), Map.of()));
        };
    }

    private Reported refresh(RolloutTrigger trigger, GroupDecision decision) {
        String group = decision.group().name();
        String imageId = decision.image().image().imageId();
        // Rule 9: the (image, group) refresh is started once.
        if (!ledger.claimRollout(group, imageId, trigger.eventId(), clock.instant())) {
            return report(RolloutReports.group(trigger, decision.alreadyStarted(), List.of(), Map.of()));
        }
        TemplateVersion source = decision.group().template().orElseThrow();
        List<String> actions = new ArrayList<>();
        Map<String, Object> facts = new LinkedHashMap<>();
        RefreshStart start;
        long version;
        try {
            version = fleet.createImageVersion(source, imageId);
            actions.add("ec2:CreateLaunchTemplateVersion " + source.launchTemplateId() + " " + source.version() + " -> " + version);
            facts.put("launchTemplateId", source.launchTemplateId());
            facts.put("sourceVersion", source.version());
            facts.put("newVersion", version);
            List<String> alarms = RolloutRules.guardAlarms(settings.rollout(), decision.group().tags());
            facts.put("guardAlarms", alarms);
            // The rules refused a malformed tag, so a refresh decision always has a percentage.
            MinHealthy.Percent minHealthy = (MinHealthy.Percent) RolloutRules.minHealthy(settings.rollout(), decision.group().tags());
            facts.putAll(minHealthy.facts());
            int refreshMinHealthy = RolloutRules.refreshMinHealthyPercent(minHealthy.value(), decision.budget(),
                    decision.group().capacity().desired());
            facts.put("refreshMinHealthyPercent", refreshMinHealthy);
            Instant requested = clock.instant();
            start = confirmed(fleet.startRefresh(new RefreshRequest(group, source.launchTemplateId(), version,
                    refreshMinHealthy, settings.rollout().instanceWarmupSeconds(), alarms)), group, source, version, requested, facts);
            if (start instanceof RefreshStart.Started started) {
                ledger.recordStartedRefresh(new StartedRefresh(started.refreshId(), group, imageId, decision.image().app(),
                        source.launchTemplateId(), version), clock.instant());
                ledger.completeRollout(group, imageId, trigger.eventId());
            }
        } catch (RuntimeException e) {
            ledger.releaseRollout(group, imageId, trigger.eventId());
            throw e;
        }
        return switch (start) {
            case RefreshStart.Started started -> started(trigger, decision, started.refreshId(), actions, facts);
            case RefreshStart.Busy busy -> {
                // The template version stays unused; a later rollout of this image reuses it via the client token.
                ledger.releaseRollout(group, imageId, trigger.eventId());
                yield pend(trigger, decision.raceLostToRefresh(), actions, facts);
            }
            case RefreshStart.Refused refused -> notStarted(trigger, decision, version, actions, facts, refused.errorCode(),
                    "AWS refused StartInstanceRefresh (" + refused.errorCode() + ": " + refused.message() + ")");
            case RefreshStart.Unknown unknown -> notStarted(trigger, decision, version, actions, facts, "no-answer",
                    "StartInstanceRefresh got no answer (" + unknown.problem() + ") and DescribeInstanceRefreshes shows no"
                            + " refresh to the new version");
        };
    }

    /**
     * Without an answer (or with InstanceRefreshInProgress, which an SDK retry of a start that did
     * happen also gets) the refresh may be ours: the group's refreshes are read again, and one to
     * the new version counts as started, like any other.
     */
    private RefreshStart confirmed(RefreshStart start, String group, TemplateVersion source, long version, Instant requested,
                                   Map<String, Object> facts) {
        if (start instanceof RefreshStart.Started || start instanceof RefreshStart.Refused) {
            return start;
        }
        Optional<String> ours = fleet.refreshTo(group, source.launchTemplateId(), version, requested.minus(CLOCK_SKEW));
        if (ours.isEmpty()) {
            return start;
        }
        facts.put("startConfirmedBy", "DescribeInstanceRefreshes, after StartInstanceRefresh answered "
                + (start instanceof RefreshStart.Unknown unknown ? "nothing (" + unknown.problem() + ")" : "InstanceRefreshInProgress"));
        return new RefreshStart.Started(ours.get());
    }

    private Reported started(RolloutTrigger trigger, GroupDecision decision, String refreshId, List<String> actions,
                             Map<String, Object> facts) {
        String group = decision.group().name();
        String imageId = decision.image().image().imageId();
        actions.add("autoscaling:StartInstanceRefresh " + group + " -> " + refreshId);
        facts.put("refreshId", refreshId);
        if (decision.group().pending().map(ImageRef::imageId).filter(imageId::equals).isPresent()) {
            ledger.clearPending(group, imageId);
        }
        return report(RolloutReports.group(trigger, decision, actions, facts));
    }

    /**
     * The new launch template version exists and no refresh started. It is kept, not deleted: the
     * group is pinned to its own version (rollout rule 6), so an unused version changes nothing;
     * a retry of the rollout gets the same version back through the deterministic client token
     * instead of making another; and deleting would need ec2:DeleteLaunchTemplateVersions and
     * could itself fail half-way. So the rollout is released for a retry, the event too (replaying
     * it retries), and the report says exactly what was left and that the group is unchanged.
     */
    private Reported notStarted(RolloutTrigger trigger, GroupDecision decision, long version, List<String> actions,
                                Map<String, Object> facts, String errorCode, String why) {
        ledger.releaseRollout(decision.group().name(), decision.image().image().imageId(), trigger.eventId());
        String launchTemplateId = decision.group().template().orElseThrow().launchTemplateId();
        facts.put("errorCode", errorCode);
        facts.put("groupVersion", decision.group().template().orElseThrow().version());
        Reported reported = report(RolloutReports.group(trigger, decision.refreshNotStarted(launchTemplateId, version, why),
                actions, facts));
        return new Reported(reported.decided(), true);
    }

    private Reported pend(RolloutTrigger trigger, GroupDecision decision, List<String> actions, Map<String, Object> facts) {
        ImageRef image = decision.image().image().ref();
        boolean stored = ledger.storePending(decision.group().name(), image, trigger.eventId(), clock.instant());
        if (stored) {
            actions.add("ledger:pending " + decision.group().name() + " -> " + image.imageId());
        }
        facts.put("pendingStored", stored);
        return report(RolloutReports.group(trigger, decision, actions, facts));
    }
}
