from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kompetensfond.core.actors import is_system
from kompetensfond.core.models import Municipality, Role
from kompetensfond.core.permissions import ALLOW, Decision, deny, has_role, municipality_of


def can_manage_organisation(actor: Any, municipality: Municipality) -> Decision:
    """Fund admins of the municipality (and the system, ``SYSTEM``) change the register."""
    if is_system(actor) or getattr(actor, "is_superuser", False):
        return ALLOW
    if municipality_of(actor) != municipality:
        return deny(_("You do not have permission to see this page."))
    if not has_role(actor, Role.FUND_ADMIN):
        return deny(_("Only case officers for the fund may change the organisation."))
    return ALLOW


def can_view_employees(actor: Any) -> Decision:
    """Staff lists hold personal data: case officers, secretaries, politicians/auditors and
    managers (their own subtree) may see them; reviewers and employees may not."""
    if has_role(actor, Role.FUND_ADMIN, Role.SECRETARY, Role.VIEWER, Role.UNIT_MANAGER):
        return ALLOW
    return deny(_("Only case officers, secretaries, managers and politicians or auditors may "
                  "see the staff register."))


def can_keep_minutes(actor: Any, municipality: Municipality) -> Decision:
    """Secretaries (and case officers) keep a body's § register: they take § numbers for
    decisions and set where the numbering continues."""
    if is_system(actor):
        return ALLOW
    if municipality_of(actor) != municipality:
        return deny(_("You do not have permission to see this page."))
    if has_role(actor, Role.SECRETARY, Role.FUND_ADMIN):
        return ALLOW
    return deny(_("Only committee secretaries and case officers record decisions."))
