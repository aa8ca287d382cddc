package io.driftdeploy.aws;

import static io.driftdeploy.aws.Ledger.number;
import static io.driftdeploy.aws.Ledger.text;

import io.driftdeploy.policy.BadMark;
import io.driftdeploy.policy.DriftPolicy;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.ObservedRefresh;
import io.driftdeploy.policy.StartedRefresh;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The rollout's state in the shared ledger table, and its key layout:
 * <pre>
 * ROLLOUT#&lt;group&gt;        IMAGE#&lt;ami&gt;          claim: one (image, group) rollout is started once
 * ROLLOUT#&lt;group&gt;        PENDING              the image waiting for the group's running refresh (newest wins)
 * REFRESH#&lt;refresh id&gt;   STARTED              which image drift-deploy rolls out with that refresh
 * IMAGE#&lt;ami&gt;            BAD                  the image failed a refresh: never rolled out again automatically;
 *                                              carries the evidence (refresh, group, AWS's status and reason, when read)
 *                                              and the group's name in the ledger, with its account for a member's
 * </pre>
 * The events the rollout functions handle are claimed in {@link EventClaims}, once per function and mode.
 */
public final class DynamoRolloutLedger implements RolloutLedger {

    /** Long enough that a replay of an old image event never starts the same rollout twice. */
    static final Duration ROLLOUT_RETENTION = Duration.ofDays(400);
    /** A refresh runs hours, not weeks; a pending image older than this has been superseded or forgotten. */
    static final Duration PENDING_RETENTION = Duration.ofDays(30);
    /** A bad image stays bad: the mark outlives any AMI's useful life. */
    static final Duration BAD_IMAGE_RETENTION = Duration.ofDays(3650);

    private static final String IMAGE_ID = "imageId";
    private static final String BAD = "BAD";
    private static final String AT = "at";
    private static final String STATUS_REASON = "statusReason";
    private static final String READ_AT = "readAt";
    private static final String IMAGE_CREATED = "imageCreated";
    private static final String GROUP = "group";
    private static final String LEDGER_GROUP = "ledgerGroup";

    private final Ledger ledger;
    /** A group's name in the ledger: its own, or with its account when that is a member's ({@link DriftPolicy#ledgerGroup}). */
    private final UnaryOperator<String> ledgerGroup;

    /** The function's own account's records. */
    public DynamoRolloutLedger(Ledger ledger) {
        this(ledger, UnaryOperator.identity());
    }

    private DynamoRolloutLedger(Ledger ledger, UnaryOperator<String> ledgerGroup) {
        this.ledger = ledger;
        this.ledgerGroup = ledgerGroup;
    }

    /** The records of {@code account}'s groups, kept beside those of the function's own account {@code ownAccount}. */
    public static DynamoRolloutLedger inAccount(Ledger ledger, String account, String ownAccount) {
        return new DynamoRolloutLedger(ledger, group -> DriftPolicy.ledgerGroup(account, ownAccount, group));
    }

    @Override
    public boolean claimRollout(String group, String imageId, String eventId, Instant now) {
        Ledger.Claim claim = ledger.claim(groupKey(group), "IMAGE#" + imageId, eventId, eventId, now,
                now.plus(ROLLOUT_IN_PROGRESS), now.plus(ROLLOUT_RETENTION), Map.of("eventId", text(eventId), "at", text(now.toString())));
        return claim.won();
    }

    @Override
    public void completeRollout(String group, String imageId, String eventId) {
        ledger.complete(groupKey(group), "IMAGE#" + imageId, eventId, Map.of(), List.of());
    }

    @Override
    public void releaseRollout(String group, String imageId, String eventId) {
        ledger.release(groupKey(group), "IMAGE#" + imageId, eventId);
    }

    @Override
    public boolean storePending(String group, ImageRef image, String eventId, Instant now) {
        return ledger.putIfNewer(groupKey(group), "PENDING", IMAGE_CREATED, image.created(),
                Map.of(IMAGE_ID, text(image.imageId()), "eventId", text(eventId), "at", text(now.toString())),
                now.plus(PENDING_RETENTION));
    }

    @Override
    public Optional<ImageRef> pending(String group) {
        return ledger.get(groupKey(group), "PENDING").map(item -> new ImageRef(item.get(IMAGE_ID).s(),
                Instant.ofEpochMilli(Long.parseLong(item.get(IMAGE_CREATED).n()))));
    }

    @Override
    public void clearPending(String group, String imageId) {
        ledger.deleteIf(groupKey(group), "PENDING", IMAGE_ID, text(imageId));
    }

    @Override
    public void recordStartedRefresh(StartedRefresh refresh, Instant now) {
        ledger.put(new Ledger.Put(refreshKey(refresh.refreshId()), "STARTED", Map.of(
                        "group", text(refresh.group()),
                        IMAGE_ID, text(refresh.imageId()),
                        "app", text(refresh.app()),
                        "launchTemplateId", text(refresh.launchTemplateId()),
                        "launchTemplateVersion", number(refresh.launchTemplateVersion()),
                        "at", text(now.toString())),
                now.plus(ROLLOUT_RETENTION)));
    }

    @Override
    public Optional<StartedRefresh> startedRefresh(String refreshId) {
        return ledger.get(refreshKey(refreshId), "STARTED").map(item -> new StartedRefresh(refreshId,
                item.get("group").s(), item.get(IMAGE_ID).s(), item.get("app").s(), item.get("launchTemplateId").s(),
                Long.parseLong(item.get("launchTemplateVersion").n())));
    }

    @Override
    public void markBad(StartedRefresh refresh, ObservedRefresh evidence, String eventId, Instant now) {
        Map<String, AttributeValue> attributes = new HashMap<>();
        attributes.put("refreshId", text(refresh.refreshId()));
        attributes.put(GROUP, text(refresh.group()));
        // Whoever clears the mark (the CLI, in the functions' own account) finds the rollout claim to forget under it.
        attributes.put(LEDGER_GROUP, text(ledgerGroup.apply(refresh.group())));
        attributes.put("status", text(evidence.status()));
        evidence.statusReason().ifPresent(reason -> attributes.put(STATUS_REASON, text(reason)));
        attributes.put(READ_AT, text(evidence.readAt().toString()));
        attributes.put("eventId", text(eventId));
        attributes.put(AT, text(now.toString()));
        ledger.put(new Ledger.Put(imageKey(refresh.imageId()), BAD, attributes, now.plus(BAD_IMAGE_RETENTION)));
    }

    @Override
    public Optional<BadMark> badMark(String imageId) {
        return ledger.get(imageKey(imageId), BAD).map(item -> badMark(imageId, item));
    }

    private static BadMark badMark(String imageId, Map<String, AttributeValue> item) {
        return new BadMark(imageId, item.get("refreshId").s(), item.get(GROUP).s(), item.get("status").s(),
                Optional.ofNullable(item.get(STATUS_REASON)).map(AttributeValue::s),
                Optional.ofNullable(item.get(READ_AT)).map(value -> Instant.parse(value.s())),
                item.get(AT).s());
    }

    @Override
    public Optional<BadMark> clearBadMark(String imageId) {
        Optional<Map<String, AttributeValue>> item = ledger.get(imageKey(imageId), BAD);
        Optional<BadMark> cleared = item.map(found -> badMark(imageId, found))
                .filter(mark -> ledger.deleteIf(imageKey(imageId), BAD, AT, text(mark.markedAt())));
        // The group's claim as the marking function keyed it: a member's under its account, whichever ledger clears
        // (a mark written before the ledger group was recorded is the own account's).
        cleared.ifPresent(mark -> {
            String markedGroup = Optional.ofNullable(item.get().get(LEDGER_GROUP)).map(AttributeValue::s)
                    .orElseGet(() -> ledgerGroup.apply(mark.group()));
            ledger.forget(rolloutKey(markedGroup), "IMAGE#" + imageId);
        });
        return cleared;
    }

    private String groupKey(String group) {
        return rolloutKey(ledgerGroup.apply(group));
    }

    /** The partition of a group's rollout claims, by the group's name in the ledger. */
    private static String rolloutKey(String ledgerGroup) {
        return "ROLLOUT#" + ledgerGroup;
    }

    private static String refreshKey(String refreshId) {
        return "REFRESH#" + refreshId;
    }

    private static String imageKey(String imageId) {
        return "IMAGE#" + imageId;
    }
}
