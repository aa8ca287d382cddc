package io.driftdeploy.fakes;

import io.driftdeploy.aws.Compliance;
import io.driftdeploy.event.ComplianceType;
import io.driftdeploy.policy.ConfigResult;
import io.driftdeploy.policy.ReplacementPolicy.ConfigRuleFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** AWS Config in memory: rules, and each rule's current result per instance. Every call is logged. */
public final class FakeCompliance implements Compliance {

    /** Results a page, as AWS Config's Limit would give them. */
    public static final int PAGE_SIZE = 3;

    private final Map<String, Optional<ConfigRuleFacts>> rules = new HashMap<>();
    private final Map<String, Map<String, ConfigResult>> results = new HashMap<>();
    private final List<String> calls = new ArrayList<>();

    public FakeCompliance rule(String ruleName, Optional<ConfigRuleFacts> facts) {
        rules.put(ruleName, facts);
        results.putIfAbsent(ruleName, new HashMap<>());
        return this;
    }

    public FakeCompliance result(String ruleName, String instanceId, ComplianceType compliance, Instant orderingTimestamp) {
        results.computeIfAbsent(ruleName, rule -> new HashMap<>())
                .put(instanceId, new ConfigResult(Optional.of(compliance), orderingTimestamp));
        return this;
    }

    public List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public Optional<ConfigRuleFacts> rule(String ruleName) {
        calls.add("rule " + ruleName);
        return rules.getOrDefault(ruleName, Optional.empty());
    }

    @Override
    public Optional<List<NonCompliantResource>> nonCompliant(String ruleName) {
        calls.add("nonCompliant " + ruleName);
        return Optional.ofNullable(results.get(ruleName)).map(byInstance -> byInstance.entrySet().stream()
                .filter(entry -> entry.getValue().compliance().filter(ComplianceType.NON_COMPLIANT::equals).isPresent())
                .map(entry -> new NonCompliantResource(ruleName, "AWS::EC2::Instance", entry.getKey(),
                        entry.getValue().orderingTimestamp()))
                .toList());
    }

    /** Pages of {@link #PAGE_SIZE} results in instance order; the token is the next page's first index. */
    @Override
    public Optional<NonCompliantPage> nonCompliantPage(String ruleName, Optional<String> nextToken) {
        calls.add("nonCompliantPage " + ruleName + nextToken.map(token -> " " + token).orElse(""));
        return Optional.ofNullable(results.get(ruleName)).map(byInstance -> {
            List<NonCompliantResource> all = byInstance.entrySet().stream()
                    .filter(entry -> entry.getValue().compliance().filter(ComplianceType.NON_COMPLIANT::equals).isPresent())
                    .sorted(Map.Entry.comparingByKey())
                    .map(entry -> new NonCompliantResource(ruleName, "AWS::EC2::Instance", entry.getKey(),
                            entry.getValue().orderingTimestamp()))
                    .toList();
            int from = nextToken.map(Integer::parseInt).orElse(0);
            int to = Math.min(from + PAGE_SIZE, all.size());
            return new NonCompliantPage(all.subList(from, to), to < all.size() ? Optional.of(Integer.toString(to)) : Optional.empty());
        });
    }

    @Override
    public List<String> ruleNamesStartingWith(String prefix) {
        calls.add("ruleNamesStartingWith " + prefix);
        return results.keySet().stream().filter(name -> name.startsWith(prefix)).sorted().toList();
    }

    @Override
    public Optional<ConfigResult> current(String ruleName, String resourceType, String resourceId) {
        calls.add("current " + ruleName + " " + resourceId);
        return Optional.ofNullable(results.getOrDefault(ruleName, Map.of()).get(resourceId));
    }
}
