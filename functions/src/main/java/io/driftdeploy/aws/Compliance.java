package io.driftdeploy.aws;

import io.driftdeploy.config.Settings;
import io.driftdeploy.policy.ConfigResult;
import io.driftdeploy.policy.ReplacementPolicy.ConfigRuleFacts;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * AWS Config's rules and current evaluations: the drift path re-reads one right before it acts,
 * and the alarms function's sweep lists every non-compliant resource of the drift rules.
 * {@link ConfigCompliance} asks AWS Config.
 */
public interface Compliance {

    /** One NON_COMPLIANT result of a rule, with the type and id exactly as Config evaluated them. */
    record NonCompliantResource(String ruleName, String resourceType, String resourceId, Instant orderingTimestamp) {
    }

    /**
     * One page of a rule's NON_COMPLIANT results, and the token of the next page when there is one.
     */
    record NonCompliantPage(List<NonCompliantResource> results, Optional<String> nextToken) {
    }

    /** The managed rule a Config rule runs and its parameters; empty when AWS Config knows no such rule. */
    Optional<ConfigRuleFacts> rule(String ruleName);

    /** Every NON_COMPLIANT result of the rule; empty when AWS Config knows no such rule. */
    Optional<List<NonCompliantResource>> nonCompliant(String ruleName);

    /**
     * One page of the rule's NON_COMPLIANT results, from {@code nextToken} (the first page when
     * empty); empty when AWS Config knows no such rule. The scheduled sweep lists page by page.
     */
    Optional<NonCompliantPage> nonCompliantPage(String ruleName, Optional<String> nextToken);

    /** The names of the Config rules that start with {@code prefix}. */
    List<String> ruleNamesStartingWith(String prefix);

    /**
     * The drift rules in this account, as the functions check them: those named, and with a
     * prefix those whose names start with it here. The sweeps list them, and the CLI's status
     * and resume look through them.
     */
    default Set<String> driftRules(Settings.Drift drift) {
        Set<String> rules = new LinkedHashSet<>(drift.ruleNames());
        drift.rulePrefix().ifPresent(prefix -> rules.addAll(ruleNamesStartingWith(prefix)));
        return rules;
    }

    /** AWS Config's current result for the rule and resource; empty when it has none. */
    Optional<ConfigResult> current(String ruleName, String resourceType, String resourceId);
}
