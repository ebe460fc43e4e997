"""Drafting: create and change an application (budget, participants, earmark) and attach
files, while it is a draft or returned for completion."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.audit.services import record_event
from kompetensfond.core.actors import Actor, user_or_none
from kompetensfond.core.errors import FIRST_DATE, LAST_DATE, ConflictError, ValidationError
from kompetensfond.core.models import User
from kompetensfond.core.money import MONEY_MAX, positive_amount, to_money
from kompetensfond.core.permissions import check
from kompetensfond.core.services import service
from kompetensfond.funds.models import Earmark, Fund
from kompetensfond.organisation.models import Employee, Gender, Occupation, OrgUnit
from kompetensfond.plans.models import CostType, Strategy

from ..codes import AuditAction, ErrorCode
from ..files import EXTENSIONS, MAX_SIZE, sniff, stored_name
from ..lifecycle import EDITABLE
from ..models import Application, ApplicationEvent, Attachment, BudgetLine, Status
from ..permissions import can_apply_for
from ..rules import check_fund_accepts_applications, frame_for
from ._common import _lock_application


@dataclass(frozen=True)
class Line:
    cost_type: str
    year: int
    amount: Decimal | str


FIELDS = ("title", "purpose", "expected_effect", "start_date", "end_date",
          "participants_women", "participants_men", "participants_other", "cofunding")


def _clean(fund: Fund, unit: OrgUnit, values: dict[str, Any], lines: Sequence[Line],
           strategies: Sequence[Strategy], earmark: Earmark | None) -> list[BudgetLine]:
    """Validate the draft's fields; every error is reported at once, per field (budget
    rows by their number), so the form can show them all."""
    errors: dict[str, list[str]] = {}
    if not (values.get("title") or "").strip():
        errors["title"] = [_("Enter a title.")]
    if unit.municipality_id != fund.municipality_id:
        errors["unit"] = [_("The unit belongs to another municipality.")]
    if earmark is not None and earmark.fund_id != fund.pk:
        errors["earmark"] = [_("The earmark belongs to another fund.")]
    if any(s.plan.municipality_id != fund.municipality_id for s in strategies):
        errors["strategies"] = [_("A strategy belongs to another municipality.")]
    start, end = values.get("start_date"), values.get("end_date")
    for field, value in (("start_date", start), ("end_date", end)):
        if value and not FIRST_DATE <= value <= LAST_DATE:
            errors[field] = [_("Enter a date between %(first)s and %(last)s.")
                             % {"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()}]
    if start and end and end < start:
        errors["end_date"] = [_("The end date must be on or after the start date.")]
    try:
        values["cofunding"] = to_money(values.get("cofunding") or 0)
        if values["cofunding"] < 0:
            errors["cofunding"] = [_("Co-funding cannot be negative.")]
    except ValueError as exc:
        errors["cofunding"] = [str(exc)]
    budget = []
    for number, line in enumerate(lines, start=1):
        key = f"budget-{number}"
        if line.cost_type not in CostType.values:
            errors[key] = [_("Row %(row)s: unknown cost type.") % {"row": number}]
            continue
        try:
            amount = positive_amount(line.amount)
        except ValidationError as exc:
            errors[key] = [_("Row %(row)s: %(error)s") % {"row": number, "error": exc.message}]
            continue
        if not 2000 <= int(line.year) <= 2100:
            errors[key] = [_("Row %(row)s: enter the year with four digits.") % {"row": number}]
            continue
        budget.append(BudgetLine(cost_type=line.cost_type, year=line.year, amount=amount))
    if sum((b.amount for b in budget), Decimal(0)) > MONEY_MAX:
        errors["budget"] = [_("The budget adds up to more than the system can hold.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationError(first, fields=errors)
    values["title"] = values["title"].strip()
    return budget


def _named(unit: OrgUnit, employee_numbers: Iterable[str],
           values: dict[str, Any]) -> list[Employee]:
    """Named participants: employees of the unit's subtree by employee number. When there
    are any, the counts by gender are taken from them."""
    numbers = sorted({n.strip() for n in employee_numbers if n and n.strip()})
    if not numbers:
        return []
    employees = list(Employee.objects.filter(municipality_id=unit.municipality_id,
                                             unit__path__startswith=unit.path,
                                             employee_number__in=numbers))
    unknown = sorted(set(numbers) - {e.employee_number for e in employees})
    if unknown:
        message = _("No employee of the unit has the number %(numbers)s.") % {
            "numbers": ", ".join(unknown)}
        raise ValidationError(message, fields={"employee_numbers": [message]})
    values["participants_women"] = sum(e.gender == Gender.WOMAN for e in employees)
    values["participants_men"] = sum(e.gender == Gender.MAN for e in employees)
    values["participants_other"] = len(employees) - values["participants_women"] - values[
        "participants_men"]
    return employees


def _save_relations(application: Application, budget: list[BudgetLine],
                    strategies: Sequence[Strategy], occupations: Sequence[Occupation],
                    named: Sequence[Employee]) -> None:
    application.budget_lines.all().delete()
    for line in budget:
        line.application = application
    BudgetLine.objects.bulk_create(budget)
    application.strategies.set(strategies)
    application.occupations.set(occupations)
    application.named_participants.set(named)


@service
def application_create(
    *, actor: Actor, fund: Fund, unit: OrgUnit, title: str, lines: Sequence[Line] = (),
    strategies: Iterable[Strategy] = (), occupations: Iterable[Occupation] = (),
    earmark: Earmark | None = None, contact: User | None = None,
    employee_numbers: Iterable[str] = (), at: date | None = None, **values: Any,
) -> Application:
    """A draft application of ``unit`` to ``fund``, with participants as counts by gender
    or as named employees of the unit's subtree (``employee_numbers``). Without an earmark,
    a unit inside an administration with a frame draws from that frame. ``at`` registers a
    case of the past (the demo's history); people always apply today."""
    check(can_apply_for(actor, unit))
    check_fund_accepts_applications(fund, at or timezone.localdate())
    strategies, occupations = list(strategies), list(occupations)
    values = {"title": title, **values}
    budget = _clean(fund, unit, values, lines, strategies, earmark)
    named = _named(unit, employee_numbers, values)
    contact = contact or user_or_none(actor)
    if contact is None:
        raise ValidationError(_("Choose the contact person."))
    application = Application.objects.create(
        municipality=fund.municipality, fund=fund, unit=unit,
        earmark=earmark or frame_for(fund, unit), contact=contact,
        created_by=user_or_none(actor), **{k: v for k, v in values.items() if k in FIELDS})
    _save_relations(application, budget, strategies, occupations, named)
    ApplicationEvent.objects.create(application=application, to_status=Status.DRAFT,
                                    actor=user_or_none(actor))
    record_event(actor=actor, action=AuditAction.APPLICATION_CREATED, obj=application,
                 changes={"title": application.title, "unit": unit.name,
                          "earmark": application.earmark_id,
                          "requested": sum((b.amount for b in budget), Decimal(0))})
    return application


@service
def application_update(
    *, actor: Actor, application: Application, lines: Sequence[Line] = (),
    strategies: Iterable[Strategy] = (), occupations: Iterable[Occupation] = (),
    earmark: Earmark | None = None, employee_numbers: Iterable[str] = (), **values: Any,
) -> Application:
    """Change a draft, or an application returned for completion."""
    application = _lock_application(application)
    check(can_apply_for(actor, application.unit))
    if application.status not in EDITABLE:
        raise ConflictError(_("Only a draft or an application returned for completion can "
                              "be changed."), code=ErrorCode.ILLEGAL_TRANSITION)
    strategies, occupations = list(strategies), list(occupations)
    values = {"title": application.title, **values}
    budget = _clean(application.fund, application.unit, values, lines, strategies, earmark)
    named = _named(application.unit, employee_numbers, values)
    for key, value in values.items():
        if key in FIELDS:
            setattr(application, key, value)
    application.earmark = earmark or frame_for(application.fund, application.unit)
    application.save()
    _save_relations(application, budget, strategies, occupations, named)
    record_event(actor=actor, action=AuditAction.APPLICATION_UPDATED, obj=application,
                 changes={"requested": sum((b.amount for b in budget), Decimal(0)),
                          "earmark": application.earmark_id})
    return application


@service
def attachment_add(*, actor: Actor, application: Application, name: str,
                   content: bytes) -> Attachment:
    """Attach a file to a draft (or an application returned for completion)."""
    application = _lock_application(application)
    check(can_apply_for(actor, application.unit))
    if application.status not in EDITABLE:
        raise ConflictError(_("Files are attached while the application is a draft or "
                              "returned for completion."), code=ErrorCode.ILLEGAL_TRANSITION)
    if len(content) > MAX_SIZE:
        raise ValidationError(_("The file is larger than 10 MB."),
                              fields={"file": [_("The file is larger than 10 MB.")]})
    kind = sniff(content)
    if kind is None:
        message = _("Attach a PDF, Word (DOCX) or Excel (XLSX) file or a PNG or JPEG image "
                    "(Office files at most 100 MB unpacked).")
        raise ValidationError(message, fields={"file": [message]})
    safe_name = stored_name(name, kind)
    attachment = Attachment(application=application, name=safe_name, content_type=kind,
                            size=len(content), uploaded_by=user_or_none(actor))
    attachment.file.save(f"{application.pk}.{EXTENSIONS[kind]}", ContentFile(content),
                         save=False)
    attachment.save()
    record_event(actor=actor, action=AuditAction.ATTACHMENT_ADDED, obj=application,
                 changes={"file": safe_name, "type": kind, "size": len(content)})
    return attachment
