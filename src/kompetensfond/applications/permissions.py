"""Who may do what with applications. Each function returns a ``Decision`` with the reason
in Swedish; ``None`` is never an actor (it is refused), the system is ``SYSTEM``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kompetensfond.core.actors import is_system
from kompetensfond.core.models import Municipality, Role
from kompetensfond.core.permissions import (
    ALLOW,
    Decision,
    deny,
    has_role,
    municipality_of,
    reads_whole_municipality,
)
from kompetensfond.organisation.models import OrgUnit
from kompetensfond.organisation.selectors import manages_unit

from .models import Application


def _in_municipality(actor: Any, municipality_id: int) -> Decision:
    own = municipality_of(actor)
    if own is None or own.pk != municipality_id:
        return deny(_("You do not have permission to see this page."))
    return ALLOW


def can_apply_for(actor: Any, unit: OrgUnit) -> Decision:
    """Unit managers apply for their own unit subtree; case officers for any unit."""
    if is_system(actor):
        return ALLOW
    if not (member := _in_municipality(actor, unit.municipality_id)):
        return member
    if has_role(actor, Role.FUND_ADMIN) or manages_unit(actor, unit):
        return ALLOW
    return deny(_("You may apply only for your own unit."))


def can_change_application(actor: Any, application: Application) -> Decision:
    return can_apply_for(actor, application.unit)


def can_view_application(actor: Any, application: Application) -> Decision:
    if is_system(actor):
        return ALLOW
    if not (member := _in_municipality(actor, application.municipality_id)):
        return member
    if reads_whole_municipality(actor) or manages_unit(actor, application.unit):
        return ALLOW
    if application.reviews.filter(reviewer_id=actor.pk).exists():
        return ALLOW
    return deny(_("You do not have permission to see this page."))


def can_handle_applications(actor: Any, municipality: Municipality) -> Decision:
    """Case officers take applications into review, return them and propose decisions."""
    if is_system(actor):
        return ALLOW
    if not (member := _in_municipality(actor, municipality.pk)):
        return member
    if has_role(actor, Role.FUND_ADMIN):
        return ALLOW
    return deny(_("Only the fund's case officers handle applications."))


def can_handle(actor: Any, application: Application) -> Decision:
    return can_handle_applications(actor, application.municipality)


def can_record_decisions(actor: Any, municipality: Municipality) -> Decision:
    """Secretaries (and case officers) record a body's decisions with § and dnr."""
    if is_system(actor):
        return ALLOW
    if not (member := _in_municipality(actor, municipality.pk)):
        return member
    if has_role(actor, Role.SECRETARY, Role.FUND_ADMIN):
        return ALLOW
    return deny(_("Only committee secretaries and case officers record decisions."))


def is_party_to(actor: Any, application: Application) -> Decision:
    """Separation of duties: whoever created the application, is its contact person or
    assessed it is a party to it and may not decide it (deny says why)."""
    pk = getattr(actor, "pk", None)
    if pk is None:
        return ALLOW
    if pk in (application.created_by_id, application.contact_id):
        return deny(_("You may not decide an application you wrote or are the contact "
                      "person for."))
    if application.reviews.filter(reviewer_id=pk).exists():
        return deny(_("You may not decide an application you have assessed."))
    return ALLOW


def can_record_decision_on(actor: Any, application: Application) -> Decision:
    """Record the body's decision on ``application`` at a meeting."""
    if not (allowed := can_record_decisions(actor, application.municipality)):
        return allowed
    return is_party_to(actor, application)


def is_delegate(actor: Any, application: Application, amount: Decimal | None = None) -> bool:
    """Whether a delegation rule of the fund names ``actor`` (in person or by role) for
    ``amount`` (any amount when None)."""
    from kompetensfond.plans.selectors import guideline_of

    guideline = guideline_of(application.fund)
    if guideline is None or getattr(actor, "pk", None) is None:
        return False
    for rule in guideline.delegations.all():
        if amount is not None and amount > rule.max_amount:
            continue
        if rule.delegate_user_id == actor.pk or (
                rule.delegate_role and has_role(actor, rule.delegate_role)):
            return True
    return False


def can_decide_by_delegation(actor: Any, application: Application) -> Decision:
    """A delegate decides within the limits of the fund's delegation rules: the rule may
    name a role or a person (the HR director needs no case-officer role)."""
    if is_system(actor):
        return ALLOW
    if not (member := _in_municipality(actor, application.municipality_id)):
        return member
    if not is_delegate(actor, application):
        return deny(_("You are not a delegate under the fund's delegation rules."))
    return is_party_to(actor, application)


def can_review(actor: Any, review: Any) -> Decision:
    """Only the assigned reviewer declares conflicts and scores their own assessment."""
    if getattr(actor, "pk", None) is None or actor.pk != review.reviewer_id:
        return deny(_("Only the assigned reviewer may assess this application."))
    if not has_role(actor, Role.REVIEWER, Role.FUND_ADMIN):
        return deny(_("Only reviewers assess applications."))
    return ALLOW
