package io.driftdeploy.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.config.Mode;
import io.driftdeploy.event.ComplianceChange;
import io.driftdeploy.event.ComplianceType;
import io.driftdeploy.event.RefreshKind;
import io.driftdeploy.orchestration.Result;
import io.driftdeploy.policy.BadMark;
import io.driftdeploy.policy.ChurnBreaker;
import io.driftdeploy.policy.ClearedReason;
import io.driftdeploy.policy.Decision;
import io.driftdeploy.policy.DriftCase;
import io.driftdeploy.policy.DriftReason;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.RateScope;
import io.driftdeploy.policy.RefreshOutcomes;
import io.driftdeploy.policy.RefreshReason;
import io.driftdeploy.policy.Rejection;
import io.driftdeploy.policy.RejectionReason;
import io.driftdeploy.policy.RolloutReason;
import io.driftdeploy.testing.Checkout;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/safety-rules.md against the code: each table lists every reason the code has, once, and no
 * other, with the rule, decision and notification (its severity, or {@code no}) the code gives it.
 * The meaning column is for people and is not checked. A row reads "rule | reason | decision |
 * notified", with the columns a table has; for decision, notified and pending image only the first
 * word counts, so a cell may say more after it.
 */
class SafetyRulesDocTest {

    private static final String DOC = "docs/safety-rules.md";
    private static final Set<String> FIRST_WORD_COLUMNS = Set.of("decision", "notified", "pending image");
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final DriftCase DRIFT = DriftCase.of(new Evaluation("5f1c2a7e-3b9d-4c1e-8f20-6a7b8c9d0e11",
                    "123456789012", "us-east-1", "drift-deploy-ec2-imdsv2-check", ComplianceChange.EC2_INSTANCE,
                    "i-0abc1234def567890", ComplianceType.NON_COMPLIANT, NOW), Mode.ENFORCE)
            .inGroup("shop-blue", Optional.of("shop"), Mode.ENFORCE);

    @Test
    void theDriftTableIsEveryDriftReason() throws IOException {
        List<String> code = Stream.of(DriftReason.values()).map(reason -> row(
                reason.rule().number() + " " + reason.rule().label(), reason.label(), reason.decision().decision().label(),
                notified(DriftReports.decision(DRIFT, reason, List.of(), Map.of())))).toList();

        assertThat(table("## Drift: when an instance is terminated", "rule", "reason", "decision", "notified"))
                .containsExactlyInAnyOrderElementsOf(code);
    }

    @Test
    void theRolloutTableIsEveryRolloutReason() throws IOException {
        List<String> code = new ArrayList<>(Stream.of(RolloutReason.values())
                .map(reason -> row(reason.label(), rolloutDecision(reason), rolloutNotified(reason))).toList());
        // Rule 10's reasons, a refresh event AWS contradicts and a person's clearing of a bad mark, are listed there too.
        RefreshOutcomes.Verdict mismatch = RefreshOutcomes.verdict(RefreshKind.SUCCEEDED, Optional.of("InProgress"));
        code.add(row(mismatch.reason().label(), Decision.NOTIFY.label(), mismatch.severity().label()));
        RefreshOutcomes.Verdict notFound = RefreshOutcomes.verdict(RefreshKind.SUCCEEDED, Optional.empty());
        code.add(row(notFound.reason().label(), Decision.REFUSE.label(), notFound.severity().label()));
        code.add(row(ClearedReason.BAD_MARK_CLEARED.label(), badMarkCleared().decision().label(), notified(badMarkCleared())));

        assertThat(table("## Rollout: when a golden image is rolled out", "reason", "decision", "notified"))
                .containsExactlyInAnyOrderElementsOf(code);
    }

    @Test
    void theRefreshOutcomesTableIsEveryRefreshEvent() throws IOException {
        List<String> code = Stream.of(RefreshKind.values()).map(kind -> {
            RefreshOutcomes.Meaning meaning = RefreshOutcomes.meaning(kind);
            return row(kind.detailType().replace("EC2 Auto Scaling Instance Refresh ", ""), RefreshReason.of(kind).label(),
                    meaning.marksImageBad() ? Decision.MARK_BAD.label() : Decision.NOTIFY.label(),
                    meaning.severity().label(), meaning.releasesPending() ? "starts" : "waits");
        }).toList();

        assertThat(table("### What each refresh event means",
                "event", "reason", "decision", "notified", "pending image"))
                .containsExactlyInAnyOrderElementsOf(code);
    }

    @Test
    void theRejectionTableIsEveryRejectionReason() throws IOException {
        List<String> code = Stream.of(RejectionReason.values()).map(reason -> {
            assertThat(reason.label()).matches("[a-z]+(-[a-z]+)*");
            Rejection rejection = new Rejection("drift", reason, "account", "a problem", Map.of());
            Object decision = new Result.Rejected(rejection, new Result.Delivery.Published("message-1")).json().get("decision");
            return row(reason.label(), (String) decision, RejectionNotice.of(rejection).severity().label());
        }).toList();

        assertThat(table("## Rejected events: what a rejection looks like", "reason", "decision", "notified"))
                .containsExactlyInAnyOrderElementsOf(code);
    }

    @Test
    void theOtherReportsAreTheStormAlertsAndTheBreakerClearing() throws IOException {
        List<Report> reports = new ArrayList<>();
        for (RateScope scope : RateScope.values()) {
            reports.add(DriftReports.storm(DRIFT, scope, "shop-blue", 2, NOW, NOW.plusSeconds(3600)));
        }
        reports.add(DriftReports.breakerCleared("123456789012", "shop-blue", "drift-deploy-ec2-imdsv2-check",
                new ChurnBreaker.Breaker(NOW, "i-0abc1234def567890"), NOW));
        List<String> code = reports.stream().map(report -> row(report.reason().label(), report.decision().label(), notified(report))).toList();

        assertThat(table("## Other reports", "reason", "decision", "notified")).containsExactlyInAnyOrderElementsOf(code);
    }

    /**
     * RolloutReason carries no decision of its own: the rule that gives the reason picks it, in
     * ImageRules and Rollouts (the image's rules, skip) and RolloutRules and GroupDecision (one
     * group). Exhaustive on purpose: a new reason does not compile until it says its decision here.
     */
    private static String rolloutDecision(RolloutReason reason) {
        return (switch (reason) {
            case IMAGE_NOT_FOUND, IMAGE_NOT_AVAILABLE, UNTRUSTED_OWNER, MISSING_APP_TAG, APP_MISMATCH, NOT_GOLDEN_IMAGE,
                 IMAGE_MARKED_BAD, NO_TARGET_GROUPS, OLDER_THAN_RUNNING, OLDER_THAN_REFRESHING, OLDER_THAN_PENDING,
                 UNSUPPORTED_STRATEGY, NO_LAUNCH_TEMPLATE, MIXED_INSTANCES_POLICY, UNPINNED_LAUNCH_TEMPLATE, SSM_IMAGE_ALIAS,
                 TEMPLATE_NOT_APP_TAGGED, INVALID_GROUP_TAG, INVALID_BUDGET_TAG, BUDGET_CLOSED, ALREADY_STARTED,
                 DUPLICATE_EVENT -> Decision.SKIP;
            case MANUAL_STRATEGY, REFRESH_NOT_STARTED -> Decision.NOTIFY;
            case REFRESH_IN_PROGRESS -> Decision.PENDING;
            case NEWER_IMAGE -> Decision.REFRESH;
        }).label();
    }

    /** Every rollout decision is announced at its reason's severity, but a duplicate, which is only audited. */
    private static String rolloutNotified(RolloutReason reason) {
        return reason == RolloutReason.DUPLICATE_EVENT
                ? notified(RolloutReports.duplicate("images", "event-1", "ami-0123456789abcdef0", Mode.ENFORCE))
                : reason.severity().label();
    }

    private static Report badMarkCleared() {
        return RefreshReports.badMarkCleared(new BadMark("ami-0123456789abcdef0", "refresh-1", "shop-blue",
                "RollbackSuccessful", Optional.empty(), Optional.of(NOW), NOW.toString()), NOW);
    }

    private static String notified(Report report) {
        return report.notification().map(notification -> notification.severity().label()).orElse("no");
    }

    private static String row(String... cells) {
        return String.join(" | ", cells);
    }

    /**
     * The rows of the first table after {@code heading}, as {@link #row} joins them: the cells of
     * the columns whose header starts with each of {@code columns}, without backticks.
     */
    private static List<String> table(String heading, String... columns) throws IOException {
        List<String> lines = Files.readAllLines(Checkout.root().resolve(DOC));
        int at = lines.indexOf(heading);
        assertThat(at).as("%s has the heading %s", DOC, heading).isNotNegative();
        int header = at + 1;
        while (header < lines.size() && !lines.get(header).startsWith("|")) {
            assertThat(lines.get(header)).as("a table under %s before the next heading", heading).doesNotStartWith("#");
            header++;
        }
        List<String> names = cells(lines.get(header));
        int[] picked = Arrays.stream(columns).mapToInt(column -> {
            int index = names.stream().filter(name -> name.startsWith(column)).findFirst().map(names::indexOf).orElse(-1);
            assertThat(index).as("the table under %s has the column %s: %s", heading, column, names).isNotNegative();
            return index;
        }).toArray();
        List<String> rows = new ArrayList<>();
        for (int line = header + 2; line < lines.size() && lines.get(line).startsWith("|"); line++) {
            List<String> cells = cells(lines.get(line));
            rows.add(row(Arrays.stream(picked).mapToObj(index -> FIRST_WORD_COLUMNS.contains(names.get(index))
                    ? cells.get(index).split("[ ,;:]", 2)[0] : cells.get(index)).toArray(String[]::new)));
        }
        return rows;
    }

    private static List<String> cells(String line) {
        String inner = line.strip().substring(1, line.strip().length() - 1);
        return Arrays.stream(inner.split("\\|", -1)).map(cell -> cell.replace("`", "").strip()).toList();
    }
}
