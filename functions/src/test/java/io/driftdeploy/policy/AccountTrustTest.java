package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.orchestration.Result;
import io.driftdeploy.message.Announced;
import io.driftdeploy.message.Notification;
import io.driftdeploy.message.RejectionNotice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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
                .containsEntry("ownAccount", OWN).containsEntry("actions", List.of());
        assertThat((String) result(rejection).get("error")).contains("210987654321", OWN);
        Notification notification = RejectionNotice.of(rejection);
        assertThat(notification.kind()).isEqualTo("rejected");
        assertThat(notification.severity()).isEqualTo(Severity.HIGH);
        assertThat(Announced.action(rejection)).isEqualTo("none");
        assertThat(notification.subject()).isEqualTo("drift-deploy images: rejected an event of another account (account)");
        assertThat(Announced.facts(rejection)).containsEntry("reason", "foreign-account").containsEntry("ownAccount", OWN);
    }

    @Test
    void aStepAboutAnAccountIsServedWhileTheAccountIsServedNow() {
        String member = "111122223333";
        List<String> served = new ArrayList<>(List.of(OWN, member));
        AtomicInteger asked = new AtomicInteger();
        Supplier<List<String>> servedNow = () -> {
            asked.incrementAndGet();
            return served;
        };

        assertThat(AccountTrust.servedNow("sweep", OWN, OWN, servedNow)).isEmpty();
        assertThat(asked).as("the function's own account is served without asking AWS Organizations").hasValue(0);
        assertThat(AccountTrust.servedNow("sweep", member, OWN, servedNow)).isEmpty();
        served.remove(member);
        Rejection left = AccountTrust.servedNow("sweep", member, OWN, servedNow).orElseThrow();

        assertThat(result(left)).containsEntry("reason", "foreign-account").containsEntry("field", "account")
                .containsEntry("eventAccount", member).containsEntry("ownAccount", OWN);
        assertThat((String) result(left).get("error")).contains(member, "serves now");
        assertThat(RejectionNotice.of(left).severity()).isEqualTo(Severity.HIGH);
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

    private static final String LISTED = "111111111111";
    private static final String UNDER_UNIT = "222222222222";
    private static final String ELSEWHERE = "333333333333";

    @Test
    void membersAreTheListedAccountsAndThoseUnderAMemberUnitAtAnyDepth() {
        java.util.List<String> asked = new java.util.ArrayList<>();
        AccountTrust trust = AccountTrust.withMembers(OWN, java.util.List.of(LISTED), java.util.List.of("ou-ab12-members1"),
                account -> {
                    asked.add(account);
                    return switch (account) {
                        case UNDER_UNIT -> java.util.List.of("ou-ab12-nested01", "ou-ab12-members1", "r-ab12");
                        case ELSEWHERE -> java.util.List.of("ou-ab12-sandbox1", "r-ab12");
                        default -> java.util.List.of();
                    };
                });

        assertThat(trust.check("drift", OWN)).isEmpty();
        assertThat(trust.check("drift", LISTED)).isEmpty();
        assertThat(asked).as("the organization is asked only about an account not listed").isEmpty();
        assertThat(trust.check("drift", UNDER_UNIT)).isEmpty();
        Rejection outside = trust.check("drift", ELSEWHERE).orElseThrow();
        assertThat(outside.reason()).isEqualTo(RejectionReason.FOREIGN_ACCOUNT);
        assertThat(outside.facts()).containsEntry("eventAccount", ELSEWHERE)
                .containsEntry("eventAccountParents", java.util.List.of("ou-ab12-sandbox1", "r-ab12"));
        assertThat(outside.problem()).contains(ELSEWHERE, "ou-ab12-members1");
        assertThat(trust.check("drift", "444444444444").orElseThrow().problem()).contains("not in the organization");
    }

    @Test
    void listedMembersAloneNeverAskTheOrganization() {
        AccountTrust trust = AccountTrust.withMembers(OWN, java.util.List.of(LISTED), java.util.List.of(), account -> {
            throw new AssertionError("asked the organization about " + account);
        });

        assertThat(trust.check("drift", LISTED)).isEmpty();
        assertThat(trust.check("drift", UNDER_UNIT).orElseThrow().problem()).contains("nor a member account listed [" + LISTED + "]");
    }
}
