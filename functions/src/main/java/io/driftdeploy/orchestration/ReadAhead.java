package io.driftdeploy.orchestration;

import io.driftdeploy.aws.DriftLedger;
import io.driftdeploy.aws.Fleet;
import io.driftdeploy.policy.ChurnBreaker.ChurnRecord;
import io.driftdeploy.policy.InstanceFacts;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The facts of several evaluations in one account, read together for a sweep: the instances and
 * their groups in a few calls ({@link Fleet#describeAll}), and each group's refreshes and churn
 * record once, when a decision first asks. A decision on these facts may only refuse: when every
 * check that can refuse holds on them, the drift path reads the instance, its group, the group's
 * refreshes and churn record again before it reserves or acts (docs/sweep.md, "Facts read ahead").
 * So a sweep whose instances are refused, as most are (not opted in, the group's or account's
 * limit reached), makes two calls per instance (the claim and the completion) plus a few per
 * batch, and a termination is still decided on facts read right before it.
 */
final class ReadAhead {

    private final String account;
    private final Instant readAt;
    private final Map<String, Optional<InstanceFacts>> instances;
    private final Fleet fleet;
    private final DriftLedger ledger;
    private final Map<String, Fleet.Refreshes> refreshes = new HashMap<>();
    private final Map<List<String>, ChurnRecord> churn = new HashMap<>();

    private ReadAhead(String account, Instant readAt, Map<String, Optional<InstanceFacts>> instances, Fleet fleet,
                      DriftLedger ledger) {
        this.account = account;
        this.readAt = readAt;
        this.instances = instances;
        this.fleet = fleet;
        this.ledger = ledger;
    }

    /** The instances of the account (and their groups) read now, in as few calls as the fleet can. */
    static ReadAhead read(String account, List<String> instanceIds, Fleet fleet, DriftLedger ledger, Instant now) {
        return new ReadAhead(account, now, fleet.describeAll(instanceIds), fleet, ledger);
    }

    /** The instance as read ahead (empty inside when EC2 no longer knew it); empty when it was not read ahead. */
    Optional<Optional<InstanceFacts>> instance(String account, String instanceId) {
        return this.account.equals(account) ? Optional.ofNullable(instances.get(instanceId)) : Optional.empty();
    }

    /** When the instances were read: a decision refused on them says so. */
    Instant readAt() {
        return readAt;
    }

    /** The group's refreshes, read on the first decision that asks. */
    Fleet.Refreshes refreshes(String group) {
        return refreshes.computeIfAbsent(group, fleet::refreshes);
    }

    /** The group's churn record for the rule, read on the first decision that asks. */
    ChurnRecord churn(String ledgerGroup, String rule) {
        return churn.computeIfAbsent(List.of(ledgerGroup, rule), key -> ledger.churn(ledgerGroup, rule));
    }
}
