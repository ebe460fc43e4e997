from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kompetensfond.core.actors import is_system
from kompetensfond.core.models import Municipality, Role
from kompetensfond.core.permissions import ALLOW, Decision, deny, has_role, municipality_of


def can_manage_funds(actor: Any, municipality: Municipality) -> Decision:
    """Case officers (fund_admin) create funds, record contributions and earmark money.
    ``SYSTEM`` is the system (demo data, management commands)."""
    if is_system(actor):
        return ALLOW
    if municipality_of(actor) != municipality:
        return deny(_("You do not have permission to see this page."))
    if has_role(actor, Role.FUND_ADMIN):
        return ALLOW
    return deny(_("Only the fund's case officers may change funds, contributions and "
                  "earmarks."))


def can_view_funds(actor: Any) -> Decision:
    """Every member of the municipality sees its funds' totals (they are public
    information); the ledger itself needs can_view_ledger."""
    if municipality_of(actor) is not None:
        return ALLOW
    return deny(_("You do not have permission to see this page."))
