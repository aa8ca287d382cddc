package io.driftdeploy.event;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftdeploy.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One message on the scheduled sweep's queue (docs/sweep.md): the schedule's {@link Start}, then
 * for each account the sweep serves the {@link ListRules} step that finds its drift rules, a
 * {@link ListPage} of one drift rule's non-compliant results, one {@link Evaluate} of one
 * instance by one rule, the {@link ListApps} step that finds the applications, or one
 * {@link CatchUp} of one application to its newest golden image, or the {@link EndQuarantines}
 * step that ends the quarantines whose retention is over. Each says only where to look:
 * every fact that decides is read again from AWS, as for an event.
 */
public sealed interface SweepMessage {

    /** The field that names the kind of message. */
    String KIND = "sweep";
    /**
     * The field that names the account a message is about. A message without it was sent by the
     * release before organizations were served, and is about the queue's own account, the central one.
     */
    String ACCOUNT = "account";

    /** The sweep this message belongs to: the schedule's time, or the id an operator gave. */
    String sweepId();

    /** A step in one account: its drift rules, its instances, its applications, its quarantines. */
    sealed interface InAccount extends SweepMessage {

        String account();

        /**
         * The id that claims this step: {@code <sweepId>#<step>}, followed by {@code #<account>} for
         * a member account. The central account's ids are those of the release before organizations,
         * so that a sweep in flight during an upgrade is not repeated.
         */
        default String stepId(String step, String centralAccount) {
            return sweepId() + "#" + step + (account().equals(centralAccount) ? "" : "#" + account());
        }
    }

    /** The schedule fired (or an operator asked): sweep every account served. */
    record Start(String sweepId) implements SweepMessage {
        public Start {
            Objects.requireNonNull(sweepId, "sweepId");
        }
    }

    /** Find the account's drift rules (those named, and those starting with the prefix there) and list each. */
    record ListRules(String sweepId, String account) implements InAccount {
        public ListRules {
            Objects.requireNonNull(sweepId, "sweepId");
            Objects.requireNonNull(account, "account");
        }
    }

    /** One page of one rule's NON_COMPLIANT results, from {@code nextToken} (the first page when empty). */
    record ListPage(String sweepId, String account, String ruleName, Optional<String> nextToken) implements InAccount {
        public ListPage {
            Objects.requireNonNull(sweepId, "sweepId");
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(ruleName, "ruleName");
            Objects.requireNonNull(nextToken, "nextToken");
        }
    }

    /** One NON_COMPLIANT result as AWS Config listed it: the rule, the resource as evaluated, and its time. */
    record Evaluate(String sweepId, String account, String ruleName, String resourceType, String resourceId,
                    Instant orderingTimestamp) implements InAccount {
        public Evaluate {
            Objects.requireNonNull(sweepId, "sweepId");
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(ruleName, "ruleName");
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceId, "resourceId");
            Objects.requireNonNull(orderingTimestamp, "orderingTimestamp");
        }

        /**
         * The evaluation's event id, which the drift path claims: the same for every copy of this
         * message (a listing sent again, a message SQS delivers twice), so it is decided once per
         * sweep; a later sweep decides the instance again, since a decision not to act (a rate
         * limit, a closed budget window) must be tried again.
         */
        public String eventId(String centralAccount) {
            return stepId("sweep#" + ruleName + "#" + resourceId + "#" + orderingTimestamp, centralAccount);
        }
    }

    /** Find every application some group of the account names, to catch each up on its own. */
    record ListApps(String sweepId, String account) implements InAccount {
        public ListApps {
            Objects.requireNonNull(sweepId, "sweepId");
            Objects.requireNonNull(account, "account");
        }
    }

    /** Catch the application's groups in the account up to its newest trusted golden image, should an image event have been missed. */
    record CatchUp(String sweepId, String account, String app) implements InAccount {
        public CatchUp {
            Objects.requireNonNull(sweepId, "sweepId");
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(app, "app");
        }
    }

    /** End every quarantine in the account whose retention is over and that no person keeps (docs/quarantine.md). */
    record EndQuarantines(String sweepId, String account) implements InAccount {
        public EndQuarantines {
            Objects.requireNonNull(sweepId, "sweepId");
            Objects.requireNonNull(account, "account");
        }
    }

    /**
     * A message body as the queue of {@code queueAccount} delivers it, about that account when it
     * names none; an {@link InvalidEventException} names the field that is wrong.
     */
    static SweepMessage parse(String body, String queueAccount) {
        JsonField root = JsonField.parseDocument(body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        String sweepId = root.text("sweepId", FieldLimits.EVENT_ID);
        String kind = root.text(KIND, FieldLimits.EVENT_ID);
        if (kind.equals("start")) {
            return new Start(sweepId);
        }
        String account = root.optionalText(ACCOUNT, FieldLimits.ACCOUNT).orElse(queueAccount);
        return switch (kind) {
            case "rules" -> new ListRules(sweepId, account);
            case "list" -> new ListPage(sweepId, account, root.text("rule", FieldLimits.CONFIG_RULE_NAME),
                    root.optionalText("nextToken"));
            case "evaluate" -> {
                String resourceType = root.text("resourceType", FieldLimits.CONFIG_RESOURCE_TYPE);
                if (!ComplianceChange.INSTANCE_RESOURCE_TYPES.contains(resourceType)) {
                    throw root.invalid("resourceType", "expected " + ComplianceChange.EC2_INSTANCE + " or "
                            + ComplianceChange.SSM_MANAGED_INSTANCE_INVENTORY + ", got " + FieldLimits.echo(resourceType));
                }
                yield new Evaluate(sweepId, account, root.text("rule", FieldLimits.CONFIG_RULE_NAME), resourceType,
                        root.text("resourceId", FieldLimits.INSTANCE_ID), root.instant("orderingTimestamp"));
            }
            case "apps" -> new ListApps(sweepId, account);
            case "app" -> new CatchUp(sweepId, account, root.text("app", FieldLimits.TAG_VALUE));
            case "quarantines" -> new EndQuarantines(sweepId, account);
            default -> throw root.invalid(KIND, "expected start, rules, list, evaluate, apps, app or quarantines, got "
                    + FieldLimits.echo(kind));
        };
    }

    /** The message body that {@link #parse} reads back as this message. */
    default String json() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        switch (this) {
            case Start start -> node.put(KIND, "start").put("sweepId", start.sweepId());
            case ListRules rules -> node.put(KIND, "rules").put("sweepId", rules.sweepId()).put(ACCOUNT, rules.account());
            case ListPage page -> {
                node.put(KIND, "list").put("sweepId", page.sweepId()).put(ACCOUNT, page.account()).put("rule", page.ruleName());
                page.nextToken().ifPresent(token -> node.put("nextToken", token));
            }
            case Evaluate evaluate -> node.put(KIND, "evaluate").put("sweepId", evaluate.sweepId())
                    .put(ACCOUNT, evaluate.account()).put("rule", evaluate.ruleName())
                    .put("resourceType", evaluate.resourceType()).put("resourceId", evaluate.resourceId())
                    .put("orderingTimestamp", evaluate.orderingTimestamp().toString());
            case ListApps apps -> node.put(KIND, "apps").put("sweepId", apps.sweepId()).put(ACCOUNT, apps.account());
            case CatchUp catchUp -> node.put(KIND, "app").put("sweepId", catchUp.sweepId()).put(ACCOUNT, catchUp.account())
                    .put("app", catchUp.app());
            case EndQuarantines end -> node.put(KIND, "quarantines").put("sweepId", end.sweepId()).put(ACCOUNT, end.account());
        }
        return Json.PLAIN.write(node);
    }
}
