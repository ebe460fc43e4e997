"""Writes of the reports app: saving and deleting allowance proposals for comparison."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from kompetensfond.audit.services import record_event
from kompetensfond.core.actors import Actor, user_or_none
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.permissions import check, municipality_of
from kompetensfond.core.requests import own_municipality
from kompetensfond.core.services import service
from kompetensfond.core.text import require_clean_text
from kompetensfond.ledger.permissions import can_view_ledger

from .codes import AuditAction, ErrorCode
from .forms import scenario_form
from .models import SavedScenario

MAX_SAVED = 50  # per municipality
SCENARIO_FIELDS = ("amount", "years", "occupations", "administrations", "min_rate", "prorate",
                   "fund")


@service
def scenario_save(*, actor: Actor, name: str, query: str) -> SavedScenario:
    """Save a proposal of the simulator under ``name`` (its inputs, not its figures)."""
    check(can_view_ledger(actor))
    municipality = own_municipality(actor)
    name = require_clean_text(name.strip(), "name")
    if not name or len(name) > 120:
        message = _("Give the proposal a name (at most 120 characters).")
        raise ValidationError(message, code=ErrorCode.SCENARIO, fields={"name": [message]})
    params = QueryDict(query[:2000])
    kept = QueryDict(mutable=True)
    for key in SCENARIO_FIELDS:
        kept.setlist(key, params.getlist(key))
    form = scenario_form(actor, kept.urlencode())
    if not form.is_valid():
        raise ValidationError(_("The proposal is not complete: calculate it first."),
                              code=ErrorCode.SCENARIO)
    if SavedScenario.objects.filter(municipality=municipality).count() >= MAX_SAVED:
        raise ConflictError(_("At most %(n)s proposals can be saved; delete one first.")
                            % {"n": MAX_SAVED}, code=ErrorCode.SCENARIO)
    try:
        with transaction.atomic():
            saved = SavedScenario.objects.create(municipality=municipality, name=name,
                                                 query=kept.urlencode()[:2000],
                                                 created_by=user_or_none(actor))
    except IntegrityError as exc:
        message = _("A proposal with that name is already saved.")
        raise ConflictError(message, code=ErrorCode.SCENARIO,
                            fields={"name": [message]}) from exc
    record_event(actor=actor, action=AuditAction.SCENARIO_SAVED, obj=saved,
                 municipality=municipality, changes={"name": name, "query": saved.query})
    return saved


@service
def scenario_delete(*, actor: Actor, scenario: SavedScenario) -> None:
    check(can_view_ledger(actor))
    if scenario.municipality_id != getattr(municipality_of(actor), "pk", None):
        raise ValidationError(_("You do not have permission to see this page."))
    record_event(actor=actor, action=AuditAction.SCENARIO_DELETED, obj=scenario,
                 municipality=scenario.municipality, changes={"name": scenario.name})
    scenario.delete()
