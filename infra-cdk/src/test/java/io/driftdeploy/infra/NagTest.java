package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * cdk-nag's AwsSolutions pack runs as an aspect of the app itself; a finding shows up as an error or
 * warning annotation. Suppressions (each with its reason) live next to the resource they excuse.
 */
class NagTest {

    @Test
    void defaultAppHasNoUnsuppressedFindingNorAnyWarning() {
        assertClean(SynthesizedApp.defaults());
    }

    @Test
    void appWithEveryOptionalPartHasNoUnsuppressedFindingNorAnyWarning() {
        assertClean(SynthesizedApp.everything());
    }

    private static void assertClean(SynthesizedApp app) {
        List<Stack> stacks = Stream.of(app.stacks.notifications(), app.stacks.detection(), app.stacks.functions(),
                app.stacks.fleet()).filter(stack -> stack != null).toList();
        for (Stack stack : stacks) {
            app.template(stack); // synthesizes, which runs the aspects
            Annotations annotations = Annotations.fromStack(stack);
            assertThat(describe(annotations.findError("*", Match.anyValue()))).as("errors in %s", stack.getStackName())
                    .isEmpty();
            assertThat(describe(annotations.findWarning("*", Match.anyValue()))).as("warnings in %s", stack.getStackName())
                    .isEmpty();
        }
    }

    private static List<String> describe(List<SynthesisMessage> messages) {
        return messages.stream().map(message -> message.getId() + ": " + message.getEntry().getData()).toList();
    }
}
