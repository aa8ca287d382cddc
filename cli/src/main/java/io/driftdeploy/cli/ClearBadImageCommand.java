package io.driftdeploy.cli;

import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.message.RefreshReports;
import io.driftdeploy.message.Report;
import io.driftdeploy.policy.BadMark;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A person judged an image marked bad fit after all (or fixed what failed its refresh), and lets it roll out again. */
@Command(
        name = "clear-bad-image",
        mixinStandardHelpOptions = true,
        description = {
                "Clear the bad mark of a golden image, which a failed or rolled-back instance refresh left so that the image",
                "is never rolled out again automatically. The mark is deleted from the ledger only if it is still the one read",
                "(a mark made again meanwhile stays), with the rollout claim of the image on the mark's group, so that",
                "publishing the image again rolls it out there; the clearing, with the mark's evidence, is written to the",
                "audit trail (AUDIT#<image>)."},
        footer = {
                "",
                "Example:",
                "  drift-deploy clear-bad-image --image ami-0123456789abcdef0 --table drift-deploy-ledger",
                "",
                "Exit status: 0 cleared, or the image was not marked bad; 1 AWS refused, or no table was given; 2 usage error."})
final class ClearBadImageCommand extends ClearCommand<BadMark> {

    @Option(names = "--image", required = true, paramLabel = "AMI", description = "The AMI id, e.g. ami-0123456789abcdef0.")
    private String image;

    @Override
    Optional<BadMark> clear(Ledger ledger) {
        return new DynamoRolloutLedger(ledger).clearBadMark(image);
    }

    @Override
    String nothingToClear() {
        return "image " + image + " is not marked bad";
    }

    @Override
    Report clearing(BadMark mark, Instant now) {
        return RefreshReports.badMarkCleared(mark, now);
    }

    @Override
    String cleared(BadMark mark) {
        return "the bad mark of image " + image + " (refresh " + mark.refreshId() + " on " + mark.group()
                + ", Auto Scaling status " + mark.status() + mark.statusReason().map(reason -> ": " + reason).orElse("")
                + "): it may be rolled out again";
    }
}
