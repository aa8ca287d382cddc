"""CreateLaunchTemplateVersion's SourceVersion and ClientToken for moto server.

On AWS a new launch template version created with SourceVersion inherits every launch
parameter of that version except those given in LaunchTemplateData (top-level keys replace the
source's). moto ignores SourceVersion and keeps only the data passed, so a version that changes
just the ImageId would silently lose the instance type, user data, profile and tags. This
module applies the documented inheritance and nothing else: without SourceVersion the call is
moto's own, and an unknown source version answers moto's InvalidLaunchTemplateId.VersionNotFound.

ClientToken makes the call idempotent on AWS: repeating it with the same token returns the
version the first call created instead of a new one, and the same token with other parameters
answers IdempotentParameterMismatch. moto ignores the token; this module remembers each
template's tokens (on the template, so a moto reset forgets them with it).
"""

from __future__ import annotations

import copy
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.responses.launch_templates import LaunchTemplates

_native_create_version = LaunchTemplates.create_launch_template_version
# Attribute of a moto launch template: client token -> (request parameters, version number).
_TOKENS_ATTR = "drift_deploy_client_tokens"


class IdempotentParameterMismatch(EC2ClientError):
    def __init__(self, token: str) -> None:
        super().__init__(
            "IdempotentParameterMismatch",
            f"The client token {token} was already used with different parameters.",
        )


def _template(self: LaunchTemplates) -> Any:
    template_id = self._get_param("LaunchTemplateId")
    return (self.ec2_backend.get_launch_template(template_id) if template_id
            else self.ec2_backend.get_launch_template_by_name(self._get_param("LaunchTemplateName")))


def _create_launch_template_version(self: LaunchTemplates) -> Any:
    token = self._get_param("ClientToken")
    if not token:
        return _with_source_version(self)
    template = _template(self)
    tokens = template.__dict__.setdefault(_TOKENS_ATTR, {})
    request = repr((self._get_param("SourceVersion"), self._get_param("VersionDescription"),
                    self._get_param("LaunchTemplateData", {})))
    if token in tokens:
        first_request, number = tokens[token]
        if first_request != request:
            raise IdempotentParameterMismatch(token)
        return _version_result(self, template, template.get_version(number))
    result = _with_source_version(self)
    tokens[token] = (request, template.latest_version_number)
    return result


def _version_result(self: LaunchTemplates, template: Any, version: Any) -> ActionResult:
    """The answer moto gives for a new version, for the version a repeated token created."""
    return ActionResult({
        "LaunchTemplateVersion": {
            "CreateTime": version.create_time,
            "CreatedBy": f"arn:{self.partition}:iam::{self.current_account}:root",
            "DefaultVersion": template.is_default(version),
            "LaunchTemplateData": version.data,
            "LaunchTemplateId": template.id,
            "LaunchTemplateName": template.name,
            "VersionDescription": version.description,
            "VersionNumber": version.number,
        },
    })


def _with_source_version(self: LaunchTemplates) -> Any:
    source_version = self._get_param("SourceVersion")
    if source_version is None:
        return _native_create_version(self)
    template = _template(self)
    inherited = copy.deepcopy(template.get_version(source_version).data)
    inherited.update(self._get_param("LaunchTemplateData", {}))
    read_param = self._get_param

    def param(name: str, default: Any = None) -> Any:
        return inherited if name == "LaunchTemplateData" else read_param(name, default)

    self._get_param = param  # this handler object serves this one request only
    return _native_create_version(self)


def install() -> None:
    LaunchTemplates.create_launch_template_version = _create_launch_template_version
