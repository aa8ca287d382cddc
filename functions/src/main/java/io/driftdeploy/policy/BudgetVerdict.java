package io.driftdeploy.policy;

import io.driftdeploy.config.Settings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a group's disruption budgets allow for one cause of disruption at one moment: how many more
 * of its instances may be taken out of service now. The group's own budget tags ({@code <tag>} and
 * {@code <tag>/<anything>}, one budget each) apply when it has any, else the budgets of the
 * settings. Of the budgets covering the cause, the most restrictive active one decides. When every
 * such budget is scheduled and none is in its window, nothing may be disrupted (default-deny: a
 * person who wrote windows meant "only then"). A budget that cannot be read allows nothing, and the
 * verdict names it and what is wrong. Budgets count instances already out of service (desired
 * capacity minus healthy InService): a budget of 1 lets a second instance go only once the first
 * one's replacement is healthy and InService.
 */
public sealed interface BudgetVerdict {

    /** How many more instances the budgets let go now; {@link Integer#MAX_VALUE} when none covers the cause. */
    int allowance();

    /** What reports say about it. */
    Map<String, Object> facts();

    /** The verdict in a sentence, for a notification's summary. */
    String detail();

    /** No budget covers the cause: only the capacity floor and the rate limits bound it, as before budgets. */
    record Unbudgeted() implements BudgetVerdict {
        @Override
        public int allowance() {
            return Integer.MAX_VALUE;
        }

        @Override
        public Map<String, Object> facts() {
            return Map.of();
        }

        @Override
        public String detail() {
            return "no disruption budget covers it";
        }
    }

    /**
     * The most restrictive active budget decides.
     *
     * @param allowed       how many instances it lets be out of service at once
     * @param outOfService  how many are out of service already
     */
    record Active(DisruptionBudget decidedBy, int allowed, int outOfService) implements BudgetVerdict {
        @Override
        public int allowance() {
            return Math.max(allowed - outOfService, 0);
        }

        @Override
        public Map<String, Object> facts() {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("budget", decidedBy.named());
            facts.put("budgetAllows", allowed);
            facts.put("budgetOutOfService", outOfService);
            facts.put("budgetDetail", detail());
            return facts;
        }

        @Override
        public String detail() {
            return decidedBy.named() + " allows " + allowed + " instance(s) out of service at once, and " + outOfService
                    + " are out of service now";
        }
    }

    /** Nothing may be disrupted, whatever the group's state: only time or a person changes that. */
    sealed interface Shut extends BudgetVerdict {
        @Override
        default int allowance() {
            return 0;
        }
    }

    /** Every budget covering the cause is scheduled and none is in its window. */
    record OutsideWindows(List<DisruptionBudget> scheduled, Optional<Instant> nextOpening) implements Shut {
        public OutsideWindows {
            scheduled = List.copyOf(scheduled);
        }

        @Override
        public Map<String, Object> facts() {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("budget", scheduled.stream().map(DisruptionBudget::named).toList());
            nextOpening.ifPresent(opening -> facts.put("budgetNextWindowOpens", opening.toString()));
            facts.put("budgetDetail", detail());
            return facts;
        }

        @Override
        public String detail() {
            return "every budget of the group is scheduled and none is in its window, so nothing is disrupted"
                    + " (default-deny); the next window opens " + nextOpening.map(Instant::toString).orElse("never");
        }
    }

    /** A budget cannot be read: nothing is disrupted until it is fixed or removed. */
    record Invalid(String source, String value, String problem) implements Shut {

        @Override
        public Map<String, Object> facts() {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("budgetTag", source);
            facts.put("budgetTagValue", value);
            facts.put("budgetProblem", problem);
            facts.put("budgetDetail", detail());
            return facts;
        }

        @Override
        public String detail() {
            return source + "='" + value + "' is not a disruption budget: " + problem
                    + "; fix or remove it (docs/safety-rules.md, \"Rule 6: disruption budgets\")";
        }
    }

    /**
     * The group's budgets for {@code cause} as the settings place them: its own budget tags
     * ({@code DRIFT_DEPLOY_BUDGET_TAG}), else {@code DRIFT_DEPLOY_DEFAULT_BUDGETS}. Drift and
     * rollouts read them alike.
     */
    static BudgetVerdict of(Map<String, String> groupTags, Settings.Drift settings, DisruptionBudget.Cause cause,
                            int desiredCapacity, int healthyInService, Instant now) {
        return of(groupTags, settings.budgetTag(), settings.defaultBudgets(), "setting DRIFT_DEPLOY_DEFAULT_BUDGETS", cause,
                desiredCapacity, healthyInService, now);
    }

    /**
     * @param groupTags      the group's tags
     * @param budgetTag      the budget tag key ({@code DRIFT_DEPLOY_BUDGET_TAG}); {@code <key>/<name>} tags are budgets too
     * @param defaults       budgets for a group with no budget tag ({@code DRIFT_DEPLOY_DEFAULT_BUDGETS})
     * @param defaultsSource how reports name {@code defaults}
     */
    static BudgetVerdict of(Map<String, String> groupTags, String budgetTag, List<String> defaults, String defaultsSource,
                            DisruptionBudget.Cause cause, int desiredCapacity, int healthyInService, Instant now) {
        Map<String, String> written = new TreeMap<>();
        groupTags.forEach((key, value) -> {
            if (key.equals(budgetTag) || key.startsWith(budgetTag + "/")) {
                written.put(key, value);
            }
        });
        if (written.isEmpty()) {
            for (int i = 0; i < defaults.size(); i++) {
                written.put(defaultsSource + "[" + i + "]", defaults.get(i));
            }
        }
        List<DisruptionBudget> budgets = new ArrayList<>();
        for (Map.Entry<String, String> entry : written.entrySet()) {
            try {
                budgets.add(DisruptionBudget.parse(entry.getKey(), entry.getValue()));
            } catch (IllegalArgumentException malformed) {
                return new Invalid(entry.getKey(), entry.getValue(), malformed.getMessage());
            }
        }
        List<DisruptionBudget> covering = budgets.stream().filter(budget -> budget.covers(cause)).toList();
        if (covering.isEmpty()) {
            return new Unbudgeted();
        }
        int outOfService = Math.max(desiredCapacity - healthyInService, 0);
        return covering.stream().filter(budget -> budget.activeAt(now))
                .min(Comparator.comparingInt(budget -> budget.allowed(desiredCapacity)))
                .<BudgetVerdict>map(budget -> new Active(budget, budget.allowed(desiredCapacity), outOfService))
                .orElseGet(() -> new OutsideWindows(covering, covering.stream()
                        .flatMap(budget -> budget.window().orElseThrow().schedule().nextFiringAfter(now).stream())
                        .min(Comparator.naturalOrder())));
    }
}
