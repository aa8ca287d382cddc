package io.driftdeploy.cli;

import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.config.Settings;
import io.driftdeploy.handler.HandlerIo;
import io.driftdeploy.orchestration.QuarantineExpiry;
import io.driftdeploy.orchestration.Result;
import io.driftdeploy.orchestration.Telemetry;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.Reason;
import io.driftdeploy.policy.RolloutReason;
import io.driftdeploy.testing.Checkout;
import io.driftdeploy.testing.LocalEmulator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefresh;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefreshStatus;

/** The whole story on a local emulator: seed a fleet, play events through the real handlers, show what happened. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
                "See drift-deploy work end to end in well under a minute, with no AWS account: start the local emulator",
                "(unless AWS_ENDPOINT_URL points at one), seed an example fleet, and play events from events/ through the real",
                "drift, images and refreshes handlers: drift on an opted-in instance (replaced), drift on a standalone instance",
                "(notify only), a golden image published (instance refresh; the fleet ends on the new AMI), a late event for",
                "an older image (ignored), and a drift storm (capped, one alert). Prints each event, the decision and its reason,",
                "what changed in the fleet, and the notifications as they arrived; stops the emulator it started."},
        footer = {
                "",
                "Example (from the repository; scripts/demo builds the jar and runs this):",
                "  java -jar cli/target/drift-deploy-cli.jar demo",
                "",
                "Exit status: 0 every step went as the story says; 1 a step did not (the timeline says which) or the emulator failed."})
final class DemoCommand implements Callable<Integer> {

    private static final String ACCOUNT_REGION = "us-east-1";
    private static final Duration FLEET_TIMEOUT = Duration.ofSeconds(30);
    /** The default DRIFT_DEPLOY_BUDGET_TAG. */
    private static final String BUDGET_TAG = "drift-deploy:budget";

    @CommandLine.ParentCommand
    private Main main;

    @Override
    public Integer call() throws InterruptedException {
        Console console = main.console();
        Path root = Checkout.find().orElseThrow(() -> new CliFailure("cannot find the drift-deploy checkout (scripts/emulator and"
                + " events/) above the working directory or the jar; run the demo from the repository: scripts/demo"));
        try (LocalEmulator emulator = LocalEmulator.open(console.environment().get("AWS_ENDPOINT_URL"), root, console.out())) {
            // The emulator takes any credentials; fixed fakes keep whatever the user has configured out of it.
            System.setProperty("aws.accessKeyId", "testing");
            System.setProperty("aws.secretAccessKey", "testing");
            AwsClients aws = new AwsClients(Region.of(ACCOUNT_REGION), Optional.of(emulator.endpoint()));
            List<String> surprises = new Story(console.out(), aws, emulator.endpoint(), new DemoEvents()).play();
            if (!surprises.isEmpty()) {
                throw new CliFailure("the demo did not go as the story says:\n  " + String.join("\n  ", surprises));
            }
        }
        return 0;
    }

    /** One decision as the timeline prints it; {@code why} is its explanation or detail, if it has one. */
    private record Said(String function, Decision decision, Reason reason, String why) {
        static Said of(Result.Decided decided) {
            Object why = decided.facts().getOrDefault("explanation", decided.facts().getOrDefault("detail", ""));
            return new Said(decided.function(), decided.decision(), decided.reason(), String.valueOf(why));
        }
    }

    /** The scenario, step by step, printed as a timeline. */
    private static final class Story {
        /** Far more than steps 1 to 5 take on these machines (about 20 s): the rate window must hold them. */
        private static final Duration LONGEST_STORY = Duration.ofMinutes(2);

        private final PrintStream out;
        private final AwsClients aws;
        private final URI endpoint;
        private final DemoEvents events;
        private final Instant start = Instant.now();
        private final List<String> surprises = new ArrayList<>();
        private DemoFleet fleet;
        private Inbox inbox;
        private Settings settings;

        Story(PrintStream out, AwsClients aws, URI endpoint, DemoEvents events) {
            this.out = out;
            this.aws = aws;
            this.endpoint = endpoint;
            this.events = events;
        }

        List<String> play() throws InterruptedException {
            seed();
            startInOneRateWindow();
            driftOnOptedInInstance();
            driftOnStandaloneInstance();
            String newImage = goldenImagePublished();
            lateEventForOlderImage(newImage);
            driftStorm();
            budgetWindow();
            surgeReplacement();
            quarantine();
            line("");
            line(surprises.isEmpty()
                    ? "Done: every step went as the story says (" + elapsed() + ")."
                    : "Done, with " + surprises.size() + " surprise(s) (" + elapsed() + ").");
            return surprises;
        }

        private void seed() {
            line("Seeding the example fleet ...");
            fleet = new DemoFleet(endpoint, aws.dynamoDb(), UUID.randomUUID().toString().substring(0, 4), what -> line("  creating  " + what));
            inbox = new Inbox(fleet.sandbox.clients.sqs(), fleet.sandbox.queueUrl);
            Map<String, String> environment = new LinkedHashMap<>();
            environment.put(Settings.PREFIX + "MODE", "enforce");
            environment.put(Settings.PREFIX + "DRIFT_RULES", fleet.configRule);
            environment.put(Settings.PREFIX + "MIN_HEALTHY_PERCENT", "50");
            environment.put(Settings.PREFIX + "MAX_TERMINATIONS_PER_GROUP", "2");
            environment.put(Settings.PREFIX + "INSTANCE_WARMUP_SECONDS", "0");
            environment.put(Settings.PREFIX + "QUARANTINE_SECURITY_GROUPS", fleet.sandbox.vpcId + "=" + fleet.quarantineGroup);
            // The topic, the table and the account the functions act in, as the stack sets them: the account is the
            // emulator's (moto's), which the events name.
            settings = Settings.from(fleet.sandbox.environment(environment));
            line("  group     " + fleet.groupName + ": " + DemoFleet.GROUP_SIZE + " instances of golden image " + fleet.currentImage
                    + " (app " + DemoFleet.APP + "), opted in: drift-deploy:remediation=terminate");
            line("  group     " + fleet.surgeGroupName + ": " + DemoFleet.SURGE_GROUP_SIZE + " instances, max "
                    + DemoFleet.SURGE_GROUP_MAX + ", maintenance policy 100-110 % (launch before terminating), "
                    + "drift-deploy:replacement=surge");
            line("  group     " + fleet.vault.name + ": " + DemoFleet.VAULT_SIZE + " instances, opted in, "
                    + "drift-deploy:action=quarantine; quarantine security group " + fleet.quarantineGroup);
            line("  instance  " + fleet.standaloneId + " (legacy-bastion): standalone, in no group");
            line("  config    rule " + fleet.configRule + " counts as drift");
            line("  settings  mode enforce, min healthy 50 %, at most 2 terminations per group per hour");
            line("  topic     " + fleet.sandbox.topicArn + " -> a queue, to show the notifications");
        }

        /**
         * Steps 1 and 5 must count against one rate window: they are one termination and the
         * storm that finds the group's second and last. Rate windows are aligned to the clock, so
         * a demo that would run across the turn of one (on the hour, by default) first waits for
         * the next to begin.
         */
        private void startInOneRateWindow() throws InterruptedException {
            Instant now = Instant.now();
            Duration window = settings.drift().rateWindow();
            Instant windowEnd = DriftPolicy.rateWindowStart(now, window).plus(window);
            Duration left = Duration.between(now, windowEnd);
            if (left.compareTo(LONGEST_STORY) < 0) {
                line("  waiting   " + left.toSeconds() + " s for the next rate window (from " + windowEnd
                        + "), so that steps 1 and 5 count against one");
                Thread.sleep(left.plusSeconds(1).toMillis());
            }
        }

        private void driftOnOptedInInstance() throws InterruptedException {
            step("1", "AWS Config finds drift on an instance of the opted-in group");
            String victim = fleet.inService().get(0);
            expect(drift(victim), Decision.TERMINATE, DriftReason.DRIFT_CONFIRMED);
            awaitReplacement(Set.of(victim));
            notifications();
        }

        private void driftOnStandaloneInstance() {
            step("2", "AWS Config finds drift on the standalone instance");
            expect(drift(fleet.standaloneId), Decision.NOTIFY, DriftReason.STANDALONE_INSTANCE);
            line("  fleet     " + fleet.standaloneId + " is still " + fleet.instanceState(fleet.standaloneId)
                    + ": nothing would replace it, so people are told instead");
            notifications();
        }

        private String goldenImagePublished() throws InterruptedException {
            step("3", "The Packer pipeline publishes a new golden image of " + DemoFleet.APP);
            String image = fleet.bakeGoldenImage("1.1");
            line("  event     drift-deploy.images \"Golden Image Published\": " + image + " (app " + DemoFleet.APP + ")");
            expect(invoke("images", events.goldenImagePublished(image, DemoFleet.APP, Instant.now())), Decision.REFRESH, null);
            InstanceRefresh refresh = followRefresh();
            if (refresh.status() == InstanceRefreshStatus.SUCCESSFUL) {
                line("  event     aws.autoscaling \"EC2 Auto Scaling Instance Refresh Succeeded\": " + refresh.instanceRefreshId());
                expect(invoke("refreshes", events.refreshSucceeded(fleet.groupName, refresh.instanceRefreshId(), Instant.now())),
                        null, null);
            } else {
                surprises.add("step 3: the instance refresh ended " + refresh.statusAsString() + ": " + refresh.statusReason());
            }
            Map<String, String> images = fleet.imagesOf(fleet.inService());
            boolean allNew = images.values().stream().allMatch(image::equals);
            line("  fleet     " + images.size() + " instances, " + (allNew ? "all on the new golden image " + image : "images " + images));
            if (!allNew) {
                surprises.add("step 3: the fleet did not end on " + image + ": " + images);
            }
            notifications();
            return image;
        }

        private void lateEventForOlderImage(String newImage) {
            step("4", "A late \"EC2 AMI State Change\" arrives for the older image " + fleet.currentImage);
            line("  event     aws.ec2 \"EC2 AMI State Change\": " + fleet.currentImage + " available");
            expect(invoke("images", events.amiAvailable(fleet.currentImage, Instant.now())), Decision.SKIP,
                    RolloutReason.OLDER_THAN_RUNNING);
            Map<String, String> images = fleet.imagesOf(fleet.inService());
            line("  fleet     unchanged: " + images.size() + " instances on " + String.join(", ", new HashSet<>(images.values()))
                    + " (a late or replayed event never rolls a fleet back)");
            notifications();
            if (!images.values().stream().allMatch(newImage::equals)) {
                surprises.add("step 4: the fleet moved off " + newImage + ": " + images);
            }
        }

        private void driftStorm() throws InterruptedException {
            step("5", "A drift storm: AWS Config flags three instances of the group at once");
            List<String> flagged = fleet.inService().subList(0, 3);
            expect(drift(flagged.get(0)), Decision.TERMINATE, DriftReason.DRIFT_CONFIRMED);
            expect(drift(flagged.get(1)), Decision.NOTIFY, DriftReason.GROUP_RATE_LIMIT);
            expect(drift(flagged.get(2)), Decision.NOTIFY, DriftReason.GROUP_RATE_LIMIT);
            awaitReplacement(Set.of(flagged.get(0)));
            List<Inbox.Received> received = notifications();
            long stormAlerts = received.stream().filter(notification -> notification.kind().contains("storm")).count();
            line("  => capped at 2 terminations per group per hour; " + stormAlerts + " storm alert; remediation paused for the group");
            if (stormAlerts != 1) {
                surprises.add("step 5: expected exactly one storm alert, got " + stormAlerts);
            }
        }

        /**
         * A budget whose only window is closed now refuses before the rate limits are looked at,
         * so the step shows the budget's own refusal even though step 5 paused the group.
         */
        private void budgetWindow() {
            step("6", "A disruption budget: the team allows drift remediation only in a daily window");
            int opensAt = (ZonedDateTime.now(ZoneOffset.UTC).getHour() + 2) % 24;
            String budget = "1 at 0 " + opensAt + " @ @ @ for 1h";
            fleet.tagGroup(BUDGET_TAG, budget);
            line("  tag       " + fleet.groupName + " " + BUDGET_TAG + "='" + budget + "' (one at a time, from "
                    + opensAt + ":00 UTC for an hour each day; closed now)");
            String instance = fleet.inService().get(0);
            expect(drift(instance), Decision.NOTIFY, DriftReason.BUDGET_CLOSED);
            line("  fleet     " + instance + " is still " + fleet.instanceState(instance)
                    + ": outside its only window the group gets no remediation (default-deny)");
            notifications();
            fleet.untagGroup(BUDGET_TAG);
        }

        /**
         * Step 7: the two-instance group that surges. The drifted instance is only marked
         * Unhealthy; Auto Scaling launches its replacement, waits for it to be InService, and only
         * then terminates it. Every change of the group is printed; the group must never have fewer
         * than two InService instances nor more than its maximum.
         */
        private void surgeReplacement() throws InterruptedException {
            step("7", "AWS Config finds drift on an instance of the two-instance group that surges");
            String drifted = fleet.surgeGroupInstances().get(0).instanceId();
            expect(drift(drifted), Decision.TERMINATE, DriftReason.DRIFT_CONFIRMED);
            Instant deadline = Instant.now().plus(FLEET_TIMEOUT);
            String shown = "";
            List<software.amazon.awssdk.services.autoscaling.model.Instance> now = fleet.surgeGroupInstances();
            while (true) {
                long inService = now.stream().filter(instance -> "InService".equals(instance.lifecycleStateAsString())).count();
                String picture = now.stream().map(instance -> instance.instanceId() + " " + instance.lifecycleStateAsString()
                        + "/" + instance.healthStatus() + (instance.instanceId().equals(drifted) ? " (drifted)" : ""))
                        .collect(java.util.stream.Collectors.joining(", "));
                if (!picture.equals(shown)) {
                    line("  fleet     " + now.size() + " instances: " + picture);
                    shown = picture;
                }
                if (inService < DemoFleet.SURGE_GROUP_SIZE || now.size() > DemoFleet.SURGE_GROUP_MAX) {
                    surprises.add("step 7: the surge group had " + inService + " InService of " + now.size() + ": " + picture);
                }
                boolean replaced = now.size() == DemoFleet.SURGE_GROUP_SIZE && inService == DemoFleet.SURGE_GROUP_SIZE
                        && now.stream().noneMatch(instance -> instance.instanceId().equals(drifted));
                if (replaced || Instant.now().isAfter(deadline)) {
                    if (!replaced) {
                        surprises.add("step 7: " + drifted + " was not surge-replaced within " + FLEET_TIMEOUT.toSeconds() + " s");
                    }
                    break;
                }
                Thread.sleep(100);
                now = fleet.surgeGroupInstances();
            }
            line("  fleet     " + drifted + " " + fleet.instanceState(drifted));
            notifications();
            line("  => replaced with never fewer than " + DemoFleet.SURGE_GROUP_SIZE + " InService instances nor more than "
                    + DemoFleet.SURGE_GROUP_MAX + "; the desired capacity was never changed");
        }

        /**
         * Step 8: the vault group quarantines: the instance is isolated, snapshotted and detached,
         * the group replaces it; eight days on, the retention sweep terminates it.
         */
        private void quarantine() throws InterruptedException {
            step("8", "AWS Config finds drift in the vault group, which quarantines instead of terminating");
            String victim = fleet.vault.instanceIds().get(0);
            Result result = drift(victim);
            expect(result, Decision.QUARANTINE, DriftReason.DRIFT_QUARANTINED);
            String auditId = result instanceof Result.Decided decided ? decided.eventId() : "";
            List<List<String>> groups = fleet.interfaceGroups(victim);
            List<String> snapshots = fleet.quarantineSnapshots(auditId);
            List<String> members = fleet.vault.instanceIds();
            line("  fleet     " + victim + " " + fleet.instanceState(victim) + ", detached from " + fleet.vault.name
                    + ", security groups " + groups + ", snapshots " + snapshots);
            line("  fleet     " + fleet.vault.name + " back to " + members.size() + " instances (its replacement launched at once)");
            if (members.contains(victim) || members.size() != DemoFleet.VAULT_SIZE
                    || !groups.stream().allMatch(List.of(fleet.quarantineGroup)::equals) || snapshots.isEmpty()) {
                surprises.add("step 8: expected " + victim + " isolated, snapshotted and replaced; groups " + groups
                        + ", snapshots " + snapshots + ", members " + members);
            }
            notifications();
            Clock eightDaysOn = Clock.offset(Clock.systemUTC(), Duration.ofDays(8));
            QuarantineExpiry.Summary summary = QuarantineExpiry.wire(settings, aws,
                    new Telemetry("quarantine-sweep", new PrintStream(OutputStream.nullOutputStream()), eightDaysOn), eightDaysOn)
                    .sweep("demo-" + fleet.sandbox.prefix);
            line("  sweep     eight days on, the retention sweep: terminated " + summary.terminated() + ", kept " + summary.kept());
            line("  fleet     " + victim + " " + fleet.instanceState(victim) + "; its snapshots stay");
            if (!summary.terminated().contains(victim)) {
                surprises.add("step 8: the retention sweep did not end the quarantine of " + victim + ": " + summary.json());
            }
            notifications();
        }

        /** Records the NON_COMPLIANT evaluation in AWS Config, then hands the drift function Config's event. */
        private Result drift(String instanceId) {
            Instant now = Instant.now();
            fleet.recordNonCompliant(instanceId, now);
            line("  event     aws.config \"Config Rules Compliance Change\": " + instanceId + " NON_COMPLIANT");
            return invoke("drift", events.nonCompliant(fleet.configRule, instanceId, now));
        }

        /** Invokes the function as Lambda would; its JSON result is read back once, as what it decided. */
        private Result invoke(String function, byte[] event) {
            Clock clock = Clock.systemUTC();
            ByteArrayOutputStream result = new ByteArrayOutputStream();
            try {
                Functions.handler(function)
                        .create(settings, aws, clock, new Telemetry(function, new PrintStream(OutputStream.nullOutputStream()), clock))
                        .handleRequest(new ByteArrayInputStream(event), result, new LocalContext(function, clock, new PrintStream(OutputStream.nullOutputStream())));
            } catch (IOException e) {
                throw new CliFailure("the " + function + " function could not read its event or write its result: "
                        + e.getMessage());
            }
            try {
                return HandlerIo.readResult(result.toByteArray());
            } catch (RuntimeException notAResult) {
                throw new CliFailure("the " + function + " function's result is not its JSON result: " + notAResult.getMessage());
            }
        }

        /**
         * Prints every decision in the result and notes a surprise when the first is not the expected
         * one; a null decision or reason expects any.
         */
        private void expect(Result result, Decision decision, Reason reason) {
            List<Said> said = switch (result) {
                case Result.Decided decided -> List.of(Said.of(decided));
                case Result.Decisions decisions -> decisions.decisions().stream().map(Said::of).toList();
                case Result.Rejected rejected -> List.of(new Said(rejected.rejection().function(), Decision.REJECTED,
                        rejected.rejection().reason(), ""));
            };
            for (Said each : said) {
                line("  " + String.format(Locale.ROOT, "%-9s", each.function()) + " "
                        + each.decision().label().toUpperCase(Locale.ROOT) + " ("
                        + each.reason().label() + ")" + (each.why().isEmpty() ? "" : ": " + each.why()));
            }
            boolean asExpected = decision == null || said.stream().findFirst()
                    .filter(first -> first.decision() == decision && (reason == null || first.reason() == reason)).isPresent();
            if (!asExpected) {
                surprises.add("expected " + decision.label() + (reason == null ? "" : " (" + reason.label() + ")") + ", got "
                        + result.json());
            }
        }

        /** Waits until the group has replaced the terminated instances and says what changed. */
        private void awaitReplacement(Set<String> terminated) throws InterruptedException {
            Instant deadline = Instant.now().plus(FLEET_TIMEOUT);
            List<String> now = fleet.inService();
            while ((now.size() < DemoFleet.GROUP_SIZE || now.stream().anyMatch(terminated::contains)) && Instant.now().isBefore(deadline)) {
                Thread.sleep(250);
                now = fleet.inService();
            }
            for (String instance : terminated) {
                line("  fleet     " + instance + " " + fleet.instanceState(instance));
            }
            line("  fleet     " + fleet.groupName + " back to " + now.size() + " InService instances, launched from its launch template");
            if (now.size() < DemoFleet.GROUP_SIZE) {
                surprises.add("the group did not replace " + terminated + " within " + FLEET_TIMEOUT.toSeconds() + " s");
            }
        }

        /** Follows the group's instance refresh to its end, printing each change of its progress. */
        private InstanceRefresh followRefresh() throws InterruptedException {
            Instant deadline = Instant.now().plus(FLEET_TIMEOUT);
            String shown = "";
            while (true) {
                InstanceRefresh refresh = aws.autoScaling().describeInstanceRefreshes(r -> r.autoScalingGroupName(fleet.groupName))
                        .instanceRefreshes().get(0);
                String progress = refresh.statusAsString() + " " + (refresh.percentageComplete() == null ? 0 : refresh.percentageComplete()) + " %";
                if (!progress.equals(shown)) {
                    line("  refresh   " + refresh.instanceRefreshId() + ": " + progress);
                    shown = progress;
                }
                boolean active = refresh.status() == InstanceRefreshStatus.PENDING || refresh.status() == InstanceRefreshStatus.IN_PROGRESS;
                if (!active || Instant.now().isAfter(deadline)) {
                    return refresh;
                }
                Thread.sleep(250);
            }
        }

        private List<Inbox.Received> notifications() {
            List<Inbox.Received> received = inbox.drain();
            for (Inbox.Received notification : received) {
                line("  notified  [" + notification.severity() + "] " + notification.subject());
            }
            return received;
        }

        private void step(String number, String title) {
            line("");
            line(number + ". " + title);
        }

        private void line(String text) {
            out.println(text.isEmpty() ? "" : "[" + String.format(Locale.ROOT, "%5.1f", Duration.between(start, Instant.now()).toMillis() / 1000.0) + "s] " + text);
            out.flush();
        }

        private String elapsed() {
            return String.format(Locale.ROOT, "%.1f s", Duration.between(start, Instant.now()).toMillis() / 1000.0);
        }
    }
}
