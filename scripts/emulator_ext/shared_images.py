"""AMIs shared with another account, as that account sees them.

On AWS an AMI's owner shares it with another account through ModifyImageAttribute
(launchPermission Add UserId); that account's DescribeImages then lists it ("Images available to
you include public images, private images that you own, and private images owned by other users
for which you have explicit launch permissions", DescribeImages, EC2 API Reference), with the
owner's account as OwnerId, and can launch instances from it. The owner's user-defined tags are
not shared ("When you share an AMI, your user-defined tags are not available to any AWS account
that the AMI is shared with", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html),
and the account it is shared with can only launch it: "They can't delete, share, or modify it"
(same page).

moto keeps each account's images apart and records the launch permission, but answers
DescribeImages from the caller's own images only: an image shared with an account is not found
there. This module adds, to what an account's DescribeImages (and everything moto answers through
it: RunInstances' image details, CreateTags' existence check) finds, the images of other accounts
in the same region whose launch permissions name it, each as a view that carries the viewing
account's tags (none, unless it tags the image itself). ModifyImageAttribute on an image only
shared with the caller answers AuthFailure ("Not authorized for image:ami-..."), as AWS answers a
non-owner. Shares with an organization, an OU or the public group are not modelled.
"""

from __future__ import annotations

import copy
import threading
from types import SimpleNamespace
from typing import Any

from moto.ec2.exceptions import EC2ClientError, InvalidAMIIdError
from moto.ec2.models import ec2_backends
from moto.ec2.models.amis import AmiBackend

_native_describe_images = AmiBackend.describe_images
_native_modify_image_attribute = AmiBackend.modify_image_attribute

# Ids of the images an owner has shared with a UserId at some time, kept on the owner's EC2 backend
# (so /moto-api/reset forgets them with the images): DescribeImages then looks at those, not at
# the thousand-odd images every account's backend holds.
_SHARED_ATTR = "drift_deploy_shared_image_ids"
_lock = threading.RLock()


class NotAuthorizedForImage(EC2ClientError):
    def __init__(self, image_id: str) -> None:
        super().__init__("AuthFailure", f"Not authorized for image:{image_id}")


def _shared_with(viewer: Any) -> dict[str, Any]:
    """Image id -> view, for every image of another account in the viewer's region shared with the viewer."""
    views: dict[str, Any] = {}
    grant = {"UserId": viewer.account_id}
    with _lock:
        # dict.items/dict.get: moto's backend dicts create an account or region on a plain read.
        for account_id, regions in list(dict.items(ec2_backends)):
            owner = dict.get(regions, viewer.region_name)
            if account_id == viewer.account_id or owner is None:
                continue
            for image_id in owner.__dict__.get(_SHARED_ATTR, ()):
                image = owner.amis.get(image_id)
                if image is not None and grant in image.launch_permissions and image_id not in viewer.amis:
                    view = copy.copy(image)
                    view.ec2_backend = viewer  # its tags are the viewer's
                    views[image_id] = view
    return views


def _describe_images(self: Any, ami_ids: list[str] | None = None, filters: dict[str, Any] | None = None,
                     exec_users: list[str] | None = None, owners: list[str] | None = None) -> list[Any]:
    shared = _shared_with(self)
    if not shared:
        return _native_describe_images(self, ami_ids, filters, exec_users, owners)
    # moto's own selection (ids, owners, executable users, filters), applied to the shared views apart.
    elsewhere = SimpleNamespace(amis=shared, deleted_amis=[], account_id=self.account_id)
    found, missing = [], 0
    for backend in (self, elsewhere):
        try:
            found.extend(_native_describe_images(backend, ami_ids, filters, exec_users, owners))
        except InvalidAMIIdError:
            missing += 1
    if missing == 2:
        raise InvalidAMIIdError(ami_ids or [])
    return found


def _modify_image_attribute(self: Any, ami_id: str, launch_permissions_to_add: list[dict[str, str]],
                            launch_permissions_to_remove: list[dict[str, str]]) -> None:
    if ami_id not in self.amis and ami_id in _shared_with(self):
        raise NotAuthorizedForImage(ami_id)
    _native_modify_image_attribute(self, ami_id, launch_permissions_to_add, launch_permissions_to_remove)
    if any("UserId" in permission for permission in launch_permissions_to_add):
        with _lock:
            self.__dict__.setdefault(_SHARED_ATTR, set()).add(ami_id)


def image_available_to(backend: Any, image_id: str) -> Any | None:
    """The image the backend's account may launch (its own or one shared with it), None if there is none."""
    try:
        images = backend.describe_images(ami_ids=[image_id])
    except EC2ClientError:
        return None
    return images[0] if images else None


def install() -> None:
    AmiBackend.describe_images = _describe_images
    AmiBackend.modify_image_attribute = _modify_image_attribute
