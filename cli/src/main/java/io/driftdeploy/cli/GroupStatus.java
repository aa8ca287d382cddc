package io.driftdeploy.cli;

import io.driftdeploy.aws.DynamoDriftLedger.WindowUse;
import io.driftdeploy.cli.aws.AuditRecord;
import io.driftdeploy.config.Mode;
import io.driftdeploy.policy.BudgetVerdict;
import io.driftdeploy.policy.ChurnBreaker.Breaker;
import io.driftdeploy.policy.GroupDecision;
import io.driftdeploy.policy.ImageRef;
import io.driftdeploy.policy.ImageVerdict;
import io.driftdeploy.policy.MinHealthy;
import io.driftdeploy.policy.RemediationAction;
import io.driftdeploy.policy.ReplacementChoice;
import io.driftdeploy.policy.RolloutRules.Strategy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One group as drift-deploy stands towards it now: each part computed by the functions' own rules
 * ({@link StatusReader}) from what AWS and the ledger hold, for a person to read ({@link StatusTable}).
 *
 * @param modeTag       the group's mode tag's value, when it carries one (else the global mode applies)
 * @param strategyTag   the strategy tag's value, when it carries one
 * @param strategy      the strategy that value names; empty when it names none drift-deploy implements
 * @param action        what drift remediation does to the group's drifted instances (its action tag)
 * @param replacement   how they are replaced, and whether the group can replace them so now (a surge needs room)
 * @param breakers      every drift rule checked, with the churn breaker open for it in the group, if any
 * @param refresh       the instance refresh running on the group, if any
 * @param rollout       what the images function would do with the app's newest golden image; empty for a group of no app
 * @param lastDecisions the newest audit records about the group and its instances, newest first
 * @param account       the account --account chose, when it chose one
 */
record GroupStatus(
        String group,
        Mode mode,
        Optional<String> modeTag,
        Optional<String> strategyTag,
        Optional<Strategy> strategy,
        Capacity capacity,
        RemediationAction action,
        ReplacementChoice replacement,
        BudgetVerdict budget,
        RateWindow rates,
        Map<String, Optional<Breaker>> breakers,
        Optional<Refresh> refresh,
        Optional<Rollout> rollout,
        List<AuditRecord> lastDecisions,
        Optional<Account> account) {

    /** The group's name in the central ledger: its own, or ACCOUNT/GROUP for a member's. */
    String ledgerGroup() {
        return account.map(Account::ledgerGroup).orElse(group);
    }

    /**
     * The account the group was read in, as --account chose it.
     *
     * @param roleArn     the role its fleet was read through; empty for the central account, read with the caller's credentials
     * @param ledgerGroup the group's name in the central ledger ({@link io.driftdeploy.policy.DriftPolicy#ledgerGroup})
     */
    record Account(String id, Optional<String> roleArn, String ledgerGroup) {
    }

    /** Rule 6's floor: how many instances may be out of service at once above the minimum healthy percentage. */
    record Capacity(int desiredCapacity, int healthyInService, MinHealthy minHealthy, int allowance) {
    }

    /**
     * Rule 7 in the window now: the group's and the account's terminations against their limits,
     * and every served account's together when the functions serve members.
     */
    record RateWindow(Instant start, Instant end, Scope group, Scope account, Optional<Scope> organization) {
    }

    /** One scope's limit and how the ledger's rate item for the window stands. */
    record Scope(String name, int limit, WindowUse use) {
        long left() {
            return use.circuitOpen() ? 0 : Math.max(0, limit - use.terminations());
        }
    }

    /**
     * An instance refresh that has not ended, and the image it rolls out when known. For a group of
     * no app only whether one runs is read (as the drift path reads it): no id, no image.
     */
    record Refresh(Optional<String> refreshId, String status, Optional<String> targetImage) {
    }

    /**
     * The group's app and images, and the images function's decision for the app's newest golden image.
     *
     * @param budget       what the group's disruption budgets for rollouts allow now (rollout rule 8)
     * @param runningImage the image the group's launch template version names (an AMI id or an SSM alias)
     * @param running      that image with its creation time, when it is an AMI EC2 still describes
     * @param newest       the newest image EC2 lists as the app's golden image that the rollout rules accept
     * @param refused      when none is accepted, the newest listed and why the rules refuse it
     * @param decision     what the images function would decide for the group, were {@code newest} announced now
     */
    record Rollout(String app, BudgetVerdict budget, Optional<String> runningImage, Optional<ImageRef> running, Optional<ImageRef> pending,
                   Optional<ImageVerdict.Approved> newest, Optional<Refused> refused, Optional<GroupDecision> decision) {
    }

    /** The newest golden image listed, refused by the image rules (e.g. marked bad). */
    record Refused(String imageId, ImageVerdict.Rejected verdict) {
    }
}
