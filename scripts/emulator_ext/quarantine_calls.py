"""What a quarantine relies on that moto 5.x does not do as AWS documents it.

CreateSnapshots with CopyTagsFromSource=volume: "Copies the tags from the specified volume to
corresponding snapshot" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSnapshots.html).
moto ignores the parameter, so a snapshot would lose its volume's tags (the application's cost and
owner tags an investigation needs). Tags given in TagSpecifications keep their value.

ModifyNetworkInterfaceAttribute with a security group of another VPC: a security group can be
used only in the VPC it was created for ("Security groups", Amazon VPC User Guide,
https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html), and AWS refuses such a
call with InvalidParameter. moto applies it, so a quarantine configured with the wrong VPC's group
would look isolated on the emulator and fail on AWS.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.elastic_network_interfaces import NetworkInterfaceBackend
from moto.ec2.responses.elastic_block_store import ElasticBlockStore

_native_create_snapshots = ElasticBlockStore.create_snapshots
_native_modify_interface = NetworkInterfaceBackend.modify_network_interface_attribute


class SecurityGroupOfAnotherNetwork(EC2ClientError):
    def __init__(self, group_id: str, interface_id: str) -> None:
        super().__init__(
            "InvalidParameter",
            f"Security group {group_id} and interface {interface_id} belong to different networks.",
        )


def _create_snapshots(self: ElasticBlockStore) -> Any:
    result = _native_create_snapshots(self)
    if self._get_param("CopyTagsFromSource") != "volume":
        return result
    for snapshot in result.result["Snapshots"]:
        given = {tag["key"] for tag in snapshot.get_tags()}
        snapshot.add_tags({tag["key"]: tag["value"] for tag in snapshot.volume.get_tags() if tag["key"] not in given})
    return result


def _modify_network_interface_attribute(self: NetworkInterfaceBackend, eni_id: str, group_ids: list[str],
                                        *args: Any, **kwargs: Any) -> None:
    interface = self.get_network_interface(eni_id)
    for group_id in group_ids:
        group = self.get_security_group_from_id(group_id)  # type: ignore[attr-defined]
        if group is not None and group.vpc_id != interface.subnet.vpc_id:
            raise SecurityGroupOfAnotherNetwork(group_id, eni_id)
    _native_modify_interface(self, eni_id, group_ids, *args, **kwargs)


def install() -> None:
    ElasticBlockStore.create_snapshots = _create_snapshots
    NetworkInterfaceBackend.modify_network_interface_attribute = _modify_network_interface_attribute
