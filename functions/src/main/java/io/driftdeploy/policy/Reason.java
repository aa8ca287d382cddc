package io.driftdeploy.policy;

/**
 * Why a function decided as it did: the rule that decided, one family per path. A report's reason
 * is one of these, never free text, so what results, audit records and notifications say is
 * always a reason the code can decide.
 */
public sealed interface Reason extends Labelled
        permits DriftReason, RolloutReason, RefreshReason, AlarmReason, ClearedReason, RejectionReason, QuarantineReason {
}
