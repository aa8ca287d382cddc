package io.driftdeploy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.testing.Checkout;
import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The rollout rules' one numbering, and which rule gives each reason. */
class RolloutRuleTest {

    @Test
    void eachReasonBelongsToExactlyOneRule() {
        for (RolloutReason reason : RolloutReason.values()) {
            assertThat(Stream.of(RolloutRule.values()).filter(rule -> rule.reasons().contains(reason)))
                    .as("rules giving %s", reason).singleElement().isEqualTo(reason.rule());
        }
    }

    @Test
    void theRulesAreNumberedOneToNInTheOrderTheyDecide() {
        assertThat(Stream.of(RolloutRule.values()).map(RolloutRule::number))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, RolloutRule.values().length).boxed().toList());
    }

    /** The safety rules' rollout table names each reason's rule as the enum numbers it, like the drift table. */
    @Test
    void everyReasonIsARowOfTheRolloutTableUnderItsRule() throws IOException {
        String rules = Files.readString(Checkout.root().resolve("docs/safety-rules.md"));
        for (RolloutReason reason : RolloutReason.values()) {
            RolloutRule rule = reason.rule();
            assertThat(rules).as("docs/safety-rules.md row for %s", reason).contains("| " + rule.number() + " "
                    + rule.label().replace('-', ' ') + " | `" + reason.label() + "` | ");
        }
    }
}
