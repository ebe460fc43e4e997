"""Who may do what with allowances: case officers run schemes and register payments; an
employee sees and claims only their own allowance; a manager decides the claims of the
staff in the units they manage (never their own)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kompetensfond.core.actors import is_system
from kompetensfond.core.models import Role
from kompetensfond.core.permissions import (
    ALLOW,
    Decision,
    deny,
    has_role,
    municipality_of,
    reads_whole_municipality,
)
from kompetensfond.organisation.selectors import employee_of, manages_unit

from .models import Allowance, Claim


def can_view_schemes(actor: Any) -> Decision:
    if reads_whole_municipality(actor) or has_role(actor, Role.UNIT_MANAGER):
        return ALLOW
    return deny(_("Only case officers, secretaries, managers and politicians or auditors "
                  "see the allowance schemes."))


def can_claim(actor: Any, allowance: Allowance) -> Decision:
    """The employee themself; the system too (demo data, claims moved from an earlier
    register)."""
    if is_system(actor):
        return ALLOW
    employee = employee_of(actor)
    if employee is not None and employee.pk == allowance.employee_id:
        return ALLOW
    return deny(_("You can only claim from your own allowance."))


def can_decide_claim(actor: Any, claim: Claim) -> Decision:
    employee = claim.allowance.employee
    municipality = municipality_of(actor)
    if municipality is None or municipality.pk != employee.municipality_id:
        return deny(_("You do not have permission to see this page."))
    own = employee_of(actor)
    if own is not None and own.pk == employee.pk:
        return deny(_("You cannot decide your own claim; your manager does."))
    if has_role(actor, Role.UNIT_MANAGER) and manages_unit(actor, employee.unit):
        return ALLOW
    return deny(_("Only the employee's manager may approve or reject the claim."))


def can_pay_claims(actor: Any, municipality_id: int) -> Decision:
    if is_system(actor):
        return ALLOW
    municipality = municipality_of(actor)
    if municipality is not None and municipality.pk == municipality_id \
            and has_role(actor, Role.FUND_ADMIN):
        return ALLOW
    return deny(_("Only case officers for the fund register payments."))
