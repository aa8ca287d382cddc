package io.driftdeploy.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.constructs.IConstruct;

/**
 * The CDK app: {@code cdk synth} / {@code cdk deploy} in infra-cdk/ run {@link #main}.
 *
 * <p>Every stack is environment-agnostic and makes no lookups, so synth needs no AWS credentials
 * and gives the same templates on every machine.
 */
public final class DriftDeployApp {

    private DriftDeployApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        define(app);
        app.synth();
    }

    /**
     * Adds every stack the context asks for to {@code app}, checked by cdk-nag's AwsSolutions pack:
     * drift-deploy itself, or with context {@code memberOf} only the member stack, for the member
     * account a deploy runs in (docs/organization.md).
     */
    public static Stacks define(App app) {
        Settings settings = Settings.from(app.getNode()::tryGetContext);
        String prefix = settings.stackPrefix();
        checked(app);
        if (settings.synthesizesMemberOnly()) {
            return new Stacks(null, null, null, null, null, new MemberStack(app, prefix + "-Member", settings));
        }
        StackProps props = StackProps.builder().description("drift-deploy: immutable infrastructure enforcement").build();

        // No stack refers to another's resources (no Fn::ImportValue, no export, which would block
        // renames and replacements): names and ARNs derive from the settings; dependencies only order
        // the deploy.
        NotificationsStack notifications = new NotificationsStack(app, prefix + "-Notifications", props, settings);
        DriftDetectionStack detection = new DriftDetectionStack(app, prefix + "-DriftDetection", props, settings);
        ExampleFleetStack fleet = settings.exampleFleet()
                ? new ExampleFleetStack(app, prefix + "-ExampleFleet", props, settings)
                : null;
        FunctionsStack functions = new FunctionsStack(app, prefix + "-Functions", props, settings,
                detection.ruleNames(), detection.templateInheritedRuleNames());
        functions.addStackDependency(notifications, "the functions publish to the topic");
        functions.addStackDependency(detection, "the functions act on the drift rules and the drift alarm");
        OrganizationStack organization = null;
        if (settings.servesOrganization()) {
            organization = new OrganizationStack(app, prefix + "-Organization", props, settings,
                    DriftRules.countedAsDrift(settings, detection.ruleNames()));
            organization.addStackDependency(functions, "the members' events go to the functions' rules, and the "
                    + "member roles trust the function roles");
        }
        return new Stacks(notifications, detection, functions, fleet, organization, null);
    }

    /** Tags everything drift-deploy deploys as its own and checks it with cdk-nag's AwsSolutions pack. */
    static void checked(IConstruct app) {
        Tags.of(app).add("drift-deploy:component", "drift-deploy");
        Aspects.of(app).add(new AwsSolutionsChecks());
    }

    /**
     * The stacks of one app; {@code fleet} is null unless context {@code exampleFleet} is true,
     * {@code organization} unless {@code memberAccounts} or {@code memberOrganizationUnits} is set;
     * with {@code memberOf}, {@code member} is the only one.
     */
    public record Stacks(NotificationsStack notifications, DriftDetectionStack detection, FunctionsStack functions,
            ExampleFleetStack fleet, OrganizationStack organization, MemberStack member) {
    }
}
