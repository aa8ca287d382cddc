"""Auto Scaling instance maintenance policies and health check replacements for moto server.

moto 5.2.5 drops the InstanceMaintenancePolicy of CreateAutoScalingGroup and
UpdateAutoScalingGroup (DescribeAutoScalingGroups never reports one), and its SetInstanceHealth
only records the status: nothing replaces an instance marked Unhealthy. On AWS, "Amazon EC2 Auto
Scaling terminates and replaces the unhealthy instance" (SetInstanceHealth, API Reference), and a
health check replacement follows the group's instance maintenance policy ("Instance maintenance
policies", Amazon EC2 Auto Scaling User Guide): by default, and with a MaxHealthyPercentage of
100, it terminates and then launches; with a MaxHealthyPercentage above 100 it launches the new
instance first and waits for it to be ready before terminating the unhealthy one.

This module stores and reports the policy (validated as the API Reference's
InstanceMaintenancePolicy says), and replaces an instance marked Unhealthy in steps of
EMULATOR_REFRESH_STEP_SECONDS, applied lazily before each request like instance refresh steps:

  launch before terminate: step 1 the replacement is launched (Pending), step 2 it is InService,
  step 3 the unhealthy instance is terminated (taken out of the group, terminated in EC2);
  terminate and launch: step 1 the unhealthy instance is terminated, step 2 the replacement is
  launched (Pending), step 3 it is InService.

The desired capacity never changes. A replacement ends early when the marked instance left the
group by other means (terminated, detached) before its next step, or the group was deleted.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from moto.autoscaling.exceptions import ValidationError
from moto.autoscaling.models import AutoScalingBackend, FakeAutoScalingGroup, InstanceState
from moto.autoscaling.responses import AutoScalingResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow

from emulator_ext import instance_refresh

UNHEALTHY = "Unhealthy"
PENDING = "Pending"
IN_SERVICE = "InService"
CLEAR = -1

# Attribute names on moto's objects: the group's policy (read by moto's serializer as
# InstanceMaintenancePolicy) and, on each backend, the replacements under way. Both live on
# objects /moto-api/reset rebuilds, so a reset forgets them.
_POLICY_ATTR = "instance_maintenance_policy"
_REPLACEMENTS_ATTR = "drift_deploy_health_replacements"

_lock = threading.RLock()
_backends: list[AutoScalingBackend] = []


def _policy(params: dict[str, Any] | None) -> dict[str, int] | None:
    """The policy to store, or None to clear it; ValidationError for values AWS rejects."""
    minimum = params.get("MinHealthyPercentage") if params else None
    maximum = params.get("MaxHealthyPercentage") if params else None
    if minimum is None or maximum is None:
        raise ValidationError("Both MinHealthyPercentage and MaxHealthyPercentage must be specified.")
    minimum, maximum = int(minimum), int(maximum)
    if minimum == CLEAR and maximum == CLEAR:
        return None
    if not 0 <= minimum <= 100:
        raise ValidationError("MinHealthyPercentage must be between 0 and 100, or -1 to clear it.")
    if not 100 <= maximum <= 200:
        raise ValidationError("MaxHealthyPercentage must be between 100 and 200, or -1 to clear it.")
    if maximum - minimum > 100:
        raise ValidationError("The difference between MaxHealthyPercentage and MinHealthyPercentage cannot be greater than 100.")
    return {"MinHealthyPercentage": minimum, "MaxHealthyPercentage": maximum}


def launches_first(group: FakeAutoScalingGroup) -> bool:
    policy = getattr(group, _POLICY_ATTR, None)
    return policy is not None and policy["MaxHealthyPercentage"] > 100


class HealthReplacement:
    """One instance marked Unhealthy, on its way out of the group."""

    def __init__(self, group: FakeAutoScalingGroup, instance_id: str, started: datetime, step: timedelta) -> None:
        self.group = group
        self.instance_id = instance_id
        self.launch_first = launches_first(group)
        self.step = step
        self.next_step_at = started + step
        self.steps_taken = 0
        self.replacement: InstanceState | None = None
        self.done = False

    def advance(self, now: datetime) -> None:
        while not self.done and self.next_step_at <= now:
            self._take_step()
            self.next_step_at += self.step

    def _listed(self) -> InstanceState | None:
        return next((state for state in self.group.instance_states if state.instance.id == self.instance_id), None)

    def _take_step(self) -> None:
        self.steps_taken += 1
        backend = self.group.autoscaling_backend
        if backend.autoscaling_groups.get(self.group.name) is not self.group:
            self.done = True
            return
        if self.steps_taken == 1 and self._listed() is None:
            # It left the group by other means before anything happened: nothing to replace here.
            self.done = True
            return
        order = ("launch", "in-service", "terminate") if self.launch_first else ("terminate", "launch", "in-service")
        action = order[self.steps_taken - 1]
        if action == "launch":
            before = {id(state) for state in self.group.instance_states}
            self.group.replace_autoscaling_group_instances(1, self.group.get_propagated_tags())
            self.replacement = next(state for state in self.group.instance_states if id(state) not in before)
            self.replacement.lifecycle_state = PENDING
        elif action == "in-service":
            if self.replacement is not None:
                self.replacement.lifecycle_state = IN_SERVICE
        else:
            if self._listed() is not None:
                self.group.instance_states = [
                    state for state in self.group.instance_states if state.instance.id != self.instance_id
                ]
                self.group.ec2_backend.terminate_instances([self.instance_id])
        backend.update_attached_elbs(self.group.name)
        backend.update_attached_target_groups(self.group.name)
        self.done = self.steps_taken == len(order)


def _replacements(backend: AutoScalingBackend) -> list[HealthReplacement]:
    replacements = backend.__dict__.get(_REPLACEMENTS_ATTR)
    if replacements is None:
        replacements = backend.__dict__[_REPLACEMENTS_ATTR] = []
        if backend not in _backends:
            _backends.append(backend)
    return replacements


def advance_all(now: datetime | None = None) -> None:
    """Catches every replacement under way up to now; called before the emulator serves a request."""
    now = now or utcnow()
    with _lock:
        for backend in _backends:
            replacements = backend.__dict__.get(_REPLACEMENTS_ATTR, [])
            for replacement in replacements:
                replacement.advance(now)
            replacements[:] = [replacement for replacement in replacements if not replacement.done]


def mark_unhealthy(backend: AutoScalingBackend, instance_id: str) -> None:
    """Starts the instance's replacement, unless one is under way already (marking it twice is marking it once)."""
    group = next(
        (group for group in backend.autoscaling_groups.values()
         if any(state.instance.id == instance_id for state in group.instance_states)),
        None,
    )
    if group is None:
        return
    replacements = _replacements(backend)
    if any(replacement.instance_id == instance_id and not replacement.done for replacement in replacements):
        return
    replacements.append(
        HealthReplacement(group, instance_id, utcnow(), timedelta(seconds=instance_refresh._step_seconds()))
    )


# --- moto wiring --------------------------------------------------------------------------


def install() -> None:
    """Wraps moto's CreateAutoScalingGroup, UpdateAutoScalingGroup and SetInstanceHealth."""
    if any("maintenance" in name for name in vars(FakeAutoScalingGroup)):
        raise SystemExit("moto now models instance maintenance policies; remove the emulator's extension")
    original_create = AutoScalingResponse.create_auto_scaling_group
    original_update = AutoScalingResponse.update_auto_scaling_group
    original_set_health = AutoScalingResponse.set_instance_health

    def with_policy(original: Any) -> Any:
        def call(self: AutoScalingResponse) -> ActionResult:
            given = self._get_param("InstanceMaintenancePolicy")
            policy = _policy(given) if given is not None else None
            answer = original(self)
            if given is not None:
                group = self.autoscaling_backend.autoscaling_groups[self._get_param("AutoScalingGroupName")]
                setattr(group, _POLICY_ATTR, policy)
            return answer

        return call

    def set_instance_health(self: AutoScalingResponse) -> ActionResult:
        with _lock:
            answer = original_set_health(self)
            if self._get_param("HealthStatus") == UNHEALTHY:
                mark_unhealthy(self.autoscaling_backend, self._get_param("InstanceId"))
        return answer

    AutoScalingResponse.create_auto_scaling_group = with_policy(original_create)
    AutoScalingResponse.update_auto_scaling_group = with_policy(original_update)
    AutoScalingResponse.set_instance_health = set_instance_health
