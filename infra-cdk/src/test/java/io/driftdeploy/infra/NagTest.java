package io.driftdeploy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.infra.DriftDeployFunction.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.iam.PolicyStatement;
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

    @Test
    void organizationAndMemberStacksHaveNoUnsuppressedFindingNorAnyWarning() {
        assertClean(SynthesizedApp.organization());
        assertClean(SynthesizedApp.member());
    }

    @Test
    void aWildcardNobodyJustifiedIsAFinding() {
        // The IAM5 suppression names each justified wildcard (appliesTo), so a new one is caught.
        App app = new App(AppProps.builder().context(SynthesizedApp.context(Map.of())).build());
        DriftDeployApp.Stacks stacks = DriftDeployApp.define(app);
        stacks.functions().function(Kind.DRIFT).role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject"))
                .resources(List.of("arn:aws:s3:::some-bucket/*"))
                .build());
        Template.fromStack(stacks.functions());
        assertThat(describe(Annotations.fromStack(stacks.functions()).findError("*", Match.anyValue())))
                .anyMatch(finding -> finding.contains("AwsSolutions-IAM5[Resource::arn:aws:s3:::some-bucket/*]"));
    }

    private static void assertClean(SynthesizedApp app) {
        for (Stack stack : app.allStacks()) {
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
