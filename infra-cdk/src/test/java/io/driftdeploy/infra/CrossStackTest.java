package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;

/**
 * No stack imports another's values: an export (and the Fn::ImportValue that reads it) forbids
 * CloudFormation to change or remove the exported value while it is imported, which blocks renames
 * and replacements on a real account. Names and ARNs derive from the settings instead, and each
 * stack says what it holds in plain outputs.
 */
class CrossStackTest {

    @Test
    void noStackImportsOrExportsAnything() throws JsonProcessingException {
        for (SynthesizedApp app : List.of(SynthesizedApp.defaults(), SynthesizedApp.everything(),
                SynthesizedApp.organization(), SynthesizedApp.member())) {
            for (Stack stack : app.allStacks()) {
                String template = new ObjectMapper().writeValueAsString(app.template(stack).toJSON());
                assertThat(template).as("template of %s", stack.getStackName())
                        .doesNotContain("Fn::ImportValue")
                        .doesNotContain("\"Export\"");
            }
        }
    }

    @Test
    void functionsDeployAfterTheTopicAndTheDriftDefinitionsTheyName() {
        SynthesizedApp app = SynthesizedApp.defaults();
        assertThat(app.stacks.functions().getDependencies())
                .contains(app.stacks.notifications(), app.stacks.detection());
    }

    @Test
    void topicAndKeyHaveNamesDerivedFromTheStackPrefix() {
        SynthesizedApp app = SynthesizedApp.defaults();
        var notifications = app.template(app.stacks.notifications());
        notifications.hasResourceProperties("AWS::SNS::Topic", Map.of("TopicName", "DriftDeploy-notifications"));
        notifications.hasResourceProperties("AWS::KMS::Alias", Map.of("AliasName", "alias/DriftDeploy-notifications"));
        notifications.hasOutput("TopicArn", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp("Topic.*"))));
    }
}
