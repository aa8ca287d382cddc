"""AWS Organizations ListParents answered with the errors AWS documents.

drift-deploy walks an account's parents up to the root with ListParents, from the organization's
management account, to learn whether the account sits under an allowed OU. moto walks the tree as
AWS does, but for a child it does not know it answers AccountNotFoundException or
OrganizationalUnitNotFoundException, neither of which ListParents can answer on AWS: AWS answers
ChildNotFoundException ("We can't find an organizational unit (OU) or AWS account with the ChildId
that you specified", ListParents, Organizations API Reference). And moto answers a caller outside
the organization's management account as if the child were unknown, where AWS refuses it ("You can
only call this operation from the management account or a member account that is a delegated
administrator", same page): AccessDeniedException for a member account,
AWSOrganizationsNotInUseException for an account in no organization. Delegated administrators are
not modelled (a member account is always refused).
"""

from __future__ import annotations

from typing import Any

from moto.organizations import exceptions as organizations_exceptions
from moto.organizations.exceptions import AWSOrganizationsNotInUseException, OrganizationsClientError
from moto.organizations.models import OrganizationsBackend, organizations_backends

_native_list_parents = OrganizationsBackend.list_parents
_UNKNOWN_CHILD_CODES = ("AccountNotFoundException", "OrganizationalUnitNotFoundException")


class ChildNotFoundException(OrganizationsClientError):
    code = "ChildNotFoundException"
    message = "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified."


class AccessDeniedException(OrganizationsClientError):
    code = "AccessDeniedException"
    message = "You don't have permissions to access this resource."


def _list_parents(self: OrganizationsBackend, **kwargs: Any) -> dict[str, Any]:
    if self.org is None:
        if self.account_id in organizations_backends.master_accounts:
            raise AccessDeniedException()
        raise AWSOrganizationsNotInUseException()
    try:
        return _native_list_parents(self, **kwargs)
    except OrganizationsClientError as error:
        if error.code in _UNKNOWN_CHILD_CODES:
            raise ChildNotFoundException() from error
        raise


def install() -> None:
    if hasattr(organizations_exceptions, "ChildNotFoundException"):
        raise SystemExit("moto now answers ChildNotFoundException; check ListParents and remove the emulator's extension")
    OrganizationsBackend.list_parents = _list_parents
