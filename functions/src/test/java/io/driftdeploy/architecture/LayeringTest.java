package io.driftdeploy.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The one-way data flow of README's layout, enforced: policy is pure and decides, message words
 * what it decided, only aws talks to AWS.
 */
class LayeringTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.driftdeploy");

    @Test
    void policyIsPure() {
        noClasses().that().resideInAPackage("io.driftdeploy.policy..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "software.amazon.awssdk..", "com.amazonaws..", "com.fasterxml.jackson..",
                        "io.driftdeploy.aws..", "io.driftdeploy.handler..", "io.driftdeploy.cli..",
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
        noClasses().that().resideOutsideOfPackages("io.driftdeploy.aws..", "io.driftdeploy.cli..")
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
}
