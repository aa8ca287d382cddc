package io.driftdeploy.policy;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The first rule of every function: an event is about an account the function acts in, or it is
 * rejected. Anyone who may invoke a function (the live alias, the CLI, a replay, a misrouted rule,
 * a member account's forwarding rule) can hand it any event, so the accounts come from the
 * function's own settings, known at init, and an event only says where to look among them: its
 * own account, a member account listed by id, or an account that AWS Organizations places under a
 * member organization unit (docs/organization.md). Anything else is refused before any AWS call
 * in that account or any ledger write.
 */
public final class AccountTrust {

    private final String ownAccount;
    private final List<String> memberAccounts;
    private final List<String> memberUnits;
    /** The organization units and root above an account, nearest first, as AWS Organizations says now. */
    private final Function<String, List<String>> parentsOf;

    private AccountTrust(String ownAccount, List<String> memberAccounts, List<String> memberUnits,
                         Function<String, List<String>> parentsOf) {
        this.ownAccount = ownAccount;
        this.memberAccounts = List.copyOf(memberAccounts);
        this.memberUnits = List.copyOf(memberUnits);
        this.parentsOf = parentsOf;
    }

    /** Trusts events of {@code ownAccount} only: a function that does not act in member accounts. */
    public static AccountTrust ownOnly(String ownAccount) {
        return new AccountTrust(ownAccount, List.of(), List.of(), account -> List.of());
    }

    /**
     * Trusts events of {@code ownAccount}, of the {@code memberAccounts}, and of any account whose
     * parents ({@code parentsOf}, asked only when {@code memberUnits} is not empty and the account
     * is not listed) include one of {@code memberUnits}.
     */
    public static AccountTrust withMembers(String ownAccount, Collection<String> memberAccounts, Collection<String> memberUnits,
                                           Function<String, List<String>> parentsOf) {
        return new AccountTrust(ownAccount, List.copyOf(memberAccounts), List.copyOf(memberUnits), parentsOf);
    }

    /** Empty when {@code eventAccount} is one this function acts in; otherwise a {@code foreign-account} rejection. */
    public Optional<Rejection> check(String function, String eventAccount) {
        if (eventAccount.equals(ownAccount) || memberAccounts.contains(eventAccount)) {
            return Optional.empty();
        }
        if (!memberUnits.isEmpty()) {
            List<String> parents = parentsOf.apply(eventAccount);
            if (parents.stream().anyMatch(memberUnits::contains)) {
                return Optional.empty();
            }
            return Optional.of(rejection(function, eventAccount, "it is neither this function's account " + ownAccount
                    + ", nor a member account listed, nor under a member organization unit " + memberUnits
                    + " (its parents: " + (parents.isEmpty() ? "none, not in the organization" : parents) + ")", parents));
        }
        if (!memberAccounts.isEmpty()) {
            return Optional.of(rejection(function, eventAccount, "it is neither this function's account " + ownAccount
                    + " nor a member account listed " + memberAccounts, List.of()));
        }
        return Optional.of(rejection(function, eventAccount, "this function acts in account " + ownAccount + " only",
                List.of()));
    }

    /**
     * Empty when {@code eventAccount} is {@code ownAccount}; otherwise a {@code foreign-account}
     * rejection naming both: for what only the function's own account sends (its sweep queue).
     */
    public static Optional<Rejection> foreignAccount(String function, String eventAccount, String ownAccount) {
        return ownOnly(ownAccount).check(function, eventAccount);
    }

    /**
     * Empty when {@code account} is {@code ownAccount} or among the accounts the function serves now
     * ({@code served}, asked only for another account); otherwise a {@code foreign-account}
     * rejection: for what a function sent itself about an account it served then (its sweep
     * queue's steps), which may have left the member units, or been suspended, since.
     */
    public static Optional<Rejection> servedNow(String function, String account, String ownAccount,
                                                Supplier<List<String>> served) {
        if (account.equals(ownAccount) || served.get().contains(account)) {
            return Optional.empty();
        }
        return Optional.of(ownOnly(ownAccount).rejection(function, account, "it is not among the accounts this function"
                + " serves now (its own, the member accounts listed, the active accounts under the member organization"
                + " units): it has left them since the message was sent, or never was one", List.of()));
    }

    private Rejection rejection(String function, String eventAccount, String why, List<String> parents) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("eventAccount", eventAccount);
        facts.put("ownAccount", ownAccount);
        if (!parents.isEmpty()) {
            facts.put("eventAccountParents", parents);
        }
        return new Rejection(function, RejectionReason.FOREIGN_ACCOUNT, "account",
                "the event names account " + eventAccount + ", but " + why + ": nothing was done", facts);
    }
}
