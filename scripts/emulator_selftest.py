"""Self-test of the drift-deploy emulator's extensions against a running emulator.

    scripts/emulator start
    .venv/emulator/bin/python scripts/emulator_selftest.py

Talks to AWS_ENDPOINT_URL, or else to the emulator recorded in .emulator/. Every resource
gets a unique name, so the test can run against an emulator that other tests use too.
Expects the default refresh step (EMULATOR_REFRESH_STEP_SECONDS of at most a few seconds).
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

REPO_ROOT = Path(__file__).resolve().parent.parent
REFRESH_TIMEOUT_SECONDS = 60
MISSING_IMAGE_ID = "ami-00000000000000bad"


def endpoint() -> str:
    if os.environ.get("AWS_ENDPOINT_URL"):
        return os.environ["AWS_ENDPOINT_URL"]
    port_file = REPO_ROOT / ".emulator" / "server.port"
    if not port_file.exists():
        sys.exit("no AWS_ENDPOINT_URL and no running emulator: run scripts/emulator start")
    return f"http://127.0.0.1:{port_file.read_text().strip()}"


def client(service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint(),
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


class Results:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, condition: bool, detail: Any = "") -> None:
        if condition:
            self.passed += 1
            print(f"ok    {name}")
        else:
            self.failed += 1
            print(f"FAIL  {name} {detail}")

    def raises(self, name: str, code: str, call: Callable[[], Any]) -> None:
        try:
            call()
        except ClientError as error:
            actual = error.response["Error"]["Code"]
            self.check(name, actual == code, f"expected {code}, got {actual}: {error}")
        else:
            self.check(name, False, f"expected {code}, the call succeeded")


ec2 = client("ec2")
autoscaling = client("autoscaling")
cloudwatch = client("cloudwatch")
config = client("config")
results = Results()
suffix = uuid.uuid4().hex[:8]


def amazon_images(ec2_client: Any) -> list[str]:
    """Some of the Amazon images moto gives every account: a name filter, since listing all ~1,300 takes seconds."""
    return [image["ImageId"] for image in ec2_client.describe_images(
        Owners=["amazon"], Filters=[{"Name": "name", "Values": ["amzn2-ami-hvm-*"]}])["Images"]]


def fleet() -> tuple[str, str, list[str]]:
    """A launch template with versions 1-3 (three distinct images, v3's missing) and a group of 3 on v1."""
    images = amazon_images(ec2)[:2]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for index, zone in enumerate(("us-east-1a", "us-east-1b"))
    ]
    template = ec2.create_launch_template(
        LaunchTemplateName=f"selftest-{suffix}",
        LaunchTemplateData={"ImageId": images[0], "InstanceType": "t3.micro"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(
        LaunchTemplateId=template, SourceVersion="1", LaunchTemplateData={"ImageId": images[1]}
    )
    ec2.create_launch_template_version(
        LaunchTemplateId=template, SourceVersion="1", LaunchTemplateData={"ImageId": MISSING_IMAGE_ID}
    )
    group = f"selftest-{suffix}"
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=group,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "1"},
        MinSize=3,
        MaxSize=6,
        DesiredCapacity=3,
        VPCZoneIdentifier=",".join(subnets),
    )
    return group, template, images


def start_refresh(group: str, template: str, version: str, preferences: dict[str, Any] | None = None) -> str:
    return autoscaling.start_instance_refresh(
        AutoScalingGroupName=group,
        DesiredConfiguration={"LaunchTemplate": {"LaunchTemplateId": template, "Version": version}},
        Preferences=preferences or {},
    )["InstanceRefreshId"]


def refresh(group: str, refresh_id: str) -> dict[str, Any]:
    answer = autoscaling.describe_instance_refreshes(AutoScalingGroupName=group, InstanceRefreshIds=[refresh_id])
    return answer["InstanceRefreshes"][0]


def wait_for(group: str, refresh_id: str, statuses: tuple[str, ...]) -> dict[str, Any]:
    deadline = time.monotonic() + REFRESH_TIMEOUT_SECONDS
    while True:
        current = refresh(group, refresh_id)
        if current["Status"] in statuses or time.monotonic() > deadline:
            return current
        time.sleep(0.25)


def group_instances(group: str) -> list[dict[str, Any]]:
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0]["Instances"]


def ec2_instances(instance_ids: list[str]) -> list[dict[str, Any]]:
    reservations = ec2.describe_instances(InstanceIds=instance_ids)["Reservations"]
    return [instance for reservation in reservations for instance in reservation["Instances"]]


def all_on(group: str, version: str, image: str) -> bool:
    instances = group_instances(group)
    described = ec2_instances([instance["InstanceId"] for instance in instances])
    return (
        len(instances) == 3
        and all(instance["LaunchTemplate"]["Version"] == version for instance in instances)
        and all(instance["ImageId"] == image and instance["State"]["Name"] == "running" for instance in described)
        and all(
            {"Key": "aws:ec2launchtemplate:version", "Value": version} in instance["Tags"] for instance in described
        )
    )


def test_refresh_succeeds(group: str, template: str, images: list[str]) -> None:
    original = [instance["InstanceId"] for instance in group_instances(group)]
    preferences = {
        "MinHealthyPercentage": 90,
        "InstanceWarmup": 0,
        "AutoRollback": True,
        "CheckpointPercentages": [50, 100],
        "CheckpointDelay": 60,
    }
    refresh_id = start_refresh(group, template, "2", preferences)
    started = refresh(group, refresh_id)
    results.check("a new refresh is Pending", started["Status"] == "Pending", started["Status"])
    results.check(
        "preferences are echoed with AWS defaults",
        all(started["Preferences"].get(key) == value for key, value in preferences.items())
        and started["Preferences"]["SkipMatching"] is False,
        started["Preferences"],
    )
    results.check(
        "desired configuration is echoed",
        started["DesiredConfiguration"]["LaunchTemplate"] == {"LaunchTemplateId": template, "Version": "2"},
        started.get("DesiredConfiguration"),
    )
    results.raises(
        "a second start while one is active is refused",
        "InstanceRefreshInProgress",
        lambda: autoscaling.start_instance_refresh(AutoScalingGroupName=group),
    )
    in_progress = wait_for(group, refresh_id, ("InProgress",))
    results.check(
        "the refresh goes InProgress with 3 instances to update",
        in_progress["Status"] == "InProgress" and in_progress["InstancesToUpdate"] == 3,
        in_progress,
    )
    done = wait_for(group, refresh_id, ("Successful", "Failed", "Cancelled", "RollbackSuccessful"))
    results.check(
        "the refresh ends Successful at 100 %",
        done["Status"] == "Successful" and done["PercentageComplete"] == 100 and done["InstancesToUpdate"] == 0,
        done,
    )
    results.check("a finished refresh has an EndTime", done.get("EndTime") is not None, done)
    group_description = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0]
    results.check(
        "the group now uses the desired version",
        group_description["LaunchTemplate"]["Version"] == "2",
        group_description["LaunchTemplate"],
    )
    results.check("every instance runs version 2 and its image", all_on(group, "2", images[1]), group_instances(group))
    terminated = ec2_instances(original)
    results.check(
        "the old instances are terminated",
        all(instance["State"]["Name"] == "terminated" for instance in terminated),
        [instance["State"] for instance in terminated],
    )


def test_auto_rollback_validation(group: str, template: str) -> None:
    for version in ("$Latest", "$Default"):
        results.raises(
            f"AutoRollback with desired version {version} is refused",
            "ValidationError",
            lambda version=version: start_refresh(group, template, version, {"AutoRollback": True}),
        )
    results.raises(
        "AutoRollback without a desired configuration is refused",
        "ValidationError",
        lambda: autoscaling.start_instance_refresh(AutoScalingGroupName=group, Preferences={"AutoRollback": True}),
    )


def test_skip_matching(group: str, template: str, images: list[str]) -> None:
    before = sorted(instance["InstanceId"] for instance in group_instances(group))
    refresh_id = start_refresh(group, template, "2", {"SkipMatching": True})
    done = wait_for(group, refresh_id, ("Successful", "Failed"))
    after = sorted(instance["InstanceId"] for instance in group_instances(group))
    results.check(
        "SkipMatching leaves instances already on the desired version alone",
        done["Status"] == "Successful" and before == after,
        (done, before, after),
    )


def test_protected_instances_are_left_alone(group: str, template: str, images: list[str]) -> None:
    before = sorted(instance["InstanceId"] for instance in group_instances(group))
    autoscaling.set_instance_protection(AutoScalingGroupName=group, InstanceIds=before[:1], ProtectedFromScaleIn=True)
    refresh_id = start_refresh(group, template, "2")
    done = wait_for(group, refresh_id, ("Successful", "Failed"))
    after = sorted(instance["InstanceId"] for instance in group_instances(group))
    autoscaling.set_instance_protection(AutoScalingGroupName=group, InstanceIds=before[:1], ProtectedFromScaleIn=False)
    results.check(
        "a refresh replaces all but the scale-in protected instance (ScaleInProtectedInstances Ignore)",
        done["Status"] == "Successful" and before[0] in after and not set(before[1:]) & set(after),
        (done, before, after),
    )
    results.check("and the group is still all on version 2", all_on(group, "2", images[1]))


def test_cancel(group: str, template: str) -> None:
    results.raises(
        "cancel without an active refresh is refused",
        "ActiveInstanceRefreshNotFound",
        lambda: autoscaling.cancel_instance_refresh(AutoScalingGroupName=group),
    )
    refresh_id = start_refresh(group, template, "1")
    cancelled_id = autoscaling.cancel_instance_refresh(AutoScalingGroupName=group)["InstanceRefreshId"]
    results.check("cancel answers the refresh id", cancelled_id == refresh_id)
    cancelling = refresh(group, refresh_id)
    results.check("a cancelled refresh is Cancelling first", cancelling["Status"] == "Cancelling", cancelling)
    done = wait_for(group, refresh_id, ("Cancelled",))
    results.check("then Cancelled", done["Status"] == "Cancelled" and done.get("EndTime") is not None, done)
    group_description = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0]
    results.check(
        "a cancelled refresh does not apply its desired configuration",
        group_description["LaunchTemplate"]["Version"] == "2",
        group_description["LaunchTemplate"],
    )


def test_manual_rollback(group: str, template: str, images: list[str]) -> None:
    results.raises(
        "rollback without an active refresh is refused",
        "ActiveInstanceRefreshNotFound",
        lambda: autoscaling.rollback_instance_refresh(AutoScalingGroupName=group),
    )
    refresh_id = start_refresh(group, template, "1", {"MinHealthyPercentage": 90})
    partway: dict[str, Any] = {}
    deadline = time.monotonic() + REFRESH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        partway = refresh(group, refresh_id)
        if partway["Status"] == "InProgress" and partway["InstancesToUpdate"] < 3:
            break
        time.sleep(0.1)
    results.check("the refresh replaced some instances", partway["InstancesToUpdate"] < 3, partway)
    rolled_id = autoscaling.rollback_instance_refresh(AutoScalingGroupName=group)["InstanceRefreshId"]
    results.check("rollback answers the refresh id", rolled_id == refresh_id)
    rolling = refresh(group, refresh_id)
    results.check(
        "a rolled back refresh is RollbackInProgress with RollbackDetails",
        rolling["Status"] == "RollbackInProgress" and "RollbackStartTime" in rolling.get("RollbackDetails", {}),
        rolling,
    )
    done = wait_for(group, refresh_id, ("RollbackSuccessful", "RollbackFailed"))
    results.check("then RollbackSuccessful", done["Status"] == "RollbackSuccessful", done)
    results.check("every instance is back on version 2", all_on(group, "2", images[1]), group_instances(group))


def test_failure(group: str, template: str, images: list[str], auto_rollback: bool) -> None:
    refresh_id = start_refresh(group, template, "3", {"AutoRollback": auto_rollback})
    expected = "RollbackSuccessful" if auto_rollback else "Failed"
    done = wait_for(group, refresh_id, ("Successful", "Failed", "RollbackSuccessful", "RollbackFailed"))
    label = "with" if auto_rollback else "without"
    results.check(
        f"a refresh to a missing image ends {expected} {label} AutoRollback",
        done["Status"] == expected and MISSING_IMAGE_ID in (done.get("StatusReason") or ""),
        done,
    )
    if auto_rollback:
        results.check(
            "its RollbackDetails give the failure as the reason",
            MISSING_IMAGE_ID in done.get("RollbackDetails", {}).get("RollbackReason", ""),
            done.get("RollbackDetails"),
        )
    results.check(f"the group stays on version 2 ({label} AutoRollback)", all_on(group, "2", images[1]))


def test_alarm_failure(group: str, template: str, images: list[str]) -> None:
    alarm = f"selftest-guard-{suffix}"
    cloudwatch.put_metric_alarm(
        AlarmName=alarm,
        MetricName="HTTPCode_Target_5XX_Count",
        Namespace="AWS/ApplicationELB",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="selftest")
    refresh_id = start_refresh(group, template, "1", {"AutoRollback": True, "AlarmSpecification": {"Alarms": [alarm]}})
    done = wait_for(group, refresh_id, ("Successful", "Failed", "RollbackSuccessful", "RollbackFailed"))
    results.check(
        "a guard alarm in ALARM rolls the refresh back",
        done["Status"] == "RollbackSuccessful" and alarm in done["RollbackDetails"]["RollbackReason"],
        done,
    )
    results.check("the group stays on version 2 after the alarm", all_on(group, "2", images[1]))


def test_config() -> None:
    rule = f"selftest-drift-{suffix}"
    config.put_config_rule(
        ConfigRule={
            "ConfigRuleName": rule,
            "Source": {"Owner": "AWS", "SourceIdentifier": "REQUIRED_TAGS"},
            "InputParameters": '{"tag1Key": "app"}',
            "Scope": {"ComplianceResourceTypes": ["AWS::EC2::Instance"]},
        }
    )
    now = datetime.now(tz=timezone.utc)

    def evaluation(resource: str, compliance: str, at: datetime, annotation: str | None = None) -> dict[str, Any]:
        described = {
            "ComplianceResourceType": "AWS::EC2::Instance",
            "ComplianceResourceId": resource,
            "ComplianceType": compliance,
            "OrderingTimestamp": at,
        }
        if annotation:
            described["Annotation"] = annotation
        return described

    instances = [f"i-selftest{suffix}{index}" for index in range(5)]
    config.put_evaluations(
        ResultToken=rule,
        Evaluations=[evaluation(instance, "COMPLIANT", now - timedelta(minutes=5)) for instance in instances],
    )
    config.put_evaluations(
        ResultToken=rule,
        Evaluations=[
            evaluation(instances[0], "NON_COMPLIANT", now, "tag app missing"),
            evaluation(instances[1], "NON_COMPLIANT", now),
            evaluation(instances[2], "NON_COMPLIANT", now - timedelta(minutes=10)),  # older: ignored
        ],
    )
    config.put_evaluations(
        ResultToken=rule, TestMode=True, Evaluations=[evaluation(instances[3], "NON_COMPLIANT", now)]
    )
    non_compliant = config.get_compliance_details_by_config_rule(ConfigRuleName=rule, ComplianceTypes=["NON_COMPLIANT"])
    ids = sorted(
        result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]
        for result in non_compliant["EvaluationResults"]
    )
    results.check(
        "by rule: newer evaluations replace older ones, older and test-mode ones do not",
        ids == sorted(instances[:2]),
        ids,
    )
    first = next(
        result
        for result in non_compliant["EvaluationResults"]
        if result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] == instances[0]
    )
    results.check(
        "by rule: a result has AWS's fields",
        first["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ConfigRuleName"] == rule
        and first["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceType"] == "AWS::EC2::Instance"
        and first["Annotation"] == "tag app missing"
        and isinstance(first["ResultRecordedTime"], datetime)
        and isinstance(first["ConfigRuleInvokedTime"], datetime)
        and abs((first["EvaluationResultIdentifier"]["OrderingTimestamp"] - now).total_seconds()) < 1,
        first,
    )
    pages, token = [], None
    while True:
        page = config.get_compliance_details_by_config_rule(
            ConfigRuleName=rule, Limit=2, **({"NextToken": token} if token else {})
        )
        pages.append(len(page["EvaluationResults"]))
        token = page.get("NextToken")
        if not token:
            break
    results.check("by rule: Limit and NextToken page through all 5 results", pages == [2, 2, 1], pages)
    by_resource = config.get_compliance_details_by_resource(
        ResourceType="AWS::EC2::Instance", ResourceId=instances[0]
    )["EvaluationResults"]
    results.check(
        "by resource: answers the resource's result",
        [result["ComplianceType"] for result in by_resource] == ["NON_COMPLIANT"],
        by_resource,
    )
    compliant_only = config.get_compliance_details_by_resource(
        ResourceType="AWS::EC2::Instance", ResourceId=instances[0], ComplianceTypes=["COMPLIANT"]
    )["EvaluationResults"]
    results.check("by resource: the compliance filter applies", compliant_only == [], compliant_only)
    results.raises(
        "by rule: an unknown rule is NoSuchConfigRuleException",
        "NoSuchConfigRuleException",
        lambda: config.get_compliance_details_by_config_rule(ConfigRuleName=f"missing-{suffix}"),
    )
    results.raises(
        "put: a token that names no rule is NoSuchConfigRuleException",
        "NoSuchConfigRuleException",
        lambda: config.put_evaluations(
            ResultToken=f"missing-{suffix}", Evaluations=[evaluation(instances[0], "COMPLIANT", now)]
        ),
    )


def test_include_instances(group: str) -> None:
    """DescribeAutoScalingGroups leaves the instances out only when IncludeInstances is false."""
    def described(**kwargs: Any) -> dict[str, Any]:
        return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group], **kwargs)["AutoScalingGroups"][0]
    full, default, lean = described(IncludeInstances=True), described(), described(IncludeInstances=False)
    results.check("include instances: true lists the group's instances", len(full["Instances"]) == 3, str(full["Instances"]))
    results.check("include instances: the default lists them too", default["Instances"] == full["Instances"])
    results.check("include instances: false lists none", not lean.get("Instances"), str(lean.get("Instances")))
    results.check("include instances: false keeps the rest of the group",
                  {k: v for k, v in lean.items() if k != "Instances"} == {k: v for k, v in full.items() if k != "Instances"})
    paged = autoscaling.get_paginator("describe_auto_scaling_groups").paginate(
        AutoScalingGroupNames=[group], IncludeInstances=False)
    results.check("include instances: false holds for every page",
                  [g.get("Instances") for page in paged for g in page["AutoScalingGroups"]] in ([None], [[]]))


def test_source_version() -> None:
    template = ec2.create_launch_template(
        LaunchTemplateName=f"selftest-source-{uuid.uuid4().hex[:8]}",
        LaunchTemplateData={"ImageId": "ami-source1", "InstanceType": "t3.small", "UserData": "ZWNobw=="},
    )["LaunchTemplate"]["LaunchTemplateId"]
    inherited = ec2.create_launch_template_version(
        LaunchTemplateId=template, SourceVersion="1", LaunchTemplateData={"ImageId": "ami-source2"}
    )["LaunchTemplateVersion"]["LaunchTemplateData"]
    results.check(
        "SourceVersion: the new version inherits everything but what it changes",
        inherited == {"ImageId": "ami-source2", "InstanceType": "t3.small", "UserData": "ZWNobw=="},
        inherited,
    )
    results.raises(
        "SourceVersion: an unknown source version is refused",
        "InvalidLaunchTemplateId.VersionNotFound",
        lambda: ec2.create_launch_template_version(
            LaunchTemplateId=template, SourceVersion="9", LaunchTemplateData={"ImageId": "ami-source2"}
        ),
    )


def test_client_token() -> None:
    template = ec2.create_launch_template(
        LaunchTemplateName=f"selftest-token-{uuid.uuid4().hex[:8]}", LaunchTemplateData={"ImageId": "ami-token1"}
    )["LaunchTemplate"]["LaunchTemplateId"]

    def create(image: str, token: str) -> int:
        return ec2.create_launch_template_version(
            LaunchTemplateId=template, SourceVersion="1", ClientToken=token, LaunchTemplateData={"ImageId": image}
        )["LaunchTemplateVersion"]["VersionNumber"]

    first, again, other = create("ami-token2", "t-1"), create("ami-token2", "t-1"), create("ami-token2", "t-2")
    results.check("ClientToken: a repeated token returns the version it created", (first, again, other) == (2, 2, 3),
                  (first, again, other))
    results.raises("ClientToken: the same token with other parameters is refused", "IdempotentParameterMismatch",
                   lambda: create("ami-token3", "t-1"))


def test_image_builder() -> None:
    imagebuilder = client("imagebuilder")
    name = f"selftest-{uuid.uuid4().hex[:8]}"
    arn = f"arn:aws:imagebuilder:us-east-1:123456789012:image/{name}/1.2.0/3"
    ami = ec2.register_image(Name=name, RootDeviceName="/dev/xvda")["ImageId"]
    ec2.create_tags(Resources=[ami], Tags=[{"Key": "Ec2ImageBuilderArn", "Value": arn},
                                          {"Key": "CreatedBy", "Value": "EC2 Image Builder"}])
    image = imagebuilder.get_image(imageBuildVersionArn=arn)["image"]
    results.check(
        "GetImage: an AMI tagged with the build version ARN is that image's output",
        image["arn"] == arn and image["state"]["status"] == "AVAILABLE" and image["version"] == "1.2.0/3"
        and [(a["region"], a["image"], a["accountId"]) for a in image["outputResources"]["amis"]]
        == [("us-east-1", ami, "123456789012")],
        image,
    )
    wildcard = imagebuilder.get_image(imageBuildVersionArn=arn.replace("1.2.0/3", "1.x.x"))["image"]
    results.check("GetImage: a wildcard version resolves to the build version", wildcard["arn"] == arn, wildcard["arn"])
    results.raises(
        "GetImage: an ARN no AMI carries is not found",
        "ResourceNotFoundException",
        lambda: imagebuilder.get_image(imageBuildVersionArn=arn.replace("/3", "/4")),
    )
    results.raises(
        "GetImage: a malformed ARN is refused",
        "InvalidParameterValueException",
        lambda: imagebuilder.get_image(imageBuildVersionArn="arn:aws:imagebuilder:us-east-1:123456789012:image/Bad"),
    )


def test_event_pattern() -> None:
    events = client("events")
    event = {
        "id": "1", "account": "123456789012", "source": "aws.autoscaling", "time": "2026-01-01T00:00:00Z",
        "region": "us-east-1", "resources": [], "detail-type": "EC2 Auto Scaling Instance Refresh Succeeded",
        "detail": {"AutoScalingGroupName": "web"},
    }
    prefix = {"source": ["aws.autoscaling"], "detail-type": [{"prefix": "EC2 Auto Scaling Instance Refresh"}]}
    results.check(
        "TestEventPattern: a matching prefix pattern answers true",
        events.test_event_pattern(EventPattern=json.dumps(prefix), Event=json.dumps(event))["Result"] is True,
    )
    results.check(
        "TestEventPattern: another source answers false",
        events.test_event_pattern(EventPattern=json.dumps({"source": ["aws.config"]}), Event=json.dumps(event))["Result"]
        is False,
    )
    results.raises(
        "TestEventPattern: a pattern that is not JSON is refused",
        "InvalidEventPatternException",
        lambda: events.test_event_pattern(EventPattern="{not json", Event=json.dumps(event)),
    )
    results.raises(
        "TestEventPattern: an event without its envelope fields is refused",
        "ValidationException",
        lambda: events.test_event_pattern(EventPattern=json.dumps(prefix), Event=json.dumps({"source": "x"})),
    )


def test_dynamodb_transactions() -> None:
    ddb = client("dynamodb")
    table = f"selftest-{uuid.uuid4().hex[:8]}"
    ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])

    def key(pk: str) -> dict[str, Any]:
        return {"pk": {"S": pk}, "sk": {"S": "x"}}

    def count(pk: str) -> str | None:
        item = ddb.get_item(TableName=table, Key=key(pk)).get("Item")
        return item["count"]["N"] if item else None

    ddb.put_item(TableName=table, Item={**key("kept"), "count": {"N": "1"}})
    ddb.put_item(TableName=table, Item={**key("gone"), "count": {"N": "1"}})
    increment = {"Update": {"TableName": table, "Key": key("kept"), "UpdateExpression": "SET #c = #c + :one",
                            "ExpressionAttributeNames": {"#c": "count"}, "ExpressionAttributeValues": {":one": {"N": "1"}}}}
    put = {"Put": {"TableName": table, "Item": {**key("new"), "count": {"N": "1"}}}}
    delete = {"Delete": {"TableName": table, "Key": key("gone")}}
    refused = {"ConditionCheck": {"TableName": table, "Key": key("absent"), "ConditionExpression": "attribute_exists(pk)"}}
    results.raises("dynamodb transaction with a failing condition is cancelled", "TransactionCanceledException",
                   lambda: ddb.transact_write_items(TransactItems=[increment, put, delete, refused]))
    results.check("dynamodb cancelled transaction leaves every item as it was",
                  (count("kept"), count("new"), count("gone")) == ("1", None, "1"),
                  (count("kept"), count("new"), count("gone")))
    ddb.transact_write_items(TransactItems=[increment, put, delete])
    results.check("dynamodb transaction applies every item",
                  (count("kept"), count("new"), count("gone")) == ("2", "1", None),
                  (count("kept"), count("new"), count("gone")))

    for sk in ("c", "a", "b"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "many"}, "sk": {"S": sk}})
    queried = ddb.query(TableName=table, KeyConditionExpression="pk = :pk AND sk >= :from", ScanIndexForward=False,
                        ExpressionAttributeValues={":pk": {"S": "many"}, ":from": {"S": "b"}})["Items"]
    results.check("dynamodb query answers its partition's items only, in key order",
                  [item["sk"]["S"] for item in queried] == ["c", "b"], queried)


def test_kept_alive_connections() -> None:
    """Requests on one connection, each answered in turn, whether or not the server reads the body.

    Cheap calls only (data.json grows with the emulator's state): a refused GET whose body moto never
    reads, and DynamoDB's ListTables, which the server forwards to its DynamoDB process.
    """
    import http.client
    from urllib.parse import urlparse

    url = urlparse(endpoint())
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    dynamodb = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0",
                "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, "
                                 "SignedHeaders=host, Signature=0"}
    requests = (("GET", "/moto-api/reset-auth", b"x" * 100_000, {}),
                ("POST", "/", b'{"Limit": 1}', dynamodb),
                ("POST", "/", iter([b'{"Limit"', b': 1}']), {**dynamodb, "Transfer-Encoding": "chunked"}),
                ("GET", "/moto-api/reset-auth", b"", {}))
    answers = []
    for method, path, body, headers in requests:
        connection.request(method, path, body=body, headers=headers, encode_chunked="Transfer-Encoding" in headers)
        response = connection.getresponse()
        response.read()
        answers.append((response.status, response.getheader("Connection")))
    results.check("emulator answers several requests on one kept-alive connection",
                  answers == [(400, None), (200, None), (200, None), (400, None)], answers)
    connection.request("GET", "/moto-api/reset-auth", headers={"Connection": "close"})
    response = connection.getresponse()
    response.read()
    results.check("emulator closes a connection whose client asks it to", response.getheader("Connection") == "close",
                  response.getheaders())
    connection.close()


def test_sqs_counts() -> None:
    sqs = client("sqs")
    queue = sqs.create_queue(QueueName=f"selftest-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="visible")
    sqs.send_message(QueueUrl=queue, MessageBody="received")
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=600)
    sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1, VisibilityTimeout=600)
    counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    counted = tuple(counts.get(name) for name in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed",
                                                  "ApproximateNumberOfMessagesNotVisible"))
    results.check("sqs counts visible, delayed and in-flight messages apart", counted == ("1", "1", "1"), counts)


def test_sqs_receives_give_each_message_to_one_receiver() -> None:
    """Eight receivers at once drain a queue of 1,000 messages: each message reaches one of them.

    A race, so a check by chance: bare moto 5.2.5 gave 3 or 4 messages twice in each of two runs of this.
    """
    sqs = client("sqs")
    queue = sqs.create_queue(QueueName=f"selftest-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    for first in range(0, 1000, 10):
        sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": str(n), "MessageBody": str(first + n)} for n in range(10)])

    def drain() -> list[str]:
        receiver = client("sqs")
        received: list[str] = []
        while batch := receiver.receive_message(QueueUrl=queue, MaxNumberOfMessages=10,
                                                VisibilityTimeout=600).get("Messages", []):
            received.extend(message["MessageId"] for message in batch)
        return received

    with ThreadPoolExecutor(max_workers=8) as pool:
        received = [message for part in pool.map(lambda _: drain(), range(8)) for message in part]
    results.check("sqs gives each message to one of several receivers at once",
                  len(received) == 1000 and len(set(received)) == 1000,
                  f"{len(received)} receipts of {len(set(received))} messages")


def test_sns_delivers_to_sqs_within_publish_in_order() -> None:
    """The test harness's sentinel (TestEnvironment.notificationsSoFar) proves that nothing else was
    published by receiving until a message published after the action arrives: it relies on SNS
    delivering to a subscribed standard queue within Publish, and on the queue handing messages out
    in the order they arrived. AWS promises neither for a standard queue; the emulator does both."""
    sns = client("sns")
    sqs = client("sqs")
    name = f"selftest-{uuid.uuid4().hex[:8]}"
    topic = sns.create_topic(Name=name)["TopicArn"]
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    sent = [str(n) for n in range(25)]
    immediately = []
    for body in sent:
        sns.publish(TopicArn=topic, Message=body)
        if not immediately:
            # No wait: the first message must already be in the queue when Publish has returned.
            immediately = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1, WaitTimeSeconds=0).get("Messages", [])
            for message in immediately:
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    results.check("sns delivers to a subscribed sqs queue within Publish",
                  [json.loads(m["Body"])["Message"] for m in immediately] == ["0"], immediately)
    received = [json.loads(m["Body"])["Message"] for m in immediately]
    while True:
        batch = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not batch:
            break
        for message in batch:
            received.append(json.loads(message["Body"])["Message"])
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    results.check("a standard sqs queue hands out sns messages in the order they were published", received == sent, received)


def test_quarantine_calls() -> None:
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    other_vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    image = amazon_images(ec2)[0]
    instance = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet,
                                 TagSpecifications=[{"ResourceType": "volume",
                                                     "Tags": [{"Key": "cost-centre", "Value": "shop"}]}])["Instances"][0]
    volumes = [mapping["Ebs"]["VolumeId"] for mapping in instance.get("BlockDeviceMappings", [])]
    if not volumes:
        volumes = [volume["VolumeId"] for volume in ec2.describe_volumes(
            Filters=[{"Name": "attachment.instance-id", "Values": [instance["InstanceId"]]}])["Volumes"]]
    ec2.create_tags(Resources=volumes, Tags=[{"Key": "cost-centre", "Value": "shop"}, {"Key": "owner", "Value": "volume"}])
    snapshots = ec2.create_snapshots(InstanceSpecification={"InstanceId": instance["InstanceId"]}, CopyTagsFromSource="volume",
                                     TagSpecifications=[{"ResourceType": "snapshot",
                                                         "Tags": [{"Key": "owner", "Value": "quarantine"}]}])["Snapshots"]
    tags = [{tag["Key"]: tag["Value"] for tag in snapshot.get("Tags", [])} for snapshot in snapshots]
    results.check("CreateSnapshots CopyTagsFromSource=volume copies the volume's tags, the given tags win",
                  bool(tags) and all(t == {"cost-centre": "shop", "owner": "quarantine"} for t in tags), tags)
    plain = ec2.create_snapshots(InstanceSpecification={"InstanceId": instance["InstanceId"]})["Snapshots"]
    results.check("CreateSnapshots without CopyTagsFromSource copies nothing", all(not s.get("Tags") for s in plain), plain)
    interface = instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
    own = ec2.create_security_group(VpcId=vpc, GroupName=f"quarantine-{suffix}", Description="q")["GroupId"]
    foreign = ec2.create_security_group(VpcId=other_vpc, GroupName=f"quarantine-{suffix}", Description="q")["GroupId"]
    results.raises("ModifyNetworkInterfaceAttribute refuses a security group of another VPC", "InvalidParameter",
                   lambda: ec2.modify_network_interface_attribute(NetworkInterfaceId=interface, Groups=[foreign]))
    ec2.modify_network_interface_attribute(NetworkInterfaceId=interface, Groups=[own])
    groups = [group["GroupId"] for group in ec2.describe_network_interfaces(
        NetworkInterfaceIds=[interface])["NetworkInterfaces"][0]["Groups"]]
    results.check("ModifyNetworkInterfaceAttribute replaces the groups with one of the interface's VPC", groups == [own], groups)


def health_group(policy: dict[str, int] | None) -> str:
    """A group of 2 (max 3) on a fresh template, with the instance maintenance policy given."""
    image = amazon_images(ec2)[0]
    name = f"selftest-health-{uuid.uuid4().hex[:8]}"
    template = ec2.create_launch_template(
        LaunchTemplateName=name, LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    extra = {"InstanceMaintenancePolicy": policy} if policy else {}
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "1"},
        MinSize=2,
        MaxSize=3,
        DesiredCapacity=2,
        AvailabilityZones=["us-east-1a"],
        **extra,
    )
    return name


def health_states(group: str) -> tuple[int, list[tuple[str, str, str]]]:
    described = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0]
    return described["DesiredCapacity"], [
        (instance["InstanceId"], instance["LifecycleState"], instance["HealthStatus"]) for instance in described["Instances"]
    ]


def replacement_sequence(group: str) -> tuple[str, list[list[tuple[str, str, str]]]]:
    """Marks the group's first instance Unhealthy and records each distinct state until it is gone."""
    _, instances = health_states(group)
    marked = instances[0][0]
    autoscaling.set_instance_health(InstanceId=marked, HealthStatus="Unhealthy", ShouldRespectGracePeriod=False)
    # Marking it again is marking it once: no second replacement.
    autoscaling.set_instance_health(InstanceId=marked, HealthStatus="Unhealthy")
    seen: list[list[tuple[str, str, str]]] = []
    desired_seen: set[int] = set()
    deadline = time.monotonic() + REFRESH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        desired, current = health_states(group)
        desired_seen.add(desired)
        if not seen or seen[-1] != current:
            seen.append(current)
        if len(current) == 2 and all(state == ("InService", "Healthy") for _, *state in current) and marked not in [
            instance for instance, _, _ in current
        ]:
            break
        time.sleep(0.2)
    results.check("the desired capacity stays 2 while the instance is replaced", desired_seen == {2}, desired_seen)
    return marked, seen


def test_instance_maintenance_policy_and_health_replacement() -> None:
    launch_first = health_group({"MinHealthyPercentage": 100, "MaxHealthyPercentage": 110})
    described = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[launch_first])["AutoScalingGroups"][0]
    results.check(
        "CreateAutoScalingGroup stores the instance maintenance policy",
        described.get("InstanceMaintenancePolicy") == {"MinHealthyPercentage": 100, "MaxHealthyPercentage": 110},
        described.get("InstanceMaintenancePolicy"),
    )
    marked, seen = replacement_sequence(launch_first)
    counts = [len(states) for states in seen]
    results.check("launch before terminate: 2, then 3 with the replacement Pending, InService, then 2", counts == [2, 3, 3, 2], seen)
    if counts == [2, 3, 3, 2]:
        replacement = next(instance for instance, _, _ in seen[1] if instance not in [i for i, _, _ in seen[0]])
        results.check(
            "launch before terminate: the marked instance stays InService (Unhealthy) until its replacement is InService",
            (marked, "InService", "Unhealthy") in seen[2] and (replacement, "InService", "Healthy") in seen[2]
            and (replacement, "Pending", "Healthy") in seen[1],
            seen,
        )
        state = ec2_instances([marked])[0]["State"]["Name"]
        results.check("launch before terminate: the marked instance is terminated in EC2", state == "terminated", state)

    terminate_first = health_group(None)
    described = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[terminate_first])["AutoScalingGroups"][0]
    results.check("a group without a policy reports none", "InstanceMaintenancePolicy" not in described, described)
    _, seen = replacement_sequence(terminate_first)
    counts = [len(states) for states in seen]
    results.check("no policy: terminate and launch, 2, then 1, then 2 (Pending, then InService)", counts == [2, 1, 2, 2], seen)

    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName=terminate_first, InstanceMaintenancePolicy={"MinHealthyPercentage": 90, "MaxHealthyPercentage": 120}
    )
    described = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[terminate_first])["AutoScalingGroups"][0]
    results.check(
        "UpdateAutoScalingGroup sets the policy",
        described.get("InstanceMaintenancePolicy") == {"MinHealthyPercentage": 90, "MaxHealthyPercentage": 120},
        described.get("InstanceMaintenancePolicy"),
    )
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName=terminate_first, InstanceMaintenancePolicy={"MinHealthyPercentage": -1, "MaxHealthyPercentage": -1}
    )
    described = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[terminate_first])["AutoScalingGroups"][0]
    results.check("-1 and -1 clear the policy", "InstanceMaintenancePolicy" not in described, described)
    for name, policy in (
        ("only one percentage", {"MinHealthyPercentage": 100}),
        ("a maximum below 100", {"MinHealthyPercentage": 50, "MaxHealthyPercentage": 90}),
        ("a range wider than 100", {"MinHealthyPercentage": 50, "MaxHealthyPercentage": 200}),
        ("a minimum above 100", {"MinHealthyPercentage": 110, "MaxHealthyPercentage": 120}),
    ):
        results.raises(
            f"a maintenance policy with {name} is a ValidationError",
            "ValidationError",
            lambda policy=policy: autoscaling.update_auto_scaling_group(
                AutoScalingGroupName=terminate_first, InstanceMaintenancePolicy=policy
            ),
        )


MEMBER = "111111111111"
OTHER_MEMBER = "222222222222"


def session_in(account: str, session: str = "selftest") -> boto3.session.Session:
    """Credentials from AssumeRole into the account's drift-deploy-member role, as the functions will act in a member account."""
    assumed = client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/drift-deploy-member",
                                        RoleSessionName=session)["Credentials"]
    return boto3.session.Session(aws_access_key_id=assumed["AccessKeyId"], aws_secret_access_key=assumed["SecretAccessKey"],
                                 aws_session_token=assumed["SessionToken"], region_name="us-east-1")


def test_assumed_role_acts_in_its_account() -> None:
    """moto's own account scoping, which an organization's tests rely on: no extension, checked so a moto upgrade
    that changed it would be seen. Credentials from AssumeRole into another account's role act in that account."""
    session = f"audit-{suffix}"
    as_member = session_in(MEMBER, session)
    identity = as_member.client("sts", endpoint_url=endpoint()).get_caller_identity()
    results.check("AssumeRole into another account's role: the caller is that account, the session named as asked",
                  identity["Account"] == MEMBER and identity["Arn"].endswith(f"/drift-deploy-member/{session}"), identity)
    member_ec2 = as_member.client("ec2", endpoint_url=endpoint())
    image = amazon_images(member_ec2)[0]
    instance = member_ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    reservations = member_ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"]
    seen_by_member = [(r["OwnerId"], i["InstanceId"]) for r in reservations for i in r["Instances"]]
    results.check("an instance launched with the assumed credentials is the member account's",
                  seen_by_member == [(MEMBER, instance["InstanceId"])], seen_by_member)
    results.raises("the default account does not see the member account's instance", "InvalidInstanceID.NotFound",
                   lambda: ec2.describe_instances(InstanceIds=[instance["InstanceId"]]))
    unissued = boto3.client("sts", endpoint_url=endpoint(), region_name="us-east-1",
                            aws_access_key_id=f"AKIA{MEMBER}", aws_secret_access_key="testing")
    account = unissued.get_caller_identity()["Account"]
    results.check("an access key moto did not issue acts in the default account, whatever it spells", account == "123456789012",
                  account)


def group_instances_in(autoscaling_client: Any, group: str) -> list[dict[str, Any]]:
    return autoscaling_client.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0]["Instances"]


def test_member_accounts_are_apart() -> None:
    """What the extensions keep, kept per account as moto keeps its own state: a member's fleet, its refreshes and
    health replacements, its quarantine snapshots and its Config results are its own, and an AMI the central account
    shares with it is what it launches (shared_images.py)."""
    member, other = session_in(MEMBER), session_in(OTHER_MEMBER)
    member_ec2 = member.client("ec2", endpoint_url=endpoint())
    member_autoscaling = member.client("autoscaling", endpoint_url=endpoint())
    name = f"selftest-member-{suffix}"

    golden = ec2.register_image(Name=name, RootDeviceName="/dev/xvda")["ImageId"]
    ec2.create_tags(Resources=[golden], Tags=[{"Key": "golden", "Value": "yes"}])
    results.raises("an AMI not shared with the member is not found there", "InvalidAMIID.NotFound",
                   lambda: member_ec2.describe_images(ImageIds=[golden]))
    ec2.modify_image_attribute(ImageId=golden, LaunchPermission={"Add": [{"UserId": MEMBER}]})
    try:
        shared: Any = [(image["ImageId"], image["OwnerId"], image.get("Tags") or [])
                       for image in member_ec2.describe_images(ImageIds=[golden])["Images"]]
    except ClientError as error:
        shared = error.response["Error"]["Code"]
    results.check("an AMI shared with the member: found by id there, owned by the sharing account, without its tags",
                  shared == [(golden, "123456789012", [])], shared)
    listed = [image["ImageId"] for image in member_ec2.describe_images(Owners=["123456789012"])["Images"]]
    results.check("and listed there by its owner's account", golden in listed, listed)
    results.raises("an AMI shared with one member is not found in another", "InvalidAMIID.NotFound",
                   lambda: other.client("ec2", endpoint_url=endpoint()).describe_images(ImageIds=[golden]))
    results.raises("a member cannot share an AMI only shared with it", "AuthFailure",
                   lambda: member_ec2.modify_image_attribute(ImageId=golden,
                                                             LaunchPermission={"Add": [{"UserId": OTHER_MEMBER}]}))

    base = amazon_images(member_ec2)[0]
    template = member_ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData={
        "ImageId": base, "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
    member_ec2.create_launch_template_version(LaunchTemplateId=template, SourceVersion="1", LaunchTemplateData={"ImageId": golden})
    refreshed, healed = f"{name}-refresh", f"{name}-health"
    for group in (refreshed, healed):
        member_autoscaling.create_auto_scaling_group(AutoScalingGroupName=group, MinSize=1, MaxSize=2, DesiredCapacity=1,
                                                     LaunchTemplate={"LaunchTemplateId": template, "Version": "1"},
                                                     AvailabilityZones=["us-east-1a"])
    seen = {label: sorted(group["AutoScalingGroupName"] for group in answer.describe_auto_scaling_groups(
                AutoScalingGroupNames=[refreshed, healed])["AutoScalingGroups"])
            for label, answer in (("member", member_autoscaling), ("default", autoscaling),
                                  ("other", other.client("autoscaling", endpoint_url=endpoint())))}
    results.check("a member's groups are seen by the member only",
                  seen == {"member": sorted([refreshed, healed]), "default": [], "other": []}, seen)
    results.raises("the default account cannot refresh a member's group", "ValidationError",
                   lambda: autoscaling.start_instance_refresh(AutoScalingGroupName=refreshed))

    # The refresh and the health replacement step at once: their waits overlap.
    refresh_id = member_autoscaling.start_instance_refresh(
        AutoScalingGroupName=refreshed, Preferences={"MinHealthyPercentage": 0},
        DesiredConfiguration={"LaunchTemplate": {"LaunchTemplateId": template, "Version": "2"}})["InstanceRefreshId"]
    unhealthy = group_instances_in(member_autoscaling, healed)[0]["InstanceId"]
    member_autoscaling.set_instance_health(InstanceId=unhealthy, HealthStatus="Unhealthy")
    results.check("the default account lists no refresh of a member's group",
                  autoscaling.describe_instance_refreshes(AutoScalingGroupName=refreshed)["InstanceRefreshes"] == [])
    deadline = time.monotonic() + REFRESH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        status = member_autoscaling.describe_instance_refreshes(
            AutoScalingGroupName=refreshed, InstanceRefreshIds=[refresh_id])["InstanceRefreshes"][0]["Status"]
        in_service = [instance["InstanceId"] for instance in group_instances_in(member_autoscaling, healed)
                      if instance["LifecycleState"] == "InService"]
        if status not in ("Pending", "InProgress") and in_service and unhealthy not in in_service:
            break
        time.sleep(0.25)
    launched = [instance["ImageId"] for reservation in member_ec2.describe_instances(
        InstanceIds=[instance["InstanceId"] for instance in group_instances_in(member_autoscaling, refreshed)])["Reservations"]
        for instance in reservation["Instances"]]
    results.check("a member's refresh to an AMI shared with it succeeds and launches that AMI in the member",
                  status == "Successful" and launched == [golden], (status, launched))
    results.check("a member's instance marked Unhealthy is replaced in the member",
                  bool(in_service) and unhealthy not in in_service, in_service)

    instance = in_service[0] if in_service else unhealthy
    volumes = member_ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [instance]}])["Volumes"]
    member_ec2.create_tags(Resources=[volume["VolumeId"] for volume in volumes], Tags=[{"Key": "cost-centre", "Value": "shop"}])
    member_autoscaling.detach_instances(AutoScalingGroupName=healed, InstanceIds=[instance], ShouldDecrementDesiredCapacity=False)
    snapshots = member_ec2.create_snapshots(InstanceSpecification={"InstanceId": instance}, CopyTagsFromSource="volume")["Snapshots"]
    results.check("a member's detached instance is snapshotted in the member, its volume's tags copied",
                  bool(snapshots) and all(snapshot["OwnerId"] == MEMBER
                                          and snapshot.get("Tags") == [{"Key": "cost-centre", "Value": "shop"}]
                                          for snapshot in snapshots), snapshots)
    results.raises("the default account cannot snapshot a member's instance", "InvalidInstanceID.NotFound",
                   lambda: ec2.create_snapshots(InstanceSpecification={"InstanceId": instance}))

    member_config = member.client("config", endpoint_url=endpoint())
    member_config.put_config_rule(ConfigRule={"ConfigRuleName": name, "InputParameters": '{"tag1Key": "app"}',
                                              "Source": {"Owner": "AWS", "SourceIdentifier": "REQUIRED_TAGS"}})
    member_config.put_evaluations(ResultToken=name, Evaluations=[{
        "ComplianceResourceType": "AWS::EC2::Instance", "ComplianceResourceId": instance, "ComplianceType": "NON_COMPLIANT",
        "OrderingTimestamp": datetime.now(tz=timezone.utc)}])
    by_resource = {label: [result["ComplianceType"] for result in answer.get_compliance_details_by_resource(
                       ResourceType="AWS::EC2::Instance", ResourceId=instance)["EvaluationResults"]]
                   for label, answer in (("member", member_config), ("default", config))}
    results.check("a Config evaluation put in a member is read back in the member only",
                  by_resource == {"member": ["NON_COMPLIANT"], "default": []}, by_resource)
    results.raises("the default account has no rule of a member's name", "NoSuchConfigRuleException",
                   lambda: config.get_compliance_details_by_config_rule(ConfigRuleName=name))
    member_config.delete_config_rule(ConfigRuleName=name)


def test_organization() -> None:
    """Organizations as moto keeps it: the organization in its management account's state (the default account here,
    as the functions call Organizations from the central account), random account and OU ids, ListParents up to the
    root; and the errors AWS answers where moto answered others (organizations_calls.py)."""
    organizations = client("organizations")
    try:
        organizations.create_organization(FeatureSet="ALL")
    except organizations.exceptions.AlreadyInOrganizationException:
        pass  # Made by an earlier run or test on this emulator: an account manages one organization.
    management = organizations.describe_organization()["Organization"]["MasterAccountId"]
    results.check("the default account manages the organization", management == "123456789012", management)
    root = organizations.list_roots()["Roots"][0]["Id"]
    outer = organizations.create_organizational_unit(ParentId=root, Name=f"selftest-{suffix}")["OrganizationalUnit"]["Id"]
    inner = organizations.create_organizational_unit(ParentId=outer, Name="web")["OrganizationalUnit"]["Id"]
    status = organizations.create_account(AccountName=f"selftest-{suffix}",
                                          Email=f"selftest-{suffix}@example.com")["CreateAccountStatus"]
    account = status.get("AccountId", "")
    results.check("CreateAccount succeeds at once with a new 12-digit account id",
                  status["State"] == "SUCCEEDED" and len(account) == 12 and account.isdigit(), status)
    organizations.move_account(AccountId=account, SourceParentId=root, DestinationParentId=inner)
    chain, child = [], account
    while parents := organizations.list_parents(ChildId=child)["Parents"]:
        chain.append((parents[0]["Id"], parents[0]["Type"]))
        child = parents[0]["Id"]
    results.check("ListParents walks from a moved account through nested OUs to the root",
                  chain == [(inner, "ORGANIZATIONAL_UNIT"), (outer, "ORGANIZATIONAL_UNIT"), (root, "ROOT")], chain)
    identity = session_in(account).client("sts", endpoint_url=endpoint()).get_caller_identity()["Account"]
    results.check("AssumeRole into a created account acts in it", identity == account, identity)
    for kind, unknown in (("account", "999999999999"), ("OU", f"ou-{root[2:]}-0000000000")):
        results.raises(f"ListParents of an unknown {kind} is ChildNotFoundException", "ChildNotFoundException",
                       lambda unknown=unknown: organizations.list_parents(ChildId=unknown))
    for caller, code in ((account, "AccessDeniedException"), (OTHER_MEMBER, "AWSOrganizationsNotInUseException")):
        where = "a member account" if caller == account else "an account in no organization"
        results.raises(f"ListParents from {where} is {code}", code, lambda caller=caller: session_in(caller).client(
            "organizations", endpoint_url=endpoint()).list_parents(ChildId=account))


def main() -> None:
    print(f"emulator self-test against {endpoint()}")
    group, template, images = fleet()
    test_include_instances(group)
    test_auto_rollback_validation(group, template)
    test_refresh_succeeds(group, template, images)
    test_skip_matching(group, template, images)
    test_protected_instances_are_left_alone(group, template, images)
    test_cancel(group, template)
    test_manual_rollback(group, template, images)
    test_failure(group, template, images, auto_rollback=False)
    test_failure(group, template, images, auto_rollback=True)
    test_alarm_failure(group, template, images)
    test_instance_maintenance_policy_and_health_replacement()
    test_config()
    test_source_version()
    test_client_token()
    test_quarantine_calls()
    test_event_pattern()
    test_image_builder()
    test_dynamodb_transactions()
    test_kept_alive_connections()
    test_sqs_counts()
    test_sqs_receives_give_each_message_to_one_receiver()
    test_sns_delivers_to_sqs_within_publish_in_order()
    test_assumed_role_acts_in_its_account()
    test_member_accounts_are_apart()
    test_organization()
    print(f"{results.passed} passed, {results.failed} failed")
    sys.exit(1 if results.failed else 0)


if __name__ == "__main__":
    main()
