package io.driftdeploy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.ImagePublisher;
import io.driftdeploy.event.ImageSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What a CI pipeline runs after {@code packer build}: reads the Packer manifest and puts the
 * Golden Image Published event, which the images function validates and rolls out. It replaces
 * editing a Terraform file with sed.
 */
@Command(
        name = "publish-image",
        mixinStandardHelpOptions = true,
        description = "Publish a golden image built by Packer: reads the manifest post-processor's file, picks the"
                + " last run's build (or --build NAME), takes its AMI in this region and puts a 'Golden Image Published'"
                + " event (source drift-deploy.images) on EventBridge; the images function validates and rolls it out.",
        footer = {
                "",
                "Example (in CI, right after packer build):",
                "  drift-deploy publish-image --manifest manifest.json --app shop",
                "",
                "Exit status: 0 the event was accepted; 1 EventBridge refused it; 2 bad input (the message names the field)."})
final class PublishImageCommand implements Callable<Integer> {

    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_REFUSED = 1;

    /** What an application name may look like: it must match a tag value on images and groups. */
    private static final Pattern APP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/+=@-]{0,255}");
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--manifest", required = true, paramLabel = "FILE",
            description = "The Packer manifest post-processor's output, e.g. manifest.json.")
    private Path manifest;

    @Option(names = "--app", required = true, paramLabel = "NAME",
            description = "The application the image is for; must equal the image's drift-deploy:app tag.")
    private String app;

    @Option(names = "--build", paramLabel = "NAME",
            description = "Publish the newest build with this name instead of the last run's build.")
    private String build;

    @Option(names = "--event-bus", paramLabel = "NAME",
            description = "Event bus name or ARN (default: the account's default bus).")
    private String eventBus;

    @CommandLine.ParentCommand
    private Main main;

    /** The region also picks the AMI out of a multi-region manifest. */
    @CommandLine.Mixin
    private AwsOptions awsOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!APP_NAME.matcher(app).matches()) {
            err.println("publish-image: --app: '" + app + "' is not an application name (letters, digits and ._:/+=@-)");
            return EXIT_BAD_INPUT;
        }
        AwsClients aws = awsOptions.clients(main.console().environment());
        PackerManifest.Build chosen;
        try {
            chosen = PackerManifest.select(manifest, Optional.ofNullable(build), aws.region().id());
        } catch (PackerManifest.InvalidManifestException invalid) {
            err.println("publish-image: manifest " + manifest + ": " + invalid.getMessage());
            return EXIT_BAD_INPUT;
        }
        Map<String, Object> detail = detail(chosen);
        ImageSource golden = ImageSource.GOLDEN_IMAGE_PUBLISHED;
        String eventId;
        try {
            eventId = new ImagePublisher(aws.eventBridge())
                    .put(Optional.ofNullable(eventBus), golden.source(), golden.detailType(), json(detail, false));
        } catch (ImagePublisher.PublishFailedException refused) {
            err.println("publish-image: " + refused.getMessage());
            return EXIT_REFUSED;
        }
        Map<String, Object> sent = new LinkedHashMap<>();
        sent.put("eventId", eventId);
        sent.put("eventBus", eventBus == null ? "default" : eventBus);
        sent.put("source", golden.source());
        sent.put("detail-type", golden.detailType());
        sent.put("detail", detail);
        out.println(json(sent, true));
        out.flush();
        return 0;
    }

    /** The detail the images function reads: imageId and app, and the build it came from. */
    private Map<String, Object> detail(PackerManifest.Build chosen) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("imageId", chosen.imageId());
        detail.put("app", app);
        detail.put("buildName", chosen.name());
        chosen.buildTime().ifPresent(time -> detail.put("buildTime", time));
        detail.put("artifactId", chosen.artifactId());
        return detail;
    }

    private static String json(Object value, boolean pretty) {
        try {
            return pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value) : JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
