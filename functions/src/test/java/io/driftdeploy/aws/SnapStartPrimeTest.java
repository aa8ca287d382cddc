package io.driftdeploy.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** What the handlers' hook tests (handler.SnapStartHookTest) cannot show: the hook's own guards. */
class SnapStartPrimeTest {

    private final AwsClients aws = new AwsClients(Region.US_EAST_1, Optional.of(URI.create("http://127.0.0.1:9")));

    @Test
    void aClientTheFunctionBuiltButThePrimeDoesNotKnowFailsTheHookNamingIt() {
        aws.sqs();

        assertThat(aws.built()).containsExactly("sqs");
        assertThatThrownBy(() -> new SnapStartPrime(aws, canned -> { }).beforeCheckpoint(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the sqs client");
    }

    @Test
    void theDecisionIsGivenClientsOtherThanTheFunctions() {
        AwsClients[] given = new AwsClients[1];

        new SnapStartPrime(aws, canned -> given[0] = canned).beforeCheckpoint(null);

        assertThat(given[0]).isNotNull().isNotSameAs(aws);
        assertThat(aws.built()).as("the function's own clients, none built by the prime").isEmpty();
    }
}
