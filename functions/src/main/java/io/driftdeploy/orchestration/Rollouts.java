package io.driftdeploy.orchestration;

import io.driftdeploy.aws.AccountClients;
import io.driftdeploy.aws.AutoScalingRolloutFleet;
import io.driftdeploy.aws.DecisionAttribution;
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
import java.util.function.Function;
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
    /** The account this instance acts in: its images, groups and rollout records there. */
    private final String account;
    private final ImageCatalog images;
    private final RolloutFleet fleet;
    private final RolloutLedger ledger;
    /** Every account the rollouts serve: this function's own first, then the member accounts. */
    private final RolloutAccounts accounts;
    private final OncePerEvent events;
    private final Reporter reporter;
    private final Clock clock;

    /** What the rollout path reads and changes in one account. */
    public record InAccount(ImageCatalog images, RolloutFleet fleet, RolloutLedger ledger) {
    }

    /** The accounts rollouts serve, and their ports. */
    public interface RolloutAccounts {
        /** The function's own account first, then every member account, as known now. */
        List<String> served();

        InAccount in(String account);
    }

    /** In the function's own account only, on the ports given: the fast tests' fakes. */
    public Rollouts(Settings settings, ImageCatalog images, RolloutFleet fleet, RolloutLedger ledger, EventClaims events,
             Reporter reporter, Clock clock) {
        this(settings, new RolloutAccounts() {
            private final InAccount own = new InAccount(images, fleet, ledger);

            @Override
            public List<String> served() {
                return List.of(settings.accountId());
            }

            @Override
            public InAccount in(String account) {
                return own;
            }
        }, new OncePerEvent(events, reporter.telemetry(), clock), reporter, clock);
    }

    Rollouts(Settings settings, RolloutAccounts accounts, OncePerEvent events, Reporter reporter, Clock clock) {
        this(settings, settings.accountId(), accounts, events, reporter, clock);
    }

    private Rollouts(Settings settings, String account, RolloutAccounts accounts, OncePerEvent events, Reporter reporter,
                     Clock clock) {
        InAccount in = accounts.in(account);
        this.settings = settings;
        this.account = account;
        this.images = in.images();
        this.fleet = in.fleet();
        this.ledger = in.ledger();
        this.accounts = accounts;
        this.events = events;
        this.reporter = reporter;
        this.clock = clock;
    }

    /** The rollout path acting in {@code account}: this one's, or a member's. */
    Rollouts in(String account) {
        return account.equals(this.account) ? this : new Rollouts(settings, account, accounts, events, reporter, clock);
    }

    /**
     * The images and refreshes functions' composition root: the only place their adapters are
     * built on real AWS clients. Tests build a {@code Rollouts} on fakes with the constructor.
     */
    public static Rollouts wire(Settings settings, AwsClients aws, Clock clock, Telemetry telemetry, String function) {
        Ledger ledger = new Ledger(aws.dynamoDb(), settings.tableName());
        AccountClients clients = new AccountClients(aws, settings, function);
        return wire(settings, ledger, clients, ServedAccounts.of(settings, clients, clock),
                Reporter.wire(settings, ledger, aws, telemetry, clock), clock);
    }

    /**
     * The rollout path on AWS in the accounts {@code served} lists, sharing the ledger and reporter
     * given: the scheduled sweep's, which lists the same accounts.
     */
    static Rollouts wire(Settings settings, Ledger ledger, AccountClients clients, Supplier<List<String>> served,
                         Reporter reporter, Clock clock) {
        Function<String, ImageCatalog> catalogs = clients.ports(in -> new Ec2ImageCatalog(in.ec2(), in.imageBuilder()));
        Function<String, RolloutFleet> fleets = clients.ports(in -> new AutoScalingRolloutFleet(in.autoScaling(), in.ec2()));
        // The function's own account's, built now, at init: SnapStart's prime drives the clients built by then.
        catalogs.apply(settings.accountId());
        fleets.apply(settings.accountId());
        return new Rollouts(settings, new RolloutAccounts() {
            @Override
            public List<String> served() {
                return served.get();
            }

            @Override
            public InAccount in(String account) {
                return new InAccount(catalogs.apply(account), fleets.apply(account),
                        DynamoRolloutLedger.inAccount(ledger, account, settings.accountId()));
            }
        }, new OncePerEvent(new DynamoEventClaims(ledger), reporter.telemetry(), clock), reporter, clock);
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
                    List<Reported> decisions;
                    // Each call in a member account says which event's decisions made it (docs/organization.md).
                    try (DecisionAttribution.Scope attributed = DecisionAttribution.of(eventId)) {
                        decisions = work.get();
                    }
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
        return in(event.account()).rollOutEverywhere(trigger, announcement);
    }

    /**
     * The refreshes function's decisions: the refresh outcome first, then the pending rollout it
     * released, if any. What is done follows the refresh's status as Auto Scaling reports it,
     * never the event's detail-type alone: the event only says which refresh to read.
     */
    public List<Reported> refreshChanged(InstanceRefreshEvent event) {
        if (!event.account().equals(account)) {
            // A member account's refresh: its group, its records.
            return in(event.account()).refreshChanged(event);
        }
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

    /** The applications some group names with the app tag: what the scheduled sweep catches up, one by one. */
    Set<String> apps() {
        return fleet.apps(settings.rollout().appTag());
    }

    /**
     * The scheduled sweep's decisions for one application in the trigger's account, for when an
     * image event was missed: its newest trusted golden image that was not marked bad, rolled out
     * through the same rules as an image event (rule 1 checks the image again, rules 3 to 7 each
     * group, rule 8's claim starts each refresh once) to the account's groups whose launch template
     * does not name it yet. The image is found, and rule 1 checked in full, in this account, where
     * its tags are seen; in a member only that it is shared with it and available there
     * ({@link ImageRules#sharedWith}), as for an image event: a member does not see the owner's tags.
     * No group behind, or no golden image at all: nothing is decided, and nothing announced.
     */
    List<Reported> catchUp(RolloutTrigger trigger, String app) {
        Settings.Rollout rollout = settings.rollout();
        Optional<String> newest = images.goldenImages(rollout.appTag(), app, rollout.goldenImageTag(), rollout.trustedAccounts())
                .stream().map(ImageRef::imageId).filter(imageId -> !ledger.isBad(imageId)).findFirst();
        if (newest.isEmpty()) {
            return List.of();
        }
        Rollouts there = in(trigger.account());
        Set<String> behind = new HashSet<>();
        there.fleet.targets(rollout.appTag(), app).stream()
                .filter(target -> !target.template().flatMap(TemplateVersion::imageId).equals(newest))
                .forEach(target -> behind.add(target.name()));
        if (behind.isEmpty()) {
            return List.of();
        }
        if (there == this) {
            return rollOut(trigger, Announcement.known(newest.get()), behind::contains);
        }
        Validated here = validate(trigger.in(account), Announcement.known(newest.get()));
        if (here.rejected().isPresent()) {
            return List.of(here.rejected().get());
        }
        ImageVerdict.Approved approved = here.approved().orElseThrow();
        return there.decideShared(trigger, approved, there.targets(approved, behind::contains));
    }

    /** Validates the announced image and decides, acts and reports for every target group it matches, in this account. */
    List<Reported> rollOut(RolloutTrigger trigger, Announcement announcement, Predicate<String> groupFilter) {
        Validated image = validate(trigger, announcement);
        if (image.rejected().isPresent()) {
            return List.of(image.rejected().get());
        }
        List<TargetGroup> targets = targets(image.approved().orElseThrow(), groupFilter);
        if (targets.isEmpty()) {
            return List.of(noTargetGroups(trigger, image));
        }
        return decide(trigger, image.approved().orElseThrow(), targets);
    }

    /**
     * A new image, in every account the rollouts serve: validated in the account that announced it
     * (rejected there, it is rejected once, for all), then in each account that has target groups
     * for its application it must be shared with that account and available there
     * ({@link ImageRules#sharedWith}), and is decided there group by group. An account without target groups adds nothing; none
     * anywhere is reported once.
     */
    private List<Reported> rollOutEverywhere(RolloutTrigger trigger, Announcement announcement) {
        List<String> served = accounts.served();
        if (served.equals(List.of(account))) {
            return rollOut(trigger, announcement, group -> true);
        }
        Validated here = validate(trigger, announcement);
        if (here.rejected().isPresent()) {
            return List.of(here.rejected().get());
        }
        ImageVerdict.Approved approved = here.approved().orElseThrow();
        List<Reported> reported = new ArrayList<>();
        for (String each : served) {
            Rollouts there = in(each);
            List<TargetGroup> targets = there.targets(approved, group -> true);
            if (targets.isEmpty()) {
                continue;
            }
            if (there == this) {
                reported.addAll(decide(trigger, approved, targets));
                continue;
            }
            reported.addAll(there.decideShared(trigger.in(each), approved, targets));
        }
        return reported.isEmpty() ? List.of(noTargetGroups(trigger, here)) : reported;
    }

    /**
     * An image approved where it was built, in this account, a member: rule 1 asks only that it is
     * shared with the member and available there ({@link ImageRules#sharedWith}), then each target
     * group is decided here.
     */
    private List<Reported> decideShared(RolloutTrigger trigger, ImageVerdict.Approved approved, List<TargetGroup> targets) {
        String imageId = approved.image().imageId();
        Optional<ImageVerdict.Rejected> notShared = ImageRules.sharedWith(account, imageId, images.describe(imageId));
        return notShared.map(rejected -> List.of(report(RolloutReports.imageRejected(trigger, imageId,
                        Optional.of(approved.app()), rejected, settings.mode()))))
                .orElseGet(() -> decide(trigger, approved, targets));
    }

    /** The image as rule 1 judges it in this account: approved, or the report of its rejection. */
    private record Validated(Optional<ImageVerdict.Approved> approved, Optional<Reported> rejected, String subject) {
    }

    private Validated validate(RolloutTrigger trigger, Announcement announcement) {
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
            return new Validated(Optional.empty(), Optional.of(report(RolloutReports.imageRejected(trigger, subject,
                    announcement.claimedApp().or(() -> described.flatMap(image -> image.tag(settings.rollout().appTag()))),
                    rejected, settings.mode()))), subject);
        }
        return new Validated(Optional.of((ImageVerdict.Approved) verdict), Optional.empty(), subject);
    }

    private List<TargetGroup> targets(ImageVerdict.Approved approved, Predicate<String> groupFilter) {
        return fleet.targets(settings.rollout().appTag(), approved.app()).stream()
                .filter(target -> groupFilter.test(target.name()))
                .toList();
    }

    private Reported noTargetGroups(RolloutTrigger trigger, Validated image) {
        String app = image.approved().orElseThrow().app();
        return report(RolloutReports.imageRejected(trigger, image.subject(), Optional.of(app),
                new ImageVerdict.Rejected(RolloutReason.NO_TARGET_GROUPS, "no Auto Scaling group is tagged "
                        + settings.rollout().appTag() + "=" + app), settings.mode()));
    }

    private List<Reported> decide(RolloutTrigger trigger, ImageVerdict.Approved approved, List<TargetGroup> targets) {
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
        return state(target, images, ledger);
    }

    /**
     * The group as the rollout rules judge it: the images it runs and is refreshing to, with their
     * creation times (DescribeImages), and the image it has pending in the ledger. Shared with the
     * CLI's status, which shows what the images function would decide.
     */
    public static GroupState state(TargetGroup target, ImageCatalog images, RolloutLedger ledger) {
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
