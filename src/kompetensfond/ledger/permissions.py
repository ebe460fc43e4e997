from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kompetensfond.core.actors import is_system
from kompetensfond.core.models import Role
from kompetensfond.core.permissions import ALLOW, Decision, deny, has_role, municipality_of
from kompetensfond.funds.models import Fund


def can_post_to_ledger(actor: Any, fund: Fund) -> Decision:
    """Only case officers post to the ledger directly and correct it; decisions commit
    their grants through the applications services, which pass the permission they checked
    (ledger.services._transact); the system (``SYSTEM``) may post."""
    if is_system(actor):
        return ALLOW
    municipality = municipality_of(actor)
    if municipality is None or municipality.pk != fund.municipality_id:
        return deny(_("You do not have permission to see this page."))
    if has_role(actor, Role.FUND_ADMIN):
        return ALLOW
    return deny(_("Only case officers for the fund may move money in the fund."))


def can_view_ledger(actor: Any) -> Decision:
    if has_role(actor, Role.FUND_ADMIN, Role.SECRETARY, Role.VIEWER):
        return ALLOW
    return deny(_("Only case officers, secretaries and politicians or auditors may read the "
                  "fund's ledger."))
