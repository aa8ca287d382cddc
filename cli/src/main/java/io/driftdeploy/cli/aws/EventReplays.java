package io.driftdeploy.cli.aws;

import io.driftdeploy.aws.RequiresIam;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DescribeArchiveResponse;
import software.amazon.awssdk.services.eventbridge.model.DescribeReplayResponse;
import software.amazon.awssdk.services.eventbridge.model.ReplayState;

/** EventBridge archives and replays: what an archive holds, and a replay started from it and followed. */
public final class EventReplays {

    private final EventBridgeClient events;

    public EventReplays(EventBridgeClient events) {
        this.events = events;
    }

    /** An archive and the event bus whose events it keeps (the replay goes back to that bus). */
    public record Archive(String name, String arn, String busArn, String state, long eventCount) {
    }

    /** Where a replay stands; lastReplayed is the event time it has reached, once it has one. */
    public record Progress(ReplayState state, Optional<String> reason, Optional<Instant> lastReplayed) {
        public boolean finished() {
            return state == ReplayState.COMPLETED || state == ReplayState.FAILED || state == ReplayState.CANCELLED;
        }
    }

    @RequiresIam("events:DescribeArchive")
    public Archive archive(String name) {
        DescribeArchiveResponse archive = events.describeArchive(r -> r.archiveName(name));
        return new Archive(archive.archiveName(), archive.archiveArn(), archive.eventSourceArn(), archive.stateAsString(),
                archive.eventCount() == null ? 0 : archive.eventCount());
    }

    /** The ARN of a rule on the archive's bus, for the replay's filter (StartReplay takes ARNs, people type names). */
    @RequiresIam("events:DescribeRule")
    public String ruleArn(String ruleName, String busArn) {
        return events.describeRule(r -> r.name(ruleName).eventBusName(busArn)).arn();
    }

    /** Replays the archive's events of [from, to) to the bus they came from, to every rule or only to ruleArn. */
    @RequiresIam("events:StartReplay")
    public void start(String replayName, Archive archive, Instant from, Instant to, Optional<String> ruleArn) {
        events.startReplay(r -> r
                .replayName(replayName)
                .eventSourceArn(archive.arn())
                .eventStartTime(from)
                .eventEndTime(to)
                .destination(d -> {
                    d.arn(archive.busArn());
                    ruleArn.ifPresent(d::filterArns);
                }));
    }

    @RequiresIam("events:DescribeReplay")
    public Progress progress(String replayName) {
        DescribeReplayResponse replay = events.describeReplay(r -> r.replayName(replayName));
        return new Progress(replay.state(), Optional.ofNullable(replay.stateReason()).filter(reason -> !reason.isBlank()),
                Optional.ofNullable(replay.eventLastReplayedTime()));
    }
}
