package io.driftdeploy.event;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One message on the scheduled sweep's queue (docs/sweep.md): the schedule's {@link Start}, a
 * {@link ListPage} of one drift rule's non-compliant results, one {@link Evaluate} of one
 * instance by one rule, the {@link ListApps} step that finds the applications, or one
 * {@link CatchUp} of one application to its newest golden image, or the {@link EndQuarantines}
 * step that ends the quarantines whose retention is over. Each says only where to look:
 * every fact that decides is read again from AWS, as for an event.
 */
public sealed interface SweepMessage {

    /** The field that names the kind of message. */
    String KIND = "sweep";

    /** The sweep this message belongs to: the schedule's time, or the id an operator gave. */
    String sweepId();

    /** The schedule fired (or an operator asked): list every drift rule. */
    record Start(String sweepId) implements SweepMessage {
        public Start {
            Objects.requireNonNull(sweepId, "sweepId");
        }
    }

    /** One page of one rule's NON_COMPLIANT results, from {@code nextToken} (the first page when empty). */
    record ListPage(String sweepId, String ruleName, Optional<String> nextToken) implements SweepMessage {
        public ListPage {
            Objects.requireNonNull(sweepId, "sweepId");
            Objects.requireNonNull(ruleName, "ruleName");
            Objects.requireNonNull(nextToken, "nextToken");
        }
    }

    /** One NON_COMPLIANT result as AWS Config listed it: the rule, the resource as evaluated, and its time. */
    record Evaluate(String sweepId, String ruleName, String resourceType, String resourceId, Instant orderingTimestamp)
            implements SweepMessage {
        public Evaluate {
            Objects.requireNonNull(sweepId, "sweepId");
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
        public String eventId() {
            return sweepId + "#sweep#" + ruleName + "#" + resourceId + "#" + orderingTimestamp;
        }
    }

    /** Find every application some group names, to catch each up on its own. */
    record ListApps(String sweepId) implements SweepMessage {
        public ListApps {
            Objects.requireNonNull(sweepId, "sweepId");
        }
    }

    /** Catch the application's groups up to its newest trusted golden image, should an image event have been missed. */
    record CatchUp(String sweepId, String app) implements SweepMessage {
        public CatchUp {
            Objects.requireNonNull(sweepId, "sweepId");
            Objects.requireNonNull(app, "app");
        }
    }

    /** End every quarantine whose retention is over and that no person keeps (docs/quarantine.md). */
    record EndQuarantines(String sweepId) implements SweepMessage {
        public EndQuarantines {
            Objects.requireNonNull(sweepId, "sweepId");
        }
    }

    /** A message body as the queue delivers it; an {@link InvalidEventException} names the field that is wrong. */
    static SweepMessage parse(String body) {
        JsonField root = JsonField.parseDocument(body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        String sweepId = root.text("sweepId", FieldLimits.EVENT_ID);
        return switch (root.text(KIND, FieldLimits.EVENT_ID)) {
            case "start" -> new Start(sweepId);
            case "list" -> new ListPage(sweepId, root.text("rule", FieldLimits.CONFIG_RULE_NAME),
                    root.optionalText("nextToken"));
            case "evaluate" -> {
                String resourceType = root.text("resourceType", FieldLimits.CONFIG_RESOURCE_TYPE);
                if (!ComplianceChange.INSTANCE_RESOURCE_TYPES.contains(resourceType)) {
                    throw root.invalid("resourceType", "expected " + ComplianceChange.EC2_INSTANCE + " or "
                            + ComplianceChange.SSM_MANAGED_INSTANCE_INVENTORY + ", got " + FieldLimits.echo(resourceType));
                }
                yield new Evaluate(sweepId, root.text("rule", FieldLimits.CONFIG_RULE_NAME), resourceType,
                        root.text("resourceId", FieldLimits.INSTANCE_ID), root.instant("orderingTimestamp"));
            }
            case "apps" -> new ListApps(sweepId);
            case "app" -> new CatchUp(sweepId, root.text("app", FieldLimits.TAG_VALUE));
            case "quarantines" -> new EndQuarantines(sweepId);
            default -> throw root.invalid(KIND, "expected start, list, evaluate, apps, app or quarantines, got "
                    + FieldLimits.echo(root.text(KIND)));
        };
    }

    /** The message body that {@link #parse} reads back as this message. */
    default String json() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        switch (this) {
            case Start start -> node.put(KIND, "start").put("sweepId", start.sweepId());
            case ListPage page -> {
                node.put(KIND, "list").put("sweepId", page.sweepId()).put("rule", page.ruleName());
                page.nextToken().ifPresent(token -> node.put("nextToken", token));
            }
            case Evaluate evaluate -> node.put(KIND, "evaluate").put("sweepId", evaluate.sweepId())
                    .put("rule", evaluate.ruleName()).put("resourceType", evaluate.resourceType())
                    .put("resourceId", evaluate.resourceId())
                    .put("orderingTimestamp", evaluate.orderingTimestamp().toString());
            case ListApps apps -> node.put(KIND, "apps").put("sweepId", apps.sweepId());
            case CatchUp catchUp -> node.put(KIND, "app").put("sweepId", catchUp.sweepId()).put("app", catchUp.app());
            case EndQuarantines end -> node.put(KIND, "quarantines").put("sweepId", end.sweepId());
        }
        return node.toString();
    }
}
