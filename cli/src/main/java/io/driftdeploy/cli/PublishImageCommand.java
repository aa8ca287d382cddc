package io.driftdeploy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.cli.aws.ImagePublisher;
import io.driftdeploy.config.Settings;
import io.driftdeploy.config.SettingsException;
import io.driftdeploy.config.TagMatcher;
import io.driftdeploy.event.ImageSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * What a CI pipeline runs after {@code packer build}: reads the Packer manifest, marks the AMI
 * golden and puts the Golden Image Published event, which the images function validates and rolls
 * out. It replaces editing a Terraform file with sed.
 *
 * <p>Publishing is the approval: the golden-image tag is set here, not by the Packer template, so
 * that only an image the pipeline chose to publish (after its own tests) is golden. The tag is the
 * one the drift rule (AWS Config APPROVED_AMIS_BY_TAG) checks and the images function requires.
 */
@Command(
        name = "publish-image",
        mixinStandardHelpOptions = true,
        description = "Publish a golden image built by Packer: reads the manifest post-processor's file, picks the"
                + " last run's build (or --build NAME), takes its AMI in this region, tags the AMI with the golden-image"
                + " tag (ec2:CreateTags; idempotent: publishing the same image again changes nothing) and puts a"
                + " 'Golden Image Published' event (source drift-deploy.images) on EventBridge; the images function"
                + " validates and rolls it out. The golden-image tag is the one the drift rule (AWS Config"
                + " APPROVED_AMIS_BY_TAG) checks: the images function refuses an image without it (not-golden-image).",
        footer = {
                "",
                "Example (in CI, right after packer build):",
                "  drift-deploy publish-image --manifest manifest.json --app shop",
                "",
                "Needs ec2:CreateTags on the AMI and events:PutEvents on the bus.",
                "",
                "Exit status: 0 the image was tagged and the event accepted; 1 EC2 refused the tag (nothing was published)",
                "or EventBridge refused the event; 2 bad input (the message names the field)."})
final class PublishImageCommand extends AwsCommand {

    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_REFUSED = 1;

    /** What an application name may look like: it must match a tag value on images and groups. */
    private static final Pattern APP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/+=@-]{0,255}");

    @Option(names = "--manifest", required = true, paramLabel = "FILE",
            description = "The Packer manifest post-processor's output, e.g. manifest.json.")
    private Path manifest;

    @Option(names = "--app", required = true, paramLabel = "NAME",
            description = "The application the image is for; must equal the image's drift-deploy:app tag.")
    private String app;

    @Option(names = "--build", paramLabel = "NAME",
            description = "Publish the newest build with this name instead of the last run's build.")
    private String build;

    @Option(names = "--golden-tag", paramLabel = "KEY=VALUE",
            description = "The golden-image tag to set on the AMI (default: DRIFT_DEPLOY_GOLDEN_IMAGE_TAG, else "
                    + Settings.DEFAULT_GOLDEN_IMAGE_TAG + "); must be the deployment's goldenImageTag.")
    private String goldenTag;

    @Option(names = "--event-bus", paramLabel = "NAME",
            description = "Event bus name or ARN (default: the account's default bus).")
    private String eventBus;

    /** The region also picks the AMI out of a multi-region manifest. */
    @Override
    public Integer call() {
        PrintWriter out = commandLine().getOut();
        PrintWriter err = commandLine().getErr();
        if (!APP_NAME.matcher(app).matches()) {
            err.println("publish-image: --app: '" + app + "' is not an application name (letters, digits and ._:/+=@-)");
            return EXIT_BAD_INPUT;
        }
        TagMatcher golden;
        try {
            golden = goldenTag();
        } catch (SettingsException invalid) {
            err.println("publish-image: " + invalid.getMessage());
            return EXIT_BAD_INPUT;
        }
        AwsClients clients = aws.clients(console().environment());
        PackerManifest.Build chosen;
        try {
            chosen = PackerManifest.select(manifest, Optional.ofNullable(build), clients.region().id());
        } catch (PackerManifest.InvalidManifestException invalid) {
            err.println("publish-image: manifest " + manifest + ": " + invalid.getMessage());
            return EXIT_BAD_INPUT;
        }
        Map<String, Object> detail = detail(chosen);
        ImageSource published = ImageSource.GOLDEN_IMAGE_PUBLISHED;
        ImagePublisher publisher = new ImagePublisher(clients.otherClient(EventBridgeClient.builder()), clients.ec2());
        String eventId;
        try {
            // Tagged first: an announced image without the tag would be refused, and its instances would drift.
            publisher.tagImage(chosen.imageId(), golden.key(), golden.value());
            eventId = publisher.put(Optional.ofNullable(eventBus), published.source(), published.detailType(),
                    json(detail, false));
        } catch (ImagePublisher.PublishFailedException refused) {
            err.println("publish-image: " + refused.getMessage());
            return EXIT_REFUSED;
        }
        Map<String, Object> sent = new LinkedHashMap<>();
        sent.put("eventId", eventId);
        sent.put("eventBus", eventBus == null ? "default" : eventBus);
        sent.put("goldenTag", golden.toString());
        sent.put("source", published.source());
        sent.put("detail-type", published.detailType());
        sent.put("detail", detail);
        out.println(json(sent, true));
        out.flush();
        return 0;
    }

    /** --golden-tag, else the same setting the images function reads, else its default. */
    private TagMatcher goldenTag() {
        Map<String, String> environment = new HashMap<>(console().environment());
        if (goldenTag != null) {
            environment.put(Settings.PREFIX + "GOLDEN_IMAGE_TAG", goldenTag);
        }
        return Settings.goldenImageTag(environment);
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
            return pretty ? CliJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value) : CliJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
