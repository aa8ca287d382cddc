package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.orchestration.Result;
import io.driftdeploy.message.Announced;
import io.driftdeploy.message.Notification;
import io.driftdeploy.message.RejectionNotice;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccountTrustTest {

    private static final String OWN = "123456789012";

    @ParameterizedTest(name = "event account {0} -> {1}")
    @CsvSource({
            "123456789012, ''",
            "210987654321, foreign-account",
            // Amazon's own account (the owner of Amazon's public AMIs): still not ours.
            "137112412989, foreign-account",
    })
    void anEventIsServedOnlyInTheFunctionsOwnAccount(String eventAccount, String expected) {
        var rejection = AccountTrust.foreignAccount("drift", eventAccount, OWN);

        assertThat(rejection.map(r -> r.reason().label()).orElse("")).isEqualTo(expected);
    }

    @Test
    void aForeignAccountRejectionNamesBothAccountsAndIsToldAsHigh() {
        Rejection rejection = AccountTrust.foreignAccount("images", "210987654321", OWN).orElseThrow();

        assertThat(result(rejection)).containsEntry("decision", "rejected").containsEntry("reason", "foreign-account")
                .containsEntry("field", "account").containsEntry("eventAccount", "210987654321")
                .containsEntry("ownAccount", OWN).containsEntry("actions", java.util.List.of());
        assertThat((String) result(rejection).get("error")).contains("210987654321", OWN);
        Notification notification = RejectionNotice.of(rejection);
        assertThat(notification.kind()).isEqualTo("rejected");
        assertThat(notification.severity()).isEqualTo(Severity.HIGH);
        assertThat(Announced.action(rejection)).isEqualTo("none");
        assertThat(notification.subject()).isEqualTo("drift-deploy images: rejected an event of another account (account)");
        assertThat(Announced.facts(rejection)).containsEntry("reason", "foreign-account").containsEntry("ownAccount", OWN);
    }

    @Test
    void anInvalidEventKeepsItsReasonAndSeverity() {
        Rejection rejection = Rejection.invalidEvent("drift", "detail.resourceId", "expected an EC2 instance id");

        assertThat(result(rejection)).containsEntry("reason", "invalid-event").containsEntry("field", "detail.resourceId");
        assertThat(RejectionNotice.of(rejection).severity()).isEqualTo(Severity.WARNING);
        assertThat(RejectionNotice.of(rejection).subject()).isEqualTo("drift-deploy drift: rejected an invalid event (detail.resourceId)");
    }

    /** The rejection as the function returns it. */
    private static Map<String, Object> result(Rejection rejection) {
        return new Result.Rejected(rejection, Result.Delivery.UNANNOUNCED).json();
    }
}
