from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kompetensfond.core.models import Municipality, Role
from kompetensfond.core.permissions import (
    ALLOW,
    Decision,
    deny,
    has_role,
    managed_unit_ids,
    municipality_of,
    reads_whole_municipality,
)
from kompetensfond.organisation.models import OrgUnit

from .models import Application


def _in_municipality(actor: Any, municipality_id: int) -> bool:
    own = municipality_of(actor)
    return own is not None and own.pk == municipality_id


def _manages(actor: Any, unit: OrgUnit) -> bool:
    roots = OrgUnit.objects.filter(pk__in=managed_unit_ids(actor)).values_list("path",
                                                                                flat=True)
    return any(unit.path.startswith(path) for path in roots)


def can_apply_for(actor: Any, unit: OrgUnit) -> Decision:
    """Unit managers apply for their own unit subtree; case officers for any unit."""
    if actor is None:
        return ALLOW
    if not _in_municipality(actor, unit.municipality_id):
        return deny(_("You do not have permission to see this page."))
    if has_role(actor, Role.FUND_ADMIN) or _manages(actor, unit):
        return ALLOW
    return deny(_("You may apply only for your own unit."))


def can_view_application(actor: Any, application: Application) -> Decision:
    if actor is None:
        return ALLOW
    if not _in_municipality(actor, application.municipality_id):
        return deny(_("You do not have permission to see this page."))
    if reads_whole_municipality(actor) or _manages(actor, application.unit):
        return ALLOW
    if application.reviews.filter(reviewer_id=actor.pk).exists():
        return ALLOW
    return deny(_("You do not have permission to see this page."))


def can_handle_applications(actor: Any, municipality: Municipality) -> Decision:
    """Case officers take applications into review, return them and propose decisions."""
    if actor is None:
        return ALLOW
    if not _in_municipality(actor, municipality.pk):
        return deny(_("You do not have permission to see this page."))
    if has_role(actor, Role.FUND_ADMIN):
        return ALLOW
    return deny(_("Only the fund's case officers handle applications."))


def can_record_decisions(actor: Any, municipality: Municipality) -> Decision:
    """Secretaries (and case officers) record a body's decisions with § and dnr."""
    if actor is None:
        return ALLOW
    if not _in_municipality(actor, municipality.pk):
        return deny(_("You do not have permission to see this page."))
    if has_role(actor, Role.SECRETARY, Role.FUND_ADMIN):
        return ALLOW
    return deny(_("Only committee secretaries and case officers record decisions."))


def can_review(actor: Any, review: Any) -> Decision:
    """Only the assigned reviewer declares conflicts and scores their own assessment."""
    if actor is None or getattr(actor, "pk", None) != review.reviewer_id:
        return deny(_("Only the assigned reviewer may assess this application."))
    if not has_role(actor, Role.REVIEWER, Role.FUND_ADMIN):
        return deny(_("Only reviewers assess applications."))
    return ALLOW
