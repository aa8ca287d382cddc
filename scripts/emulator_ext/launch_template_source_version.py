"""CreateLaunchTemplateVersion's SourceVersion for moto server.

On AWS a new launch template version created with SourceVersion inherits every launch
parameter of that version except those given in LaunchTemplateData (top-level keys replace the
source's). moto ignores SourceVersion and keeps only the data passed, so a version that changes
just the ImageId would silently lose the instance type, user data, profile and tags. This
module applies the documented inheritance and nothing else: without SourceVersion the call is
moto's own, and an unknown source version answers moto's InvalidLaunchTemplateId.VersionNotFound.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.ec2.responses.launch_templates import LaunchTemplates

_native_create_version = LaunchTemplates.create_launch_template_version


def _create_launch_template_version(self: LaunchTemplates) -> Any:
    source_version = self._get_param("SourceVersion")
    if source_version is None:
        return _native_create_version(self)
    template_id = self._get_param("LaunchTemplateId")
    template = (self.ec2_backend.get_launch_template(template_id) if template_id
                else self.ec2_backend.get_launch_template_by_name(self._get_param("LaunchTemplateName")))
    inherited = copy.deepcopy(template.get_version(source_version).data)
    inherited.update(self._get_param("LaunchTemplateData", {}))
    read_param = self._get_param

    def param(name: str, default: Any = None) -> Any:
        return inherited if name == "LaunchTemplateData" else read_param(name, default)

    self._get_param = param  # this handler object serves this one request only
    return _native_create_version(self)


def install() -> None:
    LaunchTemplates.create_launch_template_version = _create_launch_template_version
