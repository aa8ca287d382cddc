package io.driftdeploy.aws;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The IAM actions a caller needs for this method to succeed on a real account: the action of each
 * API call it makes, and the ones AWS authorises implicitly on the caller's behalf (a launch template
 * passed to Auto Scaling is checked as the caller's ec2:RunInstances; a publish to a KMS-encrypted
 * topic needs the caller's use of the key). Every public method of this package that calls an AWS
 * SDK client carries it, and the infra tests check each function's role against the methods its
 * handler can reach (infra-cdk IamCoverageTest).
 *
 * <p>Action names are IAM's ({@code service:Action}), not the SDK's method names; an implicit
 * action is named next to the method with the AWS documentation that says so.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface RequiresIam {

    /** The actions, e.g. {@code "autoscaling:StartInstanceRefresh"}. */
    String[] value();
}
