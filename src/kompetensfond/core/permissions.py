"""Permission decisions that carry a reason, and tenancy helpers used by every selector."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import MUNICIPALITY_WIDE_READERS, Membership, Municipality, Role


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def deny(reason: str) -> Decision:
    return Decision(False, reason)


def check(decision: Decision) -> None:
    """Raise PermissionDenied with the decision's reason unless it allows."""
    if not decision.allowed:
        raise PermissionDenied(decision.reason or _("You do not have permission to see this page."))


def membership_of(user: Any) -> Membership | None:
    """The user's membership, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached: Membership | None | bool = getattr(user, "_kf_membership", False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    membership = (
        Membership.objects.select_related("municipality")
        .prefetch_related("roles")
        .filter(user=user)
        .first()
    )
    user._kf_membership = membership
    return membership


def municipality_of(user: Any) -> Municipality | None:
    membership = membership_of(user)
    return membership.municipality if membership else None


def roles_of(user: Any) -> set[str]:
    membership = membership_of(user)
    if membership is None:
        return set()
    return {assignment.role for assignment in membership.roles.all()}


def managed_unit_ids(user: Any) -> set[int]:
    """Units a unit manager is scoped to (roots of their subtrees)."""
    membership = membership_of(user)
    if membership is None:
        return set()
    return {
        a.unit_id for a in membership.roles.all()
        if a.role == Role.UNIT_MANAGER and a.unit_id is not None
    }


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_member(user: Any) -> Decision:
    if membership_of(user) is None:
        return deny(_("Your account does not belong to any municipality."))
    return ALLOW


def reads_whole_municipality(user: Any) -> bool:
    return bool(roles_of(user) & MUNICIPALITY_WIDE_READERS)


def can_view_audit_trail(user: Any) -> Decision:
    if has_role(user, Role.FUND_ADMIN, Role.VIEWER):
        return ALLOW
    return deny(_("Only case officers and politicians or auditors may read the audit trail."))
