"""Writes for funds, contributions and earmarks. Money moves only through
kompetensfond.ledger.services; these services create the decided objects and post them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.audit.services import record_event
from kompetensfond.core.actors import Actor, user_or_none
from kompetensfond.core.errors import ConflictError, ValidationError, check_dates
from kompetensfond.core.i18n import record_language
from kompetensfond.core.models import Municipality
from kompetensfond.core.money import positive_amount
from kompetensfond.core.permissions import check
from kompetensfond.core.services import nothing_written, service
from kompetensfond.ledger.models import LedgerTransaction
from kompetensfond.ledger.services import Subject, contribution_post, earmark_post
from kompetensfond.organisation.models import Body, Occupation, OrgUnit
from kompetensfond.organisation.services import paragraph_take

from .codes import AuditAction, ErrorCode
from .models import Contribution, ContributionSource, Earmark, Fund, FundStatus
from .permissions import can_manage_funds

MAX_FUND_YEARS = 10  # a fund's period at most (Södertälje's ran four years)


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, fields={field: [message]})
    return value


def _same_municipality(municipality: Municipality, *objects: object) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "municipality_id", municipality.pk) != municipality.pk:
            raise ValidationError(_("%(name)s belongs to another municipality.") % {"name": obj})


@service
def fund_create(
    *, actor: Actor, municipality: Municipality, name: str, start_date: date,
    end_date: date, owning_body: Body, description: str = "",
) -> Fund:
    check(can_manage_funds(actor, municipality))
    name = _required(name, "name", _("Enter a name."))
    _same_municipality(municipality, owning_body)
    check_dates(start_date=start_date, end_date=end_date)
    if end_date < start_date:
        message = _("The end date must be on or after the start date.")
        raise ValidationError(message, fields={"end_date": [message]})
    if end_date > date(start_date.year + MAX_FUND_YEARS, start_date.month, 1) + timedelta(
            days=start_date.day - 1):
        message = _("A fund's period is at most %(years)s years.") % {"years": MAX_FUND_YEARS}
        raise ValidationError(message, fields={"end_date": [message]})
    if Fund.objects.filter(municipality=municipality, name=name).exists():
        raise ConflictError(_("A fund with that name already exists."))
    fund = Fund.objects.create(municipality=municipality, name=name, description=description,
                               start_date=start_date, end_date=end_date,
                               owning_body=owning_body)
    record_event(actor=actor, action=AuditAction.FUND_CREATED, obj=fund,
                 changes={"name": name, "start_date": start_date, "end_date": end_date,
                          "owning_body": owning_body.name})
    return fund


@service
def fund_close(*, actor: Actor, fund: Fund) -> Fund:
    """Close a fund: no new contributions, earmarks or grants. Grants already made can still
    be paid, returned or given back; the remaining balance stays visible."""
    fund = Fund.objects.select_for_update(no_key=True).get(pk=fund.pk)
    check(can_manage_funds(actor, fund.municipality))
    if not fund.is_open:
        raise ConflictError(_("The fund is already closed."), code=ErrorCode.FUND_CLOSED)
    fund.status = FundStatus.CLOSED
    fund.closed_at = timezone.now()
    fund.save(update_fields=["status", "closed_at"])
    record_event(actor=actor, action=AuditAction.FUND_CLOSED, obj=fund,
                 changes={"status": "closed"})
    return fund


@service
def contribution_record(
    *, actor: Actor, fund: Fund, amount: Decimal | str, on: date, source: str,
    decision_body: Body | None, decision_date: date | None, paragraph: int | None,
    case_number: str, source_text: str = "", idempotency_key: str | None = None,
) -> Contribution:
    """Record money decided into the fund (first contribution or top-up) and post it
    (external → available). The decision reference (body, meeting date, §, dnr) is required;
    the § is registered in the body's § register (the next free one when none is given)."""
    check(can_manage_funds(actor, fund.municipality))
    amount = positive_amount(amount)
    errors: dict[str, list[str]] = {}
    if decision_body is None:
        errors["decision_body"] = [_("Choose the body that took the decision.")]
    if decision_date is None:
        errors["decision_date"] = [_("Enter the date of the meeting.")]
    if paragraph is not None and paragraph < 1:
        errors["paragraph"] = [_("Enter the § number in the minutes.")]
    if not (case_number or "").strip():
        errors["case_number"] = [_("Enter the case number (dnr).")]
    if source not in ContributionSource.values:
        errors["source"] = [_("Choose where the money comes from.")]
    elif source == ContributionSource.OTHER and not source_text.strip():
        errors["source_text"] = [_("Describe where the money comes from.")]
    check_dates(on=on, decision_date=decision_date)
    if errors or decision_body is None or decision_date is None:
        raise ValidationError(_("A contribution needs the decision behind it: body, meeting "
                                "date, § and case number."), fields=errors)
    _same_municipality(fund.municipality, decision_body)
    if decision_date > on:
        message = _("The money cannot be put into the fund before it was decided.")
        raise ValidationError(message, fields={"on": [message]})
    # serialises replays of one key
    fund = Fund.objects.select_for_update(no_key=True).get(pk=fund.pk)
    if idempotency_key:
        replayed = _replayed_contribution(fund, idempotency_key, amount)
        if replayed is not None:
            nothing_written()
            return replayed
    paragraph = paragraph_take(
        actor=actor, body=decision_body, year=decision_date.year, number=paragraph,
        text=_("Contribution to %(fund)s") % {"fund": fund.name})
    contribution = Contribution.objects.create(
        fund=fund, amount=amount, date=on, source=source, source_text=source_text.strip(),
        decision_body=decision_body, decision_date=decision_date, paragraph=paragraph,
        case_number=case_number.strip(), created_by=user_or_none(actor),
    )
    with record_language():
        label = source_text.strip() or str(ContributionSource(source).label)
    contribution_post(actor=actor, fund=fund, amount=amount, on=on,
                      text=f"{label}: {contribution.decision_reference}",
                      source=Subject.of(contribution), idempotency_key=idempotency_key)
    record_event(actor=actor, action=AuditAction.CONTRIBUTION_RECORDED, obj=contribution,
                 municipality=fund.municipality,
                 changes={"amount": amount, "source": source,
                          "decision": contribution.decision_reference})
    return contribution


def _replayed_contribution(fund: Fund, key: str, amount: Decimal) -> Contribution | None:
    done = LedgerTransaction.objects.filter(fund=fund, idempotency_key=key).first()
    if done is None:
        return None
    label = Contribution._meta.label_lower
    contribution = (Contribution.objects.filter(fund=fund, pk=done.source_id).first()
                    if done.source_type == label else None)
    if contribution is None or contribution.amount != amount:
        raise ConflictError(_("The idempotency key has already been used for another "
                              "transaction."), code=ErrorCode.IDEMPOTENCY_CONFLICT)
    return contribution


@service
def earmark_create(
    *, actor: Actor, fund: Fund, name: str, amount: Decimal | str, purpose: str = "",
    administration: OrgUnit | None = None, occupations: Iterable[Occupation] = (),
    strategies: Iterable[Any] = (), on: date | None = None,
) -> Earmark:
    """Create a pot inside the fund and move ``amount`` into it from the fund's available
    money (refused with the amount available when there is not enough)."""
    check(can_manage_funds(actor, fund.municipality))
    name = _required(name, "name", _("Enter a name."))
    amount = positive_amount(amount)
    _same_municipality(fund.municipality, administration)
    if Earmark.objects.filter(fund=fund, name=name).exists():
        raise ConflictError(_("An earmark with that name already exists in the fund."))
    earmark = Earmark.objects.create(fund=fund, name=name, purpose=purpose.strip(),
                                     administration=administration,
                                     created_by=user_or_none(actor))
    occupations, strategies = list(occupations), list(strategies)
    if any(s.plan.municipality_id != fund.municipality_id for s in strategies):
        raise ValidationError(_("A strategy belongs to another municipality."))
    if occupations:
        earmark.occupations.set(occupations)
    if strategies:
        earmark.strategies.set(strategies)
    earmark_post(actor=actor, earmark=earmark, amount=amount, on=on)
    record_event(actor=actor, action=AuditAction.EARMARK_CREATED, obj=earmark,
                 municipality=fund.municipality,
                 changes={"name": name, "amount": amount,
                          "administration": administration.name if administration else None,
                          "occupations": [o.ssyk_code for o in occupations],
                          "strategies": [s.code for s in strategies]})
    return earmark


@service
def earmark_adjust(*, actor: Actor, earmark: Earmark, amount: Decimal | str,
                   release: bool, on: date | None = None) -> Earmark:
    """Top up an earmark from the fund (``release=False``) or give money back to it."""
    check(can_manage_funds(actor, earmark.fund.municipality))
    earmark_post(actor=actor, earmark=earmark, amount=amount, on=on, release=release)
    return earmark
