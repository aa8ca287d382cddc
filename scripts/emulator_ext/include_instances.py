"""DescribeAutoScalingGroups' IncludeInstances for moto server.

"Specifies whether to include information about Amazon EC2 instances in the response. When set to
true (default), the response includes instance details"; AWS adds that the call "might be throttled
when retrieving details for an Auto Scaling group that contains many instances", and that
IncludeInstances false avoids it (DescribeAutoScalingGroups, Amazon EC2 Auto Scaling API Reference,
https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAutoScalingGroups.html).
moto ignores the parameter and always lists the instances, so a caller that asks for none but
still counts them would pass on the emulator and count zero on AWS. This module leaves the
instances out when the parameter is false, and does nothing else.
"""

from __future__ import annotations

from typing import Any

from moto.autoscaling.responses import AutoScalingResponse

_native_describe = AutoScalingResponse.describe_auto_scaling_groups


class _WithoutInstances:
    """A group as the response shows it, with no instances: everything else is the group's own."""

    def __init__(self, group: Any) -> None:
        self._group = group

    @property
    def instances(self) -> list[Any]:
        return []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._group, name)


def _describe_auto_scaling_groups(self: AutoScalingResponse) -> Any:
    result = _native_describe(self)
    if self._get_bool_param("IncludeInstances", True):
        return result
    result.result["AutoScalingGroups"] = [_WithoutInstances(group) for group in result.result["AutoScalingGroups"]]
    return result


def install() -> None:
    AutoScalingResponse.describe_auto_scaling_groups = _describe_auto_scaling_groups
