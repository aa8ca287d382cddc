package io.driftdeploy.fakes;

import io.driftdeploy.aws.EventClaims;

/** The event claims' contract, held by the fake (the real claims' run: EventClaimsIT). */
class FakeEventClaimsTest extends EventClaimsContract {

    @Override
    protected EventClaims emptyClaims() {
        return new FakeEventClaims();
    }
}
