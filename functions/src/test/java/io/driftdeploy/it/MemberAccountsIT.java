package io.driftdeploy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdeploy.testing.Emulator;
import io.driftdeploy.testing.Sandbox;
import io.driftdeploy.testing.TestEnvironment;
import io.driftdeploy.testing.TestGroup;
import io.driftdeploy.testing.TestOrganization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.EvaluationResult;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Parent;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The test kit's member accounts on the emulator: a fleet seeded in member A through
 * {@link Sandbox#inAccount} is A's alone, as an organization's tests need it to be, and the accounts
 * {@link TestOrganization} makes sit where it placed them.
 */
class MemberAccountsIT {

    // One set for the class: every account the organization makes stays in the emulator's memory.
    @AutoClose
    private static final TestEnvironment env = TestEnvironment.create();
    private static final TestOrganization organization = TestOrganization.of(env);
    private static final String production = organization.unit("production");
    private static final String web = organization.unit("web", production);
    private static final Sandbox memberA = env.inAccount(organization.account("a", web));
    private static final Sandbox memberB = env.inAccount(organization.account("b"));

    @Test
    void theSandboxOfAMemberActsInThatAccount() {
        assertThat(memberA.accountId).isNotIn(Emulator.ACCOUNT, memberB.accountId);
        assertThat(memberA.clients.ec2().describeVpcs(r -> r.vpcIds(memberA.vpcId)).vpcs())
                .singleElement().satisfies(vpc -> assertThat(vpc.ownerId()).isEqualTo(memberA.accountId));
        assertThat(Emulator.clientIn(memberA.accountId, StsClient.builder()).getCallerIdentity().account()).isEqualTo(memberA.accountId);
        assertThat(memberA.topicArn).isEqualTo(env.topicArn);
        assertThat(memberA.tableName).isEqualTo(env.tableName);
    }

    @Test
    void aGroupSeededInOneMemberIsInvisibleFromTheCentralAccountAndFromAnotherMember() {
        TestGroup group = memberA.group("apart").instances(2).create();
        String instance = group.instanceIds().get(0);

        assertThat(groups(memberA, group.name)).singleElement().satisfies(seen -> assertThat(seen.instances()).hasSize(2));
        assertThat(groups(env, group.name)).isEmpty();
        assertThat(groups(memberB, group.name)).isEmpty();
        for (Sandbox other : List.of(env, memberB)) {
            assertThatThrownBy(() -> other.clients.ec2().describeInstances(r -> r.instanceIds(instance)))
                    .isInstanceOfSatisfying(Ec2Exception.class,
                            error -> assertThat(error.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.NotFound"));
        }
    }

    @Test
    void aConfigEvaluationPutInOneMemberIsReadBackOnlyThere() {
        String instance = memberA.standaloneInstance(Map.of());
        String rule = memberA.configRule("drift-golden-ami");
        memberA.putEvaluation(rule, "AWS::EC2::Instance", instance, ComplianceType.NON_COMPLIANT, Instant.now());

        assertThat(evaluations(memberA, instance)).extracting(EvaluationResult::complianceType)
                .containsExactly(ComplianceType.NON_COMPLIANT);
        assertThat(evaluations(env, instance)).isEmpty();
        assertThat(evaluations(memberB, instance)).isEmpty();
    }

    @Test
    void aGoldenImageSharedByTheCentralAccountLaunchesInTheMember() {
        String golden = env.registerImage("golden", Map.of("drift-deploy-golden", "true"));
        env.shareImage(golden, memberA.accountId);

        TestGroup group = memberA.group("golden").instances(1).image(golden).create();

        List<Instance> launched = memberA.clients.ec2().describeInstances(r -> r.instanceIds(group.instanceIds())).reservations()
                .stream().flatMap(reservation -> reservation.instances().stream()).toList();
        assertThat(launched).extracting(Instance::imageId).containsExactly(golden);
        assertThat(memberA.clients.ec2().describeImages(r -> r.imageIds(golden)).images())
                .singleElement().satisfies(image -> {
                    assertThat(image.ownerId()).isEqualTo(Emulator.ACCOUNT);
                    assertThat(image.tags()).as("the owner's tags are not shared").isEmpty();
                });
    }

    @Test
    void theOrganizationPlacesEachAccountWhereItWasPut() {
        OrganizationsClient organizations = Emulator.client(OrganizationsClient.builder());

        assertThat(organization.managementAccountId).isEqualTo(Emulator.ACCOUNT);
        assertThat(parent(organizations, memberA.accountId)).isEqualTo(web);
        assertThat(parent(organizations, web)).isEqualTo(production);
        assertThat(parent(organizations, production)).isEqualTo(organization.rootId);
        assertThat(parent(organizations, memberB.accountId)).isEqualTo(organization.rootId);
    }

    private static List<AutoScalingGroup> groups(Sandbox in, String name) {
        return in.clients.autoScaling().describeAutoScalingGroups(r -> r.autoScalingGroupNames(name)).autoScalingGroups();
    }

    private static List<EvaluationResult> evaluations(Sandbox in, String instance) {
        return in.clients.config().getComplianceDetailsByResource(r -> r.resourceType("AWS::EC2::Instance").resourceId(instance))
                .evaluationResults();
    }

    private static String parent(OrganizationsClient organizations, String child) {
        List<Parent> parents = organizations.listParents(r -> r.childId(child)).parents();
        assertThat(parents).hasSize(1);
        return parents.get(0).id();
    }
}
