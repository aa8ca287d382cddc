package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdeploy.aws.AuditTrail;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.DynamoRolloutLedger;
import io.driftdeploy.aws.Ledger;
import io.driftdeploy.policy.ObservedRefresh;
import io.driftdeploy.policy.StartedRefresh;
import io.driftdeploy.testing.Emulator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * clear-bad-image on the emulator's ledger: what a person runs after fixing what failed a rollout
 * (resume, for a churn breaker, is CliResumeIT). The ledger is set up as the functions leave it (their
 * ITs show how they get there); the command clears it, records who cleared what in the audit trail,
 * and says so; run again, it finds nothing to clear.
 */
class CliClearIT {

    private final AwsClients aws = new AwsClients(Emulator.REGION, Optional.of(Emulator.endpoint()));
    private final String prefix = "cli-clear-" + UUID.randomUUID().toString().substring(0, 8);
    private final String table = prefix + "-ledger";
    private final Ledger ledger;

    CliClearIT() {
        Ledger.createTable(aws.dynamoDb(), table);
        ledger = new Ledger(aws.dynamoDb(), table);
    }

    @Test
    void clearBadImageClearsTheMarkAndRecordsItsEvidence() {
        String image = "ami-0" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String group = prefix + "-web";
        Instant now = Instant.now();
        new DynamoRolloutLedger(ledger).markBad(new StartedRefresh("refresh-1", group, image, "shop", "lt-0123456789abcdef0", 2),
                new ObservedRefresh("refresh-1", group, "RollbackSuccessful", Optional.of("health checks failed"), now), "event-1", now);

        CliRun cleared = run("clear-bad-image", "--image", image);

        assertThat(cleared.exitCode()).as(cleared.toString()).isZero();
        assertThat(cleared.out()).contains("cleared").contains("refresh-1").contains("RollbackSuccessful");
        assertThat(new DynamoRolloutLedger(ledger).isBad(image)).isFalse();
        List<Map<String, AttributeValue>> audit = auditRecords(image);
        assertThat(audit).extracting(record -> record.get("reason").s()).containsExactly("bad-mark-cleared");
        assertThat(audit.get(0).get("facts").s()).contains("refresh-1").contains("RollbackSuccessful");

        CliRun again = run("clear-bad-image", "--image", image);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("not marked bad");
    }

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--table", table, "--region", Emulator.REGION.id()));
        return CliRun.of(Map.of("AWS_ENDPOINT_URL", Emulator.endpoint().toString()), all.toArray(String[]::new));
    }

    private List<Map<String, AttributeValue>> auditRecords(String subject) {
        return aws.dynamoDb().query(r -> r.tableName(table)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", Ledger.PARTITION_KEY))
                .expressionAttributeValues(Map.of(":pk", Ledger.text(AuditTrail.partitionKey(subject))))).items();
    }
}
