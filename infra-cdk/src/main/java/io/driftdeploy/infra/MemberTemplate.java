package io.driftdeploy.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * The member stack's template as a StackSet's TemplateBody: the member stack synthesized in an app
 * of its own (a stack of the main app would be deployed to the central account by
 * {@code cdk deploy --all}), checked by cdk-nag as the main app is, written to
 * {@code <outdir>/member-template/} beside the main app's templates (cfn-lint reads it there), and
 * inlined without whitespace. CloudFormation takes at most 51,200 bytes inline; a larger template
 * would need TemplateURL and an asset bucket every member could read.
 */
final class MemberTemplate {

    private MemberTemplate() {
    }

    /** The template, compact; fails when cdk-nag finds anything or when it is too large to inline. */
    static String synthesize(Settings settings, Path outdir) {
        App app = new App(AppProps.builder().outdir(outdir.toString()).build());
        MemberStack stack = new MemberStack(app, settings.stackPrefix() + "-Member", settings);
        DriftDeployApp.checked(app);
        CloudFormationStackArtifact artifact = app.synth().getStackByName(stack.getStackName());
        List<String> findings = artifact.getMessages().stream()
                .filter(message -> message.getLevel() != software.amazon.awscdk.cxapi.SynthesisMessageLevel.INFO)
                .map(message -> message.getId() + ": " + message.getEntry().getData())
                .toList();
        if (!findings.isEmpty()) {
            throw new IllegalStateException("the member stack's template has findings: " + findings);
        }
        String body;
        try {
            ObjectMapper json = new ObjectMapper();
            body = json.writeValueAsString(json.readTree(Path.of(artifact.getTemplateFullPath()).toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > OrganizationStack.TEMPLATE_BODY_MAX_BYTES) {
            throw new IllegalStateException("the member stack's template has " + bytes + " bytes, more than a StackSet "
                    + "takes inline (" + OrganizationStack.TEMPLATE_BODY_MAX_BYTES + ")");
        }
        return body;
    }
}
