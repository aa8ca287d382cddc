"""Seeds, on the local AWS emulator (AWS_ENDPOINT_URL), one fleet that drift-deploy and Cloud
Custodian both decide on: an opted-in Auto Scaling group of GROUP_SIZE instances, an AWS Config
rule with a NON_COMPLIANT evaluation for the group's first instance, and drift-deploy's SNS topic
and ledger table. Used by scripts/bench-invoke and scripts/cli-archive (the AOT cache's training run).

The first instance also carries EC2 termination protection (DisableApiTermination): Custodian's
Lambda entry has no dry run, so its terminate call is made and refused, and the instance stays for
the next run; drift-deploy, in dry-run mode, never calls terminate, and does not read the attribute.

Usage (with a Python that has boto3; every command but the two seeds only writes files):
  bench_fleet.py seed SUFFIX               seed the fleet; print it as one JSON object (FLEET below)
  bench_fleet.py seed-groups SUFFIX SIZE...
                                           the same with one group per SIZE, each with a NON_COMPLIANT
                                           first instance (not termination protected, so that it can be
                                           terminated), listed under "groups" (scripts/bench/group-size)
  bench_fleet.py env FLEET                 drift-deploy's settings for it, as shell exports (dry-run mode)
  bench_fleet.py drift-event FLEET ID      the AWS Config compliance-change event drift-deploy decides
  bench_fleet.py drift-events FLEET DIR    for seed-groups' fleet: DIR/event-SIZE.json, the event on each
                                           group's instance, with EVENT_ID as its id
  bench_fleet.py c7n FLEET NAME DIR        Cloud Custodian's equivalent: DIR/policy.yml for `custodian run`,
                                           DIR/lambda/ as `custodian` packages a Lambda policy (config.json,
                                           custodian_policy.py) and DIR/lambda-event.json, the CloudTrail
                                           event (PutEvaluations of the NON_COMPLIANT result) it reacts to
"""
import datetime
import json
import os
import shlex
import sys

import boto3

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GROUP_SIZE = 10  # the default minimum healthy share (90 %) then allows one termination


def seed(suffix, sizes=(GROUP_SIZE,), protect=True):
    """The fleet, with one opted-in group per size in SIZES; the first group's instance is the fleet's.
    PROTECT: the instances named carry EC2 termination protection (for Custodian's Lambda entry)."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if not endpoint.startswith(("http://127.", "http://localhost")):
        sys.exit(f"bench_fleet: AWS_ENDPOINT_URL must name the local emulator, got {endpoint!r}")

    kw = dict(region_name="us-east-1")
    ec2 = boto3.client("ec2", **kw)
    autoscaling = boto3.client("autoscaling", **kw)
    config = boto3.client("config", **kw)

    image = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["amzn2-ami-hvm-*"]}])["Images"][0]["ImageId"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    # /20s: room for the addresses of a group of a few thousand instances.
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i * 16}.0/20", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for i, zone in ((1, "us-east-1a"), (2, "us-east-1b"))]
    name = f"bench-{suffix}"
    rule = f"bench-required-tags-{suffix}"
    config.put_config_rule(ConfigRule={
        "ConfigRuleName": rule,
        "Source": {"Owner": "AWS", "SourceIdentifier": "REQUIRED_TAGS"},
        "InputParameters": json.dumps({"tag1Key": "app"}),
        "Scope": {"ComplianceResourceTypes": ["AWS::EC2::Instance"]}})
    # A minute ago, to the second: the evaluation the events name, as AWS Config stored it.
    ordering = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)).replace(microsecond=0)

    groups = []
    for size in sizes:
        group = name if len(sizes) == 1 else f"{name}-{size}"
        template = ec2.create_launch_template(
            LaunchTemplateName=f"{group}-lt",
            LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=group,
            LaunchTemplate={"LaunchTemplateId": template, "Version": "1"},
            MinSize=size // 2, MaxSize=size * 2, DesiredCapacity=size,
            VPCZoneIdentifier=",".join(subnets),
            Tags=[{"Key": "drift-deploy:remediation", "Value": "terminate", "PropagateAtLaunch": False}])
        instances = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0]["Instances"]
        instance = sorted(i["InstanceId"] for i in instances)[0]
        if protect:
            ec2.modify_instance_attribute(InstanceId=instance, DisableApiTermination={"Value": True})
        config.put_evaluations(ResultToken=rule, Evaluations=[{
            "ComplianceResourceType": "AWS::EC2::Instance", "ComplianceResourceId": instance,
            "ComplianceType": "NON_COMPLIANT", "OrderingTimestamp": ordering}])
        groups.append({"size": size, "group": group, "instance": instance})

    topic = boto3.client("sns", **kw).create_topic(Name=name)["TopicArn"]
    table = f"{name}-ledger"
    dynamodb = boto3.client("dynamodb", **kw)
    dynamodb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])

    fleet = {"instance": groups[0]["instance"], "group": groups[0]["group"], "rule": rule, "topic": topic, "table": table,
             "ordering": ordering.strftime("%Y-%m-%dT%H:%M:%S.000Z")}
    if len(sizes) > 1:
        fleet["groups"] = groups
    return fleet


def env(fleet):
    settings = {
        "DRIFT_DEPLOY_TOPIC_ARN": fleet["topic"], "DRIFT_DEPLOY_TABLE": fleet["table"],
        "DRIFT_DEPLOY_ACCOUNT_ID": "123456789012", "DRIFT_DEPLOY_DRIFT_RULES": fleet["rule"],
        "DRIFT_DEPLOY_MODE": "dry-run",
    }
    return "".join(f"export {k}={shlex.quote(v)}\n" for k, v in settings.items())


def drift_event(fleet, event_id):
    """The sample compliance-change event (events/drift/), naming the fleet's instance, rule and evaluation."""
    with open(os.path.join(REPO, "events/drift/config-noncompliant-ec2-first-evaluation.json")) as f:
        event = json.load(f)
    event["id"] = event_id
    event["time"] = fleet["ordering"]
    detail = event["detail"]
    detail["resourceId"] = fleet["instance"]
    detail["configRuleName"] = fleet["rule"]
    detail["configRuleARN"] = f"arn:aws:config:us-east-1:123456789012:config-rule/{fleet['rule']}"
    result = detail["newEvaluationResult"]
    qualifier = result["evaluationResultIdentifier"]["evaluationResultQualifier"]
    qualifier["configRuleName"] = fleet["rule"]
    qualifier["resourceId"] = fleet["instance"]
    result["evaluationResultIdentifier"]["orderingTimestamp"] = fleet["ordering"]
    result.pop("annotation", None)
    for key in ("resultRecordedTime", "configRuleInvokedTime"):
        result[key] = fleet["ordering"]
    detail["notificationCreationTime"] = fleet["ordering"]
    return event


def c7n(fleet, name, directory):
    """The same decision for Cloud Custodian: the instance, if AWS Config holds it NON_COMPLIANT under
    the rule, is terminated. `custodian run --dryrun` stops before the action; the Lambda entry has no
    dry run and calls TerminateInstances, which the instance's termination protection refuses."""
    compliance = {"type": "config-compliance", "rules": [fleet["rule"]], "states": ["NON_COMPLIANT"]}
    pull = {"name": name, "resource": "ec2",
            # Narrows the one DescribeInstances call to the instance, as the Lambda entry's does.
            "query": [{"instance-id": fleet["instance"]}],
            "filters": [{"InstanceId": fleet["instance"]}, compliance],
            "actions": ["terminate"]}
    with open(os.path.join(directory, "policy.yml"), "w") as f:
        json.dump({"policies": [pull]}, f, indent=2)  # JSON is YAML
    lambda_policy = {"name": name, "resource": "ec2",
                     "mode": {"type": "cloudtrail", "events": [{
                         "source": "config.amazonaws.com", "event": "PutEvaluations",
                         "ids": "requestParameters.evaluations[].complianceResourceId"}]},
                     "filters": [compliance],
                     "actions": ["terminate"]}
    package = os.path.join(directory, "lambda")
    os.makedirs(package, exist_ok=True)
    from c7n.mu import PolicyHandlerTemplate  # what custodian writes as the Lambda's handler module
    with open(os.path.join(package, "custodian_policy.py"), "w") as f:
        f.write(PolicyHandlerTemplate)
    # As c7n.mu.PolicyLambda writes it; a CLI run with a local output dir leaves no execution options.
    with open(os.path.join(package, "config.json"), "w") as f:
        json.dump({"execution-options": {}, "policies": [lambda_policy]}, f, indent=2)
    evaluation = {"complianceResourceType": "AWS::EC2::Instance", "complianceResourceId": fleet["instance"],
                  "complianceType": "NON_COMPLIANT", "orderingTimestamp": fleet["ordering"]}
    event = {"version": "0", "id": f"{name}-trail", "detail-type": "AWS API Call via CloudTrail",
             "source": "aws.config", "account": "123456789012", "time": fleet["ordering"],
             "region": "us-east-1", "resources": [],
             "detail": {"eventVersion": "1.08", "eventSource": "config.amazonaws.com",
                        "eventName": "PutEvaluations", "awsRegion": "us-east-1",
                        "eventTime": fleet["ordering"], "eventType": "AwsApiCall",
                        "recipientAccountId": "123456789012",
                        "requestParameters": {"resultToken": fleet["rule"], "evaluations": [evaluation],
                                              "testMode": False},
                        "responseElements": {"failedEvaluations": []}}}
    with open(os.path.join(directory, "lambda-event.json"), "w") as f:
        json.dump(event, f, indent=2)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "seed":
        print(json.dumps(seed(args[0])))
    elif command == "seed-groups":
        print(json.dumps(seed(args[0], [int(size) for size in args[1:]], protect=False)))
    elif command == "env":
        print(env(json.loads(args[0])), end="")
    elif command == "drift-event":
        print(json.dumps(drift_event(json.loads(args[0]), args[1]), indent=2))
    elif command == "drift-events":
        fleet = json.loads(args[0])
        for group in fleet["groups"]:
            with open(os.path.join(args[1], f"event-{group['size']}.json"), "w") as f:
                json.dump(drift_event(dict(fleet, instance=group["instance"]), "EVENT_ID"), f, indent=2)
    elif command == "c7n":
        c7n(json.loads(args[0]), args[1], args[2])
    else:
        sys.exit(f"bench_fleet: unknown command {command}")
