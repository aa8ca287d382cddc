package io.driftdeploy.cli;

import io.driftdeploy.config.Settings;
import io.driftdeploy.message.Hints;
import io.driftdeploy.policy.BudgetVerdict;
import io.driftdeploy.policy.ChurnBreaker.Breaker;
import io.driftdeploy.policy.GroupDecision;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.MinHealthy;
import io.driftdeploy.policy.RemediationAction;
import io.driftdeploy.policy.ReplacementChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each group's status as a block of rows, a label and its value, the last decisions as the history
 * table ({@link HistoryTable}) under them. Every value says what the rule it comes from decided and,
 * where a person can act on it, how.
 */
final class StatusTable {

    /** One row of a group's block: what it is about, and what the rule says. */
    record Row(String label, String value) {
    }

    static final int LABEL_WIDTH = 15;
    static final String INDENT = "  ";

    private StatusTable() {
    }

    static String render(List<GroupStatus> statuses, Settings settings) {
        StringBuilder text = new StringBuilder();
        for (GroupStatus status : statuses) {
            if (!text.isEmpty()) {
                text.append(System.lineSeparator());
            }
            text.append("GROUP ").append(status.group()).append(System.lineSeparator());
            for (Row row : rows(status, settings)) {
                text.append(INDENT).append(String.format("%-" + LABEL_WIDTH + "s", row.label())).append(' ')
                        .append(HistoryTable.fit(row.value(), Integer.MAX_VALUE)).append(System.lineSeparator());
            }
            text.append(INDENT).append("last decisions").append(System.lineSeparator());
            String decisions = status.lastDecisions().isEmpty() ? "none recorded" + System.lineSeparator()
                    : HistoryTable.render(status.lastDecisions());
            decisions.lines().forEach(line -> text.append(INDENT).append(INDENT).append(line).append(System.lineSeparator()));
        }
        return text.toString();
    }

    static List<Row> rows(GroupStatus status, Settings settings) {
        List<Row> rows = new ArrayList<>();
        status.account().ifPresent(account -> rows.add(row("account", account(account))));
        rows.add(row("mode", status.mode().label() + status.modeTag()
                .map(value -> " (group tag " + settings.modeTag() + "=" + value + ")")
                .orElse(" (the global mode: no " + settings.modeTag() + " tag)")));
        rows.add(row("strategy", strategy(status, settings.rollout().strategyTag())));
        rows.add(row("capacity", capacity(status.capacity(), status.group())));
        rows.add(row("remediation", remediation(status.action())));
        rows.add(row("replacement", replacement(status.replacement())));
        rows.add(row("drift budget", budget(status.budget())));
        GroupStatus.RateWindow rates = status.rates();
        rows.add(row("rate window", rates.start() + " to " + rates.end()));
        rows.add(row("group rate", rate(rates.group())));
        rows.add(row("account rate", rate(rates.account()) + " (account " + rates.account().name() + ")"));
        rates.organization().ifPresent(organization -> rows.add(row("org rate", rate(organization)
                + " (every account served, counted under account " + organization.name() + ")")));
        rows.add(row("storm breaker", storm(rates)));
        rows.addAll(churn(status));
        rows.add(row("refresh", status.refresh().map(refresh -> refresh.refreshId().map(id -> id + " ").orElse("")
                + refresh.status() + refresh.targetImage().map(image -> " to " + image).orElse("")).orElse("none")));
        Optional<GroupStatus.Rollout> rollout = status.rollout();
        if (rollout.isEmpty()) {
            rows.add(row("rollout", "none: the group carries no " + settings.rollout().appTag() + " tag"));
            return rows;
        }
        GroupStatus.Rollout images = rollout.get();
        rows.add(row("app", images.app()));
        rows.add(row("rollout budget", budget(images.budget())));
        rows.add(row("pending image", images.pending().map(image -> image(image) + ", starts when the refresh ends").orElse("none")));
        rows.add(row("image", images.running().map(StatusTable::image)
                .or(() -> images.runningImage().map(image -> image + " (no creation time: not an AMI EC2 describes)"))
                .orElse("none: the launch template names no image")));
        rows.add(row("newest golden", newest(images, settings)));
        return rows;
    }

    private static String account(GroupStatus.Account account) {
        return account.id() + account.roleArn().map(role -> ", read through " + role + " (session drift-deploy-" + AccountOptions.SESSION + ")")
                .orElse(", the central account, read with the caller's own credentials")
                + "; the ledger keeps the group as " + account.ledgerGroup();
    }

    private static String strategy(GroupStatus status, String tag) {
        if (status.strategy().isEmpty()) {
            return "none: group tag " + tag + "=" + status.strategyTag().orElseThrow()
                    + " names no strategy drift-deploy implements (refresh, manual), so no image rolls out";
        }
        String name = status.strategy().get().name().toLowerCase(java.util.Locale.ROOT);
        return name + status.strategyTag().map(value -> " (group tag " + tag + "=" + value + ")").orElse(" (no " + tag + " tag)");
    }

    private static String remediation(RemediationAction action) {
        return switch (action) {
            case RemediationAction.Chosen chosen -> chosen.kind().label()
                    + (chosen.is(RemediationAction.Kind.QUARANTINE) ? ": isolate, snapshot, detach with replacement" : "");
            case RemediationAction.Invalid invalid -> "none: group tag " + invalid.tagKey() + "=" + invalid.tagValue()
                    + " names neither terminate nor quarantine, so nothing is remediated (invalid-action-tag)";
        };
    }

    private static String replacement(ReplacementChoice replacement) {
        return switch (replacement) {
            case ReplacementChoice.Terminate terminate -> "terminate, then the group launches the replacement ("
                    + terminate.from() + ")";
            case ReplacementChoice.Surge surge -> "surge: the replacement InService before the instance goes (" + surge.from()
                    + "); room for " + Math.max(surge.room(), 0) + " more under MaxSize " + surge.maxSize();
            case ReplacementChoice.CannotSurge cannot -> "none: surge chosen (" + cannot.from() + "), but " + cannot.why()
                    + "; nothing is replaced (cannot-surge): " + cannot.fix();
            case ReplacementChoice.InvalidTag invalid -> "none: group tag " + invalid.tagKey() + "=" + invalid.tagValue()
                    + " names neither terminate nor surge, so nothing is replaced (invalid-replacement-tag)";
        };
    }

    private static String capacity(GroupStatus.Capacity capacity, String group) {
        String counts = capacity.desiredCapacity() + " desired, " + capacity.healthyInService() + " healthy InService";
        return switch (capacity.minHealthy()) {
            case MinHealthy.Percent percent -> counts + ", min healthy " + percent.value() + " %"
                    + (percent.fromTag() ? " (group tag " + percent.tagKey() + ")" : "") + ": "
                    + Math.max(0, capacity.allowance()) + " more may go out of service now";
            case MinHealthy.Invalid invalid -> counts + "; " + invalid.detail(group);
        };
    }

    private static String budget(BudgetVerdict budget) {
        return switch (budget) {
            case BudgetVerdict.Unbudgeted none -> none.detail();
            case BudgetVerdict.Active active -> active.detail() + ": " + active.allowance() + " more may go now";
            case BudgetVerdict.Shut shut -> "shut: " + shut.detail();
        };
    }

    private static String rate(GroupStatus.Scope scope) {
        return scope.use().terminations() + " of " + scope.limit() + " terminations in the window, " + scope.left() + " left";
    }

    private static String storm(GroupStatus.RateWindow rates) {
        List<String> open = new ArrayList<>();
        if (rates.group().use().circuitOpen()) {
            open.add("the group's");
        }
        if (rates.account().use().circuitOpen()) {
            open.add("the account's");
        }
        if (rates.organization().filter(organization -> organization.use().circuitOpen()).isPresent()) {
            open.add("the organization's");
        }
        if (open.isEmpty()) {
            return "closed";
        }
        return "open: " + String.join(" and ", open) + " rate limit was reached; remediation is paused until " + rates.end()
                + ", when the window ends and it closes by itself";
    }

    private static List<Row> churn(GroupStatus status) {
        if (status.breakers().isEmpty()) {
            return List.of(row("churn breaker", "no drift rules (DRIFT_DEPLOY_DRIFT_RULES, DRIFT_DEPLOY_DRIFT_RULE_PREFIX)"));
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Optional<Breaker>> rule : status.breakers().entrySet()) {
            rule.getValue().ifPresent(breaker -> rows.add(row("churn breaker", "open for rule " + rule.getKey() + " since "
                    + breaker.openedAt() + " (tripped by " + breaker.instanceId() + "); clear with "
                    + Hints.clearBreaker(status.ledgerGroup(), rule.getKey()))));
        }
        if (rows.isEmpty()) {
            rows.add(row("churn breaker", "closed (rules " + String.join(", ", status.breakers().keySet()) + ")"));
        }
        return rows;
    }

    private static String newest(GroupStatus.Rollout images, Settings settings) {
        if (images.newest().isEmpty()) {
            return images.refused().map(refused -> "none the rollout rules accept: the newest, " + refused.imageId()
                            + ", is refused (" + refused.verdict().reason().label() + "): " + refused.verdict().detail())
                    .orElse("none: EC2 lists no image tagged " + settings.rollout().appTag() + "=" + images.app() + " and "
                            + settings.rollout().goldenImageTag() + " owned by " + String.join(", ", settings.rollout().trustedAccounts()));
        }
        GroupDecision decision = images.decision().orElseThrow();
        return image(images.newest().get().image().ref()) + ": the images function would decide "
                + decision.outcome().decision().label() + " (" + decision.reason().label() + ", " + decision.mode().label()
                + "): " + decision.detail();
    }

    private static String image(ImageRef image) {
        return image.imageId() + " (created " + image.created() + ")";
    }

    private static Row row(String label, String value) {
        return new Row(label, value);
    }
}
