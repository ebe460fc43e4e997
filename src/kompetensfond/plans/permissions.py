from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kompetensfond.core.actors import is_system
from kompetensfond.core.models import Municipality, Role
from kompetensfond.core.permissions import ALLOW, Decision, deny, has_role, municipality_of


def can_manage_plans(actor: Any, municipality: Municipality) -> Decision:
    """Case officers draft plans, strategies, targets and guidelines (a body adopts them;
    the case officer records the decision). ``SYSTEM`` is the system."""
    if is_system(actor):
        return ALLOW
    own = municipality_of(actor)
    if own is None or own.pk != municipality.pk:
        return deny(_("You do not have permission to see this page."))
    if has_role(actor, Role.FUND_ADMIN):
        return ALLOW
    return deny(_("Only the fund's case officers may change the plan and the guidelines."))
