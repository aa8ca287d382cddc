package io.driftdeploy.policy;

import java.util.Map;
import java.util.Optional;

/**
 * The first rule of every function: an event is about the account the function acts in, or it is
 * rejected. Anyone who may invoke a function (the live alias, the CLI, a replay, a misrouted rule)
 * can hand it any event, so the account comes from the function's own settings, known at init, and
 * an event only says where to look within it. Until multi-account support defines how other
 * accounts are served, an event naming one is refused before any AWS call or ledger write.
 */
public final class AccountTrust {

    private AccountTrust() {
    }

    /**
     * Empty when {@code eventAccount} is {@code ownAccount}; otherwise a {@code foreign-account}
     * rejection naming both.
     */
    public static Optional<Rejection> foreignAccount(String function, String eventAccount, String ownAccount) {
        if (eventAccount.equals(ownAccount)) {
            return Optional.empty();
        }
        return Optional.of(new Rejection(function, RejectionReason.FOREIGN_ACCOUNT, "account",
                "the event names account " + eventAccount + ", but this function acts in account " + ownAccount
                        + " only: nothing was done",
                Map.of("eventAccount", eventAccount, "ownAccount", ownAccount)));
    }
}
