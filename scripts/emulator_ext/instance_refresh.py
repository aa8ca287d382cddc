"""Auto Scaling instance refresh for moto server.

Adds StartInstanceRefresh, DescribeInstanceRefreshes, CancelInstanceRefresh and
RollbackInstanceRefresh to moto's Auto Scaling service. Instances are really replaced: old
ones are terminated in moto's EC2 and new ones launched through moto's own Auto Scaling group
code, so EC2 shows the new image and launch template version.

Progression is driven by time, in steps of EMULATOR_REFRESH_STEP_SECONDS (default 1 s; 0
makes every due step happen at the next request). Steps are applied lazily: before serving
any request the emulator calls advance_all(), which catches every active refresh up to the
current time. A refresh therefore never moves while nobody talks to the emulator, and moves
in exactly the same way whatever the client polls. The step contract is spelled out in
docs/emulator.md.

A refresh fails, as on AWS, when its replacements cannot launch (the desired launch template
version names an image that is not registered in EC2, or was deregistered) or when a
CloudWatch alarm of its AlarmSpecification is in ALARM. With AutoRollback it then rolls back.
"""

from __future__ import annotations

import copy
import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from moto.autoscaling.exceptions import AutoscalingClientError, ValidationError
from moto.autoscaling.models import AutoScalingBackend, FakeAutoScalingGroup, InstanceState
from moto.autoscaling.responses import AutoScalingResponse
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ec2.exceptions import EC2ClientError
from moto.moto_api._internal import mock_random

from emulator_ext import shared_images

STEP_SECONDS_ENV = "EMULATOR_REFRESH_STEP_SECONDS"
DEFAULT_STEP_SECONDS = 1.0

PENDING = "Pending"
IN_PROGRESS = "InProgress"
SUCCESSFUL = "Successful"
FAILED = "Failed"
CANCELLING = "Cancelling"
CANCELLED = "Cancelled"
ROLLBACK_IN_PROGRESS = "RollbackInProgress"
ROLLBACK_SUCCESSFUL = "RollbackSuccessful"
ACTIVE_STATUSES = (PENDING, IN_PROGRESS, CANCELLING, ROLLBACK_IN_PROGRESS)

# Defaults AWS reports in Preferences when the caller left them out.
DEFAULT_PREFERENCES = {
    "MinHealthyPercentage": 90,
    "SkipMatching": False,
    "AutoRollback": False,
    "ScaleInProtectedInstances": "Ignore",
    "StandbyInstances": "Ignore",
}
UNPINNED_VERSIONS = ("$latest", "$default")
DESCRIBE_DEFAULT_MAX_RECORDS = 50
DESCRIBE_MAX_RECORDS = 100

# Name of the attribute under which each Auto Scaling backend keeps its refreshes, per group.
# It lives on the backend object so that moto's /moto-api/reset (which rebuilds every
# backend's __dict__) forgets refreshes together with the groups they belong to.
_REFRESHES_ATTR = "drift_deploy_instance_refreshes"
# Name of the attribute under which an InstanceState records the launch template it was
# launched from (moto itself reports the group's template and default version instead).
_LAUNCHED_FROM_ATTR = "drift_deploy_launched_from"

_lock = threading.RLock()
_backends_with_refreshes: list[AutoScalingBackend] = []


class InstanceRefreshInProgress(AutoscalingClientError):
    code = "InstanceRefreshInProgress"
    message = "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh."


class ActiveInstanceRefreshNotFound(AutoscalingClientError):
    code = "ActiveInstanceRefreshNotFound"


class IrreversibleInstanceRefresh(AutoscalingClientError):
    code = "IrreversibleInstanceRefresh"


def _step_seconds() -> float:
    raw = os.environ.get(STEP_SECONDS_ENV, str(DEFAULT_STEP_SECONDS))
    try:
        seconds = float(raw)
    except ValueError:
        raise SystemExit(f"{STEP_SECONDS_ENV} must be a number of seconds, got {raw!r}")
    if seconds < 0:
        raise SystemExit(f"{STEP_SECONDS_ENV} must not be negative, got {raw!r}")
    return seconds


def _is_pinned(version: str | None) -> bool:
    return version is not None and version.lower() not in UNPINNED_VERSIONS


class LaunchSpec:
    """A launch template and version, as a group or a desired configuration names it."""

    def __init__(self, template: Any, version: str | None) -> None:
        self.template = template
        self.version = version

    def resolved(self) -> Any:
        """The launch template version this spec launches right now."""
        return self.template.get_version(self.version or "$Default")

    def matches(self, launched_from: dict[str, str] | None) -> bool:
        if launched_from is None:
            return False
        return (
            launched_from["LaunchTemplateId"] == self.template.id
            and launched_from["Version"] == str(self.resolved().number)
        )


def _desired_launch_spec(group: FakeAutoScalingGroup, desired: dict[str, Any]) -> LaunchSpec:
    spec = desired.get("LaunchTemplate")
    if spec is None:
        spec = (
            desired.get("MixedInstancesPolicy", {})
            .get("LaunchTemplate", {})
            .get("LaunchTemplateSpecification")
        )
    if not spec:
        raise ValidationError(
            "The DesiredConfiguration must specify a LaunchTemplate or a MixedInstancesPolicy with a LaunchTemplateSpecification."
        )
    template_id = spec.get("LaunchTemplateId")
    template_name = spec.get("LaunchTemplateName")
    if bool(template_id) == bool(template_name):
        raise ValidationError("Valid requests must contain either launchTemplateId or LaunchTemplateName")
    try:
        template = (
            group.ec2_backend.get_launch_template(template_id)
            if template_id
            else group.ec2_backend.get_launch_template_by_name(template_name)
        )
        launch_spec = LaunchSpec(template, spec.get("Version"))
        launch_spec.resolved()
    except EC2ClientError as error:
        raise ValidationError(f"The launch template in the DesiredConfiguration is invalid: {error.message}")
    return launch_spec


def _group_launch_spec(group: FakeAutoScalingGroup) -> LaunchSpec | None:
    if group.ec2_launch_template is None:
        return None
    return LaunchSpec(group.ec2_launch_template, getattr(group, "launch_template_version", None))


def _launched_from(state: InstanceState) -> dict[str, str] | None:
    return getattr(state, _LAUNCHED_FROM_ATTR, None)


# Group attributes that decide what moto's group launches; saved and restored around a
# launch from the desired configuration.
_LAUNCH_ATTRS = (
    "ec2_launch_template",
    "launch_template_version",
    "provided_launch_template_version",
    "mixed_instances_policy",
    "launch_config",
    "launch_configuration_name",
)


def _apply_configuration(group: FakeAutoScalingGroup, desired: dict[str, Any]) -> None:
    """Points the group at the desired configuration, as UpdateAutoScalingGroup would."""
    mixed_instances_policy = desired.get("MixedInstancesPolicy")
    if mixed_instances_policy:
        group.mixed_instances_policy = copy.deepcopy(mixed_instances_policy)
        group._set_launch_configuration(None, None, group.mixed_instances_policy)
    else:
        group.mixed_instances_policy = None
        group._set_launch_configuration(None, desired["LaunchTemplate"], None)
    group.launch_config = None
    group.launch_configuration_name = None


@contextmanager
def _launching_from(group: FakeAutoScalingGroup, desired: dict[str, Any] | None) -> Iterator[None]:
    """Makes the group launch from the desired configuration for the duration of the block."""
    if desired is None:
        yield
        return
    saved = {attr: getattr(group, attr, None) for attr in _LAUNCH_ATTRS}
    # _set_launch_configuration rewrites the policy in place; keep the group's own copy intact.
    saved["mixed_instances_policy"] = copy.deepcopy(group.mixed_instances_policy)
    _apply_configuration(group, desired)
    try:
        yield
    finally:
        for attr, value in saved.items():
            setattr(group, attr, value)


class InstanceRefresh:
    def __init__(
        self,
        group: FakeAutoScalingGroup,
        strategy: str,
        desired: dict[str, Any] | None,
        desired_spec: LaunchSpec | None,
        preferences: dict[str, Any],
        step: timedelta,
    ) -> None:
        self.id = str(mock_random.uuid4())
        self.group = group
        self.strategy = strategy
        self.desired = desired
        self.desired_spec = desired_spec
        self.preferences = preferences
        self.step = step
        self.status = PENDING
        self.status_reason: str | None = None
        self.start_time: datetime = utcnow()
        self.end_time: datetime | None = None
        self.next_step_at = self.start_time + step
        self.to_replace: list[str] = []
        self.total_to_replace = 0
        # Instances this refresh launched that are still in the group: what a rollback undoes.
        self.launched: list[str] = []
        self.rollback_reason: str | None = None
        self.rollback_start_time: datetime | None = None
        self.total_to_roll_back = 0

    # --- progression -----------------------------------------------------------------

    def advance(self, now: datetime) -> None:
        while self.status in ACTIVE_STATUSES and self.next_step_at <= now:
            at = self.next_step_at
            self.next_step_at = at + self.step
            self._take_step(at)

    def _take_step(self, at: datetime) -> None:
        if self.group.autoscaling_backend.autoscaling_groups.get(self.group.name) is not self.group:
            self._finish(CANCELLED, at, "The Auto Scaling group was deleted.")
        elif self.status == PENDING:
            self._begin()
        elif self.status == IN_PROGRESS:
            self._replace_next_batch(at)
        elif self.status == CANCELLING:
            self._finish(CANCELLED, at, self.status_reason)
        elif self.status == ROLLBACK_IN_PROGRESS:
            self._roll_back_next_batch(at)

    def _begin(self) -> None:
        self.status = IN_PROGRESS
        target = self.desired_spec or _group_launch_spec(self.group)
        skip_matching = bool(self.preferences.get("SkipMatching"))
        # ScaleInProtectedInstances "Ignore" (the default) and "Wait" leave protected instances
        # alone; only "Refresh" replaces them. Standby instances are never replaced (the
        # default StandbyInstances "Ignore").
        refresh_protected = self.preferences.get("ScaleInProtectedInstances") == "Refresh"
        self.to_replace = [
            state.instance.id
            for state in self.group.instance_states
            if state.lifecycle_state == "InService"
            and (refresh_protected or not state.protected_from_scale_in)
            and not (skip_matching and target is not None and target.matches(_launched_from(state)))
        ]
        self.total_to_replace = len(self.to_replace)

    def _batch_size(self) -> int:
        capacity = self.group.desired_capacity or 0
        min_healthy = int(self.preferences.get("MinHealthyPercentage", 90))
        return max(1, capacity - math.ceil(capacity * min_healthy / 100))

    def _replace_next_batch(self, at: datetime) -> None:
        failure = self._failure_reason()
        if failure is not None:
            self._fail(failure, at)
            return
        # Instances that left the group meanwhile (terminated, detached) need no replacement.
        in_group = {state.instance.id for state in self.group.instance_states}
        self.to_replace = [instance_id for instance_id in self.to_replace if instance_id in in_group]
        batch, self.to_replace = self.to_replace[: self._batch_size()], self.to_replace[self._batch_size() :]
        with _launching_from(self.group, self.desired):
            self.launched.extend(_replace_instances(self.group, batch))
        if not self.to_replace:
            if self.desired is not None:
                _apply_configuration(self.group, self.desired)
            self._finish(SUCCESSFUL, at, None)

    def _roll_back_next_batch(self, at: datetime) -> None:
        in_group = {state.instance.id for state in self.group.instance_states}
        self.launched = [instance_id for instance_id in self.launched if instance_id in in_group]
        batch, self.launched = self.launched[: self._batch_size()], self.launched[self._batch_size() :]
        # The group still carries the configuration from before the refresh (a desired
        # configuration is only applied on success), so its own launches restore it.
        _replace_instances(self.group, batch)
        if not self.launched:
            self._finish(ROLLBACK_SUCCESSFUL, at, self.status_reason)

    def _failure_reason(self) -> str | None:
        for alarm_name in self.preferences.get("AlarmSpecification", {}).get("Alarms", []):
            alarm = cloudwatch_backends[self.group.account_id][self.group.region].alarms.get(alarm_name)
            if alarm is not None and alarm.state_value == "ALARM":
                return f"The instance refresh failed because the CloudWatch alarm {alarm_name} is in ALARM state."
        spec = self.desired_spec or _group_launch_spec(self.group)
        if spec is not None:
            image_id = spec.resolved().image_id
            # Its own image or one shared with its account, as RunInstances in that account would find it.
            image = shared_images.image_available_to(self.group.ec2_backend, image_id)
            if image is None or getattr(image, "state", "available") != "available":
                return (
                    "The instance refresh failed because new instances could not be launched: "
                    f"The image id '[{image_id}]' does not exist"
                )
        return None

    def _fail(self, reason: str, at: datetime) -> None:
        if self.preferences.get("AutoRollback"):
            self._start_rollback(reason, at)
        else:
            self._finish(FAILED, at, reason)

    def _start_rollback(self, reason: str, at: datetime) -> None:
        self.status = ROLLBACK_IN_PROGRESS
        self.status_reason = reason
        self.rollback_reason = reason
        self.rollback_start_time = at
        # to_replace stays as it was: the forward progress is reported frozen at this point.
        self.total_to_roll_back = len(self.launched)

    def _finish(self, status: str, at: datetime, reason: str | None) -> None:
        self.status = status
        self.status_reason = reason
        self.end_time = at

    # --- API operations --------------------------------------------------------------

    def cancel(self) -> None:
        self.status = CANCELLING
        self.status_reason = "Cancelled due to user request."
        self.next_step_at = utcnow() + self.step

    def roll_back(self) -> None:
        self._start_rollback("Rollback initiated by user request.", utcnow())
        self.next_step_at = self.rollback_start_time + self.step

    # --- description -----------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        remaining = len(self.to_replace)
        percentage = _percentage(self.total_to_replace, remaining, self.status == SUCCESSFUL)
        progress = {"PercentageComplete": percentage, "InstancesToUpdate": remaining}
        described: dict[str, Any] = {
            "InstanceRefreshId": self.id,
            "AutoScalingGroupName": self.group.name,
            "Status": self.status,
            "StatusReason": self.status_reason,
            "StartTime": self.start_time,
            "EndTime": self.end_time,
            "PercentageComplete": percentage,
            "InstancesToUpdate": remaining,
            "ProgressDetails": {"LivePoolProgress": progress},
            "Preferences": self.preferences,
            "Strategy": self.strategy,
        }
        if self.desired is not None:
            described["DesiredConfiguration"] = self.desired
        if self.rollback_start_time is not None:
            rolled_back_remaining = len(self.launched)
            rollback_progress = {
                "PercentageComplete": _percentage(
                    self.total_to_roll_back, rolled_back_remaining, self.status != ROLLBACK_IN_PROGRESS
                ),
                "InstancesToUpdate": rolled_back_remaining,
            }
            described["RollbackDetails"] = {
                "RollbackReason": self.rollback_reason,
                "RollbackStartTime": self.rollback_start_time,
                "PercentageCompleteOnRollback": rollback_progress["PercentageComplete"],
                "InstancesToUpdateOnRollback": rolled_back_remaining,
                "ProgressDetailsOnRollback": {"LivePoolProgress": rollback_progress},
            }
        return described


def _percentage(total: int, remaining: int, finished: bool) -> int:
    """Share of the instances already replaced; a finished pass with nothing to do is 100 %."""
    if total == 0:
        return 100 if finished else 0
    return 100 * (total - remaining) // total


def _replace_instances(group: FakeAutoScalingGroup, instance_ids: list[str]) -> list[str]:
    """Terminates the instances and launches as many through the group; returns the new ids."""
    if not instance_ids:
        return []
    # Out of the group first: moto's EC2 backend does not tell Auto Scaling about backend-level
    # terminations, so the group launches exactly the replacements asked for here.
    group.instance_states = [state for state in group.instance_states if state.instance.id not in instance_ids]
    group.ec2_backend.terminate_instances(instance_ids)
    before = {state.instance.id for state in group.instance_states}
    group.replace_autoscaling_group_instances(len(instance_ids), group.get_propagated_tags())
    group.autoscaling_backend.update_attached_elbs(group.name)
    group.autoscaling_backend.update_attached_target_groups(group.name)
    return [state.instance.id for state in group.instance_states if state.instance.id not in before]


# --- store --------------------------------------------------------------------------------


def _refreshes(backend: AutoScalingBackend) -> dict[str, list[InstanceRefresh]]:
    refreshes = backend.__dict__.get(_REFRESHES_ATTR)
    if refreshes is None:
        refreshes = backend.__dict__[_REFRESHES_ATTR] = {}
        if backend not in _backends_with_refreshes:
            _backends_with_refreshes.append(backend)
    return refreshes


def advance_all(now: datetime | None = None) -> None:
    """Catches every active refresh up to now; called before the emulator serves a request."""
    now = now or utcnow()
    with _lock:
        for backend in _backends_with_refreshes:
            for refreshes in backend.__dict__.get(_REFRESHES_ATTR, {}).values():
                for refresh in refreshes:
                    refresh.advance(now)


def _group(backend: AutoScalingBackend, name: str | None) -> FakeAutoScalingGroup:
    group = backend.autoscaling_groups.get(name or "")
    if group is None:
        raise ValidationError(f"AutoScalingGroup name not found - AutoScalingGroup '{name}' not found")
    return group


def _active(backend: AutoScalingBackend, group_name: str) -> InstanceRefresh | None:
    return next(
        (refresh for refresh in _refreshes(backend).get(group_name, []) if refresh.status in ACTIVE_STATUSES),
        None,
    )


def _validate_auto_rollback(group: FakeAutoScalingGroup, desired_spec: LaunchSpec | None) -> None:
    if desired_spec is None:
        raise ValidationError(
            "The request isn't valid. The AutoRollback parameter cannot be set to true when the "
            "DesiredConfiguration parameter is empty. Set AutoRollback to false or specify a desired "
            "configuration and try again."
        )
    if not _is_pinned(desired_spec.version):
        raise ValidationError(
            "The request isn't valid. The AutoRollback parameter cannot be set to true when the "
            "DesiredConfiguration uses the $Latest or $Default launch template version. Set AutoRollback "
            "to false or specify a launch template version number and try again."
        )
    current = _group_launch_spec(group)
    if current is None or not _is_pinned(current.version):
        raise ValidationError(
            "The request isn't valid. The AutoRollback parameter cannot be set to true when the Auto Scaling "
            "group uses a launch configuration or the $Latest or $Default launch template version. Set "
            "AutoRollback to false or use a launch template version number on the group and try again."
        )


def start_instance_refresh(
    backend: AutoScalingBackend,
    group_name: str,
    strategy: str | None,
    desired: dict[str, Any] | None,
    preferences: dict[str, Any] | None,
) -> InstanceRefresh:
    group = _group(backend, group_name)
    if strategy not in (None, "Rolling"):
        raise ValidationError(f"Strategy {strategy} is not supported; the only strategy is Rolling.")
    merged_preferences = {**DEFAULT_PREFERENCES, **(preferences or {})}
    min_healthy = merged_preferences["MinHealthyPercentage"]
    if not 0 <= int(min_healthy) <= 100:
        raise ValidationError("MinHealthyPercentage must be between 0 and 100.")
    desired = desired or None
    desired_spec = _desired_launch_spec(group, desired) if desired is not None else None
    if merged_preferences["AutoRollback"]:
        _validate_auto_rollback(group, desired_spec)
    if _active(backend, group.name) is not None:
        raise InstanceRefreshInProgress()
    refresh = InstanceRefresh(
        group,
        strategy or "Rolling",
        desired,
        desired_spec,
        merged_preferences,
        timedelta(seconds=_step_seconds()),
    )
    _refreshes(backend).setdefault(group.name, []).insert(0, refresh)
    return refresh


def _require_active(backend: AutoScalingBackend, group_name: str, statuses: tuple[str, ...]) -> InstanceRefresh:
    group = _group(backend, group_name)
    refresh = _active(backend, group.name)
    if refresh is None or refresh.status not in statuses:
        raise ActiveInstanceRefreshNotFound(
            f"No in progress or pending Instance Refresh found for Auto Scaling group {group.name}"
        )
    return refresh


def cancel_instance_refresh(backend: AutoScalingBackend, group_name: str) -> InstanceRefresh:
    refresh = _require_active(backend, group_name, (PENDING, IN_PROGRESS, ROLLBACK_IN_PROGRESS))
    refresh.cancel()
    return refresh


def rollback_instance_refresh(backend: AutoScalingBackend, group_name: str) -> InstanceRefresh:
    refresh = _require_active(backend, group_name, (PENDING, IN_PROGRESS))
    current = _group_launch_spec(refresh.group)
    if refresh.desired is None:
        raise IrreversibleInstanceRefresh(
            "The instance refresh cannot be rolled back because it was started without a desired configuration."
        )
    if current is None or not _is_pinned(current.version):
        raise IrreversibleInstanceRefresh(
            "The instance refresh cannot be rolled back because the Auto Scaling group uses a launch "
            "configuration or the $Latest or $Default launch template version."
        )
    refresh.roll_back()
    return refresh


def describe_instance_refreshes(
    backend: AutoScalingBackend,
    group_name: str,
    refresh_ids: list[str] | None,
    next_token: str | None,
    max_records: int | None,
) -> tuple[list[InstanceRefresh], str | None]:
    refreshes = [
        refresh
        for refresh in _refreshes(backend).get(group_name, [])
        if not refresh_ids or refresh.id in refresh_ids
    ]
    limit = max_records or DESCRIBE_DEFAULT_MAX_RECORDS
    if not 1 <= limit <= DESCRIBE_MAX_RECORDS:
        raise ValidationError(f"MaxRecords must be between 1 and {DESCRIBE_MAX_RECORDS}.")
    start = 0
    if next_token:
        ids = [refresh.id for refresh in refreshes]
        if next_token not in ids:
            raise AutoscalingClientError("InvalidNextToken", "The token provided is invalid.")
        start = ids.index(next_token)
    page = refreshes[start : start + limit]
    following = refreshes[start + limit : start + limit + 1]
    return page, following[0].id if following else None


# --- moto wiring --------------------------------------------------------------------------


def _start_instance_refresh(self: AutoScalingResponse) -> ActionResult:
    with _lock:
        refresh = start_instance_refresh(
            self.autoscaling_backend,
            self._get_param("AutoScalingGroupName"),
            self._get_param("Strategy"),
            self._get_param("DesiredConfiguration"),
            self._get_param("Preferences"),
        )
    return ActionResult({"InstanceRefreshId": refresh.id})


def _describe_instance_refreshes(self: AutoScalingResponse) -> ActionResult:
    with _lock:
        page, next_token = describe_instance_refreshes(
            self.autoscaling_backend,
            self._get_param("AutoScalingGroupName"),
            self._get_param("InstanceRefreshIds"),
            self._get_param("NextToken"),
            self._get_int_param("MaxRecords"),
        )
        described = [refresh.describe() for refresh in page]
    return ActionResult({"InstanceRefreshes": described, "NextToken": next_token})


def _cancel_instance_refresh(self: AutoScalingResponse) -> ActionResult:
    with _lock:
        refresh = cancel_instance_refresh(self.autoscaling_backend, self._get_param("AutoScalingGroupName"))
    return ActionResult({"InstanceRefreshId": refresh.id})


def _rollback_instance_refresh(self: AutoScalingResponse) -> ActionResult:
    with _lock:
        refresh = rollback_instance_refresh(self.autoscaling_backend, self._get_param("AutoScalingGroupName"))
    return ActionResult({"InstanceRefreshId": refresh.id})


def _record_launch_template_of_new_instances() -> None:
    """Makes each group instance report the launch template version it was launched from.

    moto launches group instances with the image of the group's version but tags them, and
    reports them in DescribeAutoScalingGroups/DescribeAutoScalingInstances, with the
    template's default version. A refresh to an explicit version would then look undone.
    """
    original_replace = FakeAutoScalingGroup.replace_autoscaling_group_instances
    original_launch_template = InstanceState.launch_template

    def replace_autoscaling_group_instances(
        self: FakeAutoScalingGroup, count_needed: int, propagated_tags: dict[str, str]
    ) -> None:
        before = {id(state) for state in self.instance_states}
        original_replace(self, count_needed, propagated_tags)
        spec = _group_launch_spec(self)
        if spec is None:
            return
        version = spec.resolved()
        launched_from = {
            "LaunchTemplateId": spec.template.id,
            "LaunchTemplateName": spec.template.name,
            "Version": str(version.number),
        }
        for state in self.instance_states:
            if id(state) not in before:
                setattr(state, _LAUNCHED_FROM_ATTR, launched_from)
                state.instance.add_tags({"aws:ec2launchtemplate:version": launched_from["Version"]})

    def launch_template(self: InstanceState) -> dict[str, Any] | None:
        launched_from = _launched_from(self)
        if launched_from is not None:
            return dict(launched_from)
        return original_launch_template.fget(self)

    FakeAutoScalingGroup.replace_autoscaling_group_instances = replace_autoscaling_group_instances
    InstanceState.launch_template = property(launch_template)


def install() -> None:
    """Registers the instance refresh operations in moto's Auto Scaling service."""
    for name in ("start_instance_refresh", "describe_instance_refreshes", "cancel_instance_refresh", "rollback_instance_refresh"):
        if hasattr(AutoScalingResponse, name):
            raise SystemExit(f"moto already implements AutoScaling {name}; remove the emulator's extension")
    AutoScalingResponse.start_instance_refresh = _start_instance_refresh
    AutoScalingResponse.describe_instance_refreshes = _describe_instance_refreshes
    AutoScalingResponse.cancel_instance_refresh = _cancel_instance_refresh
    AutoScalingResponse.rollback_instance_refresh = _rollback_instance_refresh
    _record_launch_template_of_new_instances()
