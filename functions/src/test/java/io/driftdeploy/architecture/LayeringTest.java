package io.driftdeploy.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import io.driftdeploy.aws.AwsClients;
import io.driftdeploy.aws.OrganizationsTree;
import io.driftdeploy.aws.SnapStartPrime;
import io.driftdeploy.policy.AccountTrust;
import io.driftdeploy.policy.Evaluation;
import io.driftdeploy.policy.Rejection;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one-way data flow of docs/design.md §4 (Layering), enforced: policy is pure and decides, message words
 * what it decided, only aws talks to AWS, orchestration runs the paths, and handler only wires them to Lambda.
 */
class LayeringTest {

    /**
     * The functions' own classes, where AwsClients was loaded from (target/classes): not the
     * testkit's or the settings module's, which share the io.driftdeploy prefix on the test classpath.
     */
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .importLocations(Set.of(Location.of(AwsClients.class.getProtectionDomain().getCodeSource().getLocation())));

    @Test
    void policyIsPure() {
        noClasses().that().resideInAPackage("io.driftdeploy.policy..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "software.amazon.awssdk..", "com.amazonaws..", "com.fasterxml.jackson..",
                        "io.driftdeploy.aws..", "io.driftdeploy.handler..", "io.driftdeploy.orchestration..",
                        "java.io..", "java.net..", "java.nio..")
                .check(CLASSES);
    }

    @Test
    void policyDecidesWithoutItsWording() {
        noClasses().that().resideInAPackage("io.driftdeploy.policy..")
                .should().dependOnClassesThat().resideInAPackage("io.driftdeploy.message..")
                .check(CLASSES);
    }

    @Test
    void messagesAreWrittenFromDecisionsEventsAndSettingsOnly() {
        classes().that().resideInAPackage("io.driftdeploy.message..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "io.driftdeploy.message..", "io.driftdeploy.policy..", "io.driftdeploy.event..",
                        "io.driftdeploy.config..", "java.lang..", "java.util..", "java.time..")
                .check(CLASSES);
    }

    @Test
    void policyAndMessagesNeverReadTheClock() {
        noClasses().that().resideInAnyPackage("io.driftdeploy.policy..", "io.driftdeploy.message..")
                .should().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.lang.System.class, "currentTimeMillis")
                .orShould().callMethod(java.time.Clock.class, "systemUTC")
                .check(CLASSES);
    }

    @Test
    void onlyAwsAdaptersCallTheAwsSdkServices() {
        noClasses().that().resideOutsideOfPackage("io.driftdeploy.aws..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk.services..")
                .check(CLASSES);
    }

    @Test
    void eventParsingKnowsNothingOfAws() {
        noClasses().that().resideInAPackage("io.driftdeploy.event..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..", "io.driftdeploy.aws..",
                        "io.driftdeploy.handler..")
                .check(CLASSES);
    }

    /** Lambda's entry points sit on top: nothing in the functions depends on them (the CLI may). */
    @Test
    void nothingDependsOnTheHandlers() {
        noClasses().that().resideOutsideOfPackage("io.driftdeploy.handler..")
                .should().dependOnClassesThat().resideInAPackage("io.driftdeploy.handler..")
                .check(CLASSES);
    }

    /**
     * A handler parses, checks the event's account and hands over to orchestration, which it
     * builds on the clients: it reaches AWS only through AwsClients (and the SnapStart hook), and
     * decides nothing but the account rule.
     */
    @Test
    void handlersOnlyWire() {
        classes().that().resideInAPackage("io.driftdeploy.handler..")
                .should().onlyDependOnClassesThat(resideInAnyPackage(
                                "io.driftdeploy.handler..", "io.driftdeploy.orchestration..", "io.driftdeploy.event..",
                                "io.driftdeploy.message..", "io.driftdeploy.config..", "io.driftdeploy.json..",
                                "com.amazonaws.services.lambda.runtime..",
                                "com.fasterxml.jackson..", "java..")
                        .or(belongToAnyOf(AwsClients.class, OrganizationsTree.class, SnapStartPrime.class, AccountTrust.class, Rejection.class,
                                Evaluation.class)))
                .check(CLASSES);
    }
}
