package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.testing.Emulator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's main job: the demo plays the whole story on the emulator and says so, step by step. */
class CliDemoIT {

    @Test
    void playsTheStoryAndExitsZero() {
        CliRun run = CliRun.of(Map.of("AWS_ENDPOINT_URL", Emulator.endpoint().toString()), "demo");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).as(run.toString())
                .contains("1. AWS Config finds drift on an instance of the opted-in group")
                .containsPattern("drift +TERMINATE \\(drift-confirmed\\)")
                .containsPattern("fleet +i-\\w+ (shutting-down|terminated)")
                .contains("back to 6 InService instances")
                .containsPattern("notified +\\[warning] drift-deploy: terminated drifted i-\\w+ in demo-\\w+-shop-blue")
                .contains("2. AWS Config finds drift on the standalone instance")
                .contains("NOTIFY (standalone-instance)")
                .contains("3. The Packer pipeline publishes a new golden image of shop")
                .contains("REFRESH (newer-image)")
                .containsPattern("refresh +[-\\w]+: Successful 100 %")
                .containsPattern("6 instances, all on the new golden image ami-\\w+")
                .contains("4. A late \"EC2 AMI State Change\" arrives for the older image")
                .contains("SKIP (older-than-running)")
                .contains("5. A drift storm")
                .contains("NOTIFY (group-rate-limit)")
                .contains("1 storm alert")
                .contains("6. A disruption budget")
                .contains("NOTIFY (budget-closed)")
                .containsPattern("fleet +i-\\w+ is still running: outside its only window")
                .containsPattern("notified +\\[warning] drift-deploy: drift on i-\\w+ in demo-\\w+-shop-blue not remediated \\(budget-closed\\)")
                .contains("7. AWS Config finds drift on an instance of the two-instance group that surges")
                .containsPattern("fleet +3 instances: .*Pending/Healthy.*\\(drifted\\)|fleet +3 instances: .*\\(drifted\\).*Pending/Healthy")
                .containsPattern("notified +\\[warning] drift-deploy: surge-replacing drifted i-\\w+ in demo-\\w+-shop-cart")
                .contains("replaced with never fewer than 2 InService instances nor more than 3")
                .contains("8. AWS Config finds drift in the vault group, which quarantines instead of terminating")
                .contains("QUARANTINE (drift-quarantined)")
                .containsPattern("fleet +i-\\w+ running, detached from demo-\\w+-vault, security groups \\[\\[sg-\\w+]], snapshots \\[snap-")
                .contains("vault back to 2 instances")
                .containsPattern("notified +\\[warning] drift-deploy: quarantined drifted i-\\w+ in demo-\\w+-vault")
                .containsPattern("retention sweep: terminated \\[[^]]*i-\\w+")
                .contains("Done: every step went as the story says");
        assertThat(run.out().lines().filter(line -> line.contains("drift storm in group")).count()).isEqualTo(1);
    }

    @Test
    void refusesAnEndpointThatIsNotOnThisMachine() {
        CliRun run = CliRun.of(Map.of("AWS_ENDPOINT_URL", "https://ec2.us-east-1.amazonaws.com"), "demo");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("only runs on a local emulator").doesNotContain("\tat ");
    }
}
