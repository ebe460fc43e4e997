"""Writes of allowance schemes, allowances and claims. Every movement of money goes through
the ledger services: a scheme reserves its total (``available → reserved``), an approved
claim is committed from that reservation, a payment disburses it, and what is forfeited or
expires is released back to the fund.

Locks, always taken in this order: the scheme, its allowances (by id), a claim, then the
fund (by the ledger services). A claim is submitted under its allowance's row lock, so two
claims sent at once are checked one after the other against what is left."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.applications.files import EXTENSIONS, JPEG, PDF, PNG, sniff, stored_name
from kompetensfond.audit.services import record_event
from kompetensfond.core.actors import Actor, user_or_none
from kompetensfond.core.errors import ConflictError, ValidationError, check_dates
from kompetensfond.core.money import format_money, positive_amount
from kompetensfond.core.permissions import ALLOW, check
from kompetensfond.core.services import nothing_written, service
from kompetensfond.core.text import require_clean_text
from kompetensfond.followup.models import Payment
from kompetensfond.followup.rules import MAX_VOUCHER, voucher_text
from kompetensfond.funds.models import Earmark, Fund, FundStatus
from kompetensfond.funds.permissions import can_manage_funds
from kompetensfond.ledger.selectors import earmark_available, fund_balance
from kompetensfond.ledger.services import (
    Subject,
    commitment_create,
    disbursement_create,
    reservation_create,
    reservation_release,
)
from kompetensfond.organisation.models import Occupation, OrgUnit

from .codes import AuditAction, ErrorCode
from .models import (
    Allowance,
    AllowanceScheme,
    AllowanceStatus,
    Claim,
    ClaimCategory,
    ClaimStatus,
    LeaverRule,
    SchemeStatus,
)
from .permissions import can_claim, can_decide_claim, can_pay_claims
from .rules import ZERO, leaves, remaining
from .selectors import claimed_per_allowance, eligible_amounts

MAX_RECEIPT = 5 * 1024 * 1024
RECEIPT_TYPES = (PDF, PNG, JPEG)
CLAIMED = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PAID)
BATCH = 5000


def _invalid(message: str, field_name: str, code: str = ErrorCode.SCHEME_RULES) -> ValidationError:
    return ValidationError(message, code=code, fields={field_name: [message]})


def _pot_available(fund: Fund, earmark: Earmark | None) -> Decimal:
    return earmark_available(earmark) if earmark is not None else fund_balance(fund).unearmarked


def _refuse_if_not_covered(fund: Fund, earmark: Earmark | None, needed: Decimal) -> None:
    available = _pot_available(fund, earmark)
    if needed > available:
        raise ConflictError(
            _("The fund cannot cover the allowances: they need %(needed)s and %(available)s "
              "is available, %(missing)s is missing.")
            % {"needed": format_money(needed), "available": format_money(available),
               "missing": format_money(needed - available)},
            code=ErrorCode.FUND_CANNOT_COVER, fields={"amount": []})


def _reserve(actor: Actor, scheme: AllowanceScheme, total: Decimal, on: date,
             text: str) -> None:
    reservation_create(actor=actor, fund=scheme.fund, amount=total,
                       subject=Subject.of(scheme), text=text, on=on, earmark=scheme.earmark,
                       authorised=ALLOW)


def _release(actor: Actor, scheme: AllowanceScheme, total: Decimal, on: date, text: str,
             unit: OrgUnit | None = None) -> None:
    reservation_release(actor=actor, fund=scheme.fund, amount=total,
                        subject=Subject.of(scheme), text=text, on=on, earmark=scheme.earmark,
                        org_unit=unit, authorised=ALLOW)


@dataclass
class SchemeInput:
    name: str
    amount: Decimal | str
    period_start: date
    period_end: date
    expiry_date: date
    cutoff_date: date
    earmark: Earmark | None = None
    occupations: Sequence[Occupation] = ()
    units: Sequence[OrgUnit] = ()
    min_employment_rate: Decimal | int | str = 0
    prorate_by_rate: bool = True
    prorate_by_start: bool = True
    leaver_rule: str = LeaverRule.KEEP
    decision_reference: str = ""

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> SchemeInput:
        """From a form's or a serializer's cleaned data with the same names."""
        names = {f.name for f in fields(cls)}
        values = {name: data[name] for name in names if name in data}
        values["occupations"] = list(values.get("occupations", ()))
        values["units"] = list(values.get("units", ()))
        values["min_employment_rate"] = values.get("min_employment_rate") or 0
        return cls(**values)


def _checked_scheme(fund: Fund, data: SchemeInput) -> AllowanceScheme:
    """The scheme ``data`` describes, every rule checked; not saved."""
    name = require_clean_text(data.name.strip(), "name")
    if not name or len(name) > 200:
        raise _invalid(_("Give the scheme a name (at most 200 characters)."), "name")
    reference = require_clean_text(data.decision_reference.strip(), "decision_reference")
    if len(reference) > 200:
        raise _invalid(_("At most 200 characters."), "decision_reference")
    amount = positive_amount(data.amount)
    check_dates(period_start=data.period_start, period_end=data.period_end,
                expiry_date=data.expiry_date, cutoff_date=data.cutoff_date)
    if data.period_end < data.period_start:
        raise _invalid(_("The period cannot end before it starts."), "period_end")
    if data.expiry_date < data.period_end:
        raise _invalid(_("Claims must be allowed at least until the period ends."),
                       "expiry_date")
    if data.period_start < fund.start_date or data.expiry_date > fund.end_date:
        raise _invalid(_("The period and the last day for claims must lie within the fund's "
                         "period %(start)s–%(end)s.") % {"start": fund.start_date.isoformat(),
                                                         "end": fund.end_date.isoformat()},
                       "expiry_date")
    if data.cutoff_date > data.period_end:
        raise _invalid(_("The cut-off date for employment must lie before the period ends."),
                       "cutoff_date")
    try:
        rate = Decimal(str(data.min_employment_rate))
    except ArithmeticError:
        rate = Decimal(-1)
    if not rate.is_finite() or not 0 <= rate <= 100:
        raise _invalid(_("The employment rate is a percentage from 0 to 100."),
                       "min_employment_rate")
    if data.leaver_rule not in LeaverRule.values:
        raise _invalid(_("Choose a rule for leavers."), "leaver_rule")
    if data.earmark is not None and data.earmark.fund_id != fund.pk:
        raise _invalid(_("The earmark belongs to another fund."), "earmark")
    if any(u.municipality_id != fund.municipality_id for u in data.units):
        raise _invalid(_("Choose units of your own municipality."), "units")
    if fund.status != FundStatus.OPEN:
        raise ConflictError(_("The fund is closed. Closed funds take no new contributions, "
                              "earmarks or grants."), code=ErrorCode.SCHEME_STATE)
    return AllowanceScheme(
        municipality_id=fund.municipality_id, fund=fund, earmark=data.earmark, name=name,
        decision_reference=reference, amount=amount, period_start=data.period_start,
        period_end=data.period_end, expiry_date=data.expiry_date,
        cutoff_date=data.cutoff_date, min_employment_rate=rate.quantize(Decimal("0.01")),
        prorate_by_rate=data.prorate_by_rate, prorate_by_start=data.prorate_by_start,
        leaver_rule=data.leaver_rule)


@dataclass
class SchemePreview:
    scheme: AllowanceScheme
    employees: int
    total: Decimal
    available: Decimal

    @property
    def missing(self) -> Decimal:
        return max(self.total - self.available, ZERO)


@service
def scheme_preview(*, actor: Actor, fund: Fund, data: SchemeInput,
                   on: date | None = None) -> SchemePreview:
    """What creating the scheme would do (eligible employees, total, what is available),
    nothing written."""
    check(can_manage_funds(actor, fund.municipality))
    scheme = _checked_scheme(fund, data)
    rows = eligible_amounts(scheme, on or timezone.localdate(),
                            occupations=data.occupations, units=data.units)
    nothing_written()
    return SchemePreview(scheme, len(rows), sum((a for _e, _u, a in rows), ZERO),
                         _pot_available(fund, data.earmark))


@service
def scheme_create(*, actor: Actor, fund: Fund, data: SchemeInput,
                  on: date | None = None) -> AllowanceScheme:
    """Create the scheme, give every eligible employee their allowance and reserve the
    total in the fund's ledger, or refuse (naming the amount missing) and write nothing.
    The check of what is available is for the message; the guarantee is the ledger's,
    which refuses the reservation under the fund's lock if another took the money first."""
    check(can_manage_funds(actor, fund.municipality))
    on = on or timezone.localdate()
    scheme = _checked_scheme(fund, data)
    rows = eligible_amounts(scheme, on, occupations=data.occupations, units=data.units)
    if not rows:
        raise ValidationError(_("No employee in the staff register meets the scheme's rules."),
                              code=ErrorCode.SCHEME_RULES)
    total = sum((a for _e, _u, a in rows), ZERO)
    _refuse_if_not_covered(fund, data.earmark, total)
    scheme.created_by = user_or_none(actor)
    scheme.recomputed_at = timezone.now()
    scheme.save()
    scheme.occupations.set(data.occupations)
    scheme.units.set(data.units)
    Allowance.objects.bulk_create(
        (Allowance(scheme=scheme, employee_id=pk, unit_id=unit, amount=amount)
         for pk, unit, amount in rows), batch_size=BATCH)
    _reserve(actor, scheme, total, on,
             _("Allowances %(name)s: %(n)s employees") % {"name": scheme.name, "n": len(rows)})
    record_event(actor=actor, action=AuditAction.SCHEME_CREATED, obj=scheme,
                 municipality=fund.municipality,
                 changes={"name": scheme.name, "amount": scheme.amount, "employees": len(rows),
                          "reserved": total, "fund": fund.pk,
                          "earmark": data.earmark.pk if data.earmark else None,
                          "period": f"{scheme.period_start}–{scheme.period_end}",
                          "expiry_date": scheme.expiry_date, "cutoff_date": scheme.cutoff_date,
                          "occupations": [o.ssyk_code for o in data.occupations],
                          "units": [u.pk for u in data.units],
                          "min_employment_rate": scheme.min_employment_rate,
                          "leaver_rule": scheme.leaver_rule})
    return scheme


def _lock_scheme(scheme: AllowanceScheme) -> AllowanceScheme:
    return (AllowanceScheme.objects.select_for_update(of=("self",))
            .select_related("fund", "earmark", "fund__municipality").get(pk=scheme.pk))


def _close(actor: Actor, scheme: AllowanceScheme, allowances: list[Allowance], status: str,
           on: date, note: str) -> Decimal:
    """Close ``allowances`` (locked) with ``status``: what is left of each goes back."""
    claimed = claimed_per_allowance(a.pk for a in allowances)
    released = ZERO
    for allowance in allowances:
        left = remaining(allowance.amount, allowance.released, claimed.get(allowance.pk, ZERO))
        allowance.released += left
        allowance.status = status
        allowance.closed_on = on
        allowance.note = note[:255]
        released += left
    # one parameterised UPDATE per row: bulk_update's CASE per column grew with the count
    # (0.8 s for 1,000 rows; benchmarks/allowances.py)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Allowance._meta.db_table} SET released = %s, status = %s, "
            "closed_on = %s, note = %s WHERE id = %s",
            [(str(a.released), a.status, a.closed_on, a.note, a.pk) for a in allowances])
    return released


@dataclass
class RegisterUpdate:
    added: list[Allowance] = field(default_factory=list)
    forfeited: list[Allowance] = field(default_factory=list)
    reserved: Decimal = ZERO
    released: Decimal = ZERO


@service
def scheme_update_from_register(*, actor: Actor, scheme: AllowanceScheme,
                                on: date | None = None) -> RegisterUpdate:
    """Bring the scheme up to date with the staff register: new hires get their (prorated)
    allowance and it is reserved; leavers lose what is left by the leaver rule and it goes
    back to the fund. Each change is audited. Refused, with nothing written, when the fund
    cannot cover the new hires."""
    scheme = _lock_scheme(scheme)
    check(can_manage_funds(actor, scheme.fund.municipality))
    if scheme.status != SchemeStatus.ACTIVE:
        raise ConflictError(_("The scheme has expired."), code=ErrorCode.SCHEME_STATE)
    on = on or timezone.localdate()
    result = RegisterUpdate()
    existing = set(scheme.allowances.values_list("employee_id", flat=True))
    if on <= scheme.period_end:
        rows = [row for row in eligible_amounts(scheme, on,
                                                occupations=list(scheme.occupations.all()),
                                                units=list(scheme.units.all()))
                if row[0] not in existing]
        if rows:
            result.reserved = sum((a for _e, _u, a in rows), ZERO)
            _refuse_if_not_covered(scheme.fund, scheme.earmark, result.reserved)
            result.added = Allowance.objects.bulk_create(
                [Allowance(scheme=scheme, employee_id=pk, unit_id=unit, amount=amount,
                           note=_("New hire")) for pk, unit, amount in rows],
                batch_size=BATCH)
            _reserve(actor, scheme, result.reserved, on,
                     _("Allowances %(name)s: %(n)s new hires")
                     % {"name": scheme.name, "n": len(rows)})
    leavers = [a for a in scheme.allowances.select_for_update(of=("self",))
               .filter(status=AllowanceStatus.ACTIVE, employee__end_date__isnull=False)
               .select_related("employee").order_by("pk")
               if leaves(scheme.leaver_rule, a.employee.end_date, on)]
    if leavers:
        result.released = _close(actor, scheme, leavers, AllowanceStatus.FORFEITED, on,
                                 _("Employment ends"))
        result.forfeited = leavers
        if result.released:
            _release(actor, scheme, result.released, on,
                     _("Allowances %(name)s: forfeited by %(n)s leavers")
                     % {"name": scheme.name, "n": len(leavers)})
    municipality = scheme.fund.municipality
    for allowance in result.added:
        record_event(actor=actor, action=AuditAction.ALLOWANCE_ADDED, obj=allowance,
                     municipality=municipality,
                     changes={"scheme": scheme.pk, "employee": allowance.employee_id,
                              "amount": allowance.amount})
    for allowance in result.forfeited:
        record_event(actor=actor, action=AuditAction.ALLOWANCE_FORFEITED, obj=allowance,
                     municipality=municipality,
                     changes={"scheme": scheme.pk, "employee": allowance.employee_id,
                              "end_date": allowance.employee.end_date,
                              "released": allowance.released})
    scheme.recomputed_at = timezone.now()
    scheme.save(update_fields=["recomputed_at"])
    record_event(actor=actor, action=AuditAction.SCHEME_UPDATED, obj=scheme,
                 municipality=municipality,
                 changes={"added": len(result.added), "reserved": result.reserved,
                          "forfeited": len(result.forfeited), "released": result.released})
    return result


@service
def scheme_expire(*, actor: Actor, scheme: AllowanceScheme,
                  on: date | None = None) -> Decimal:
    """After the last day for claims, return what no one claimed to the fund (one release
    in the ledger) and close every allowance. Claims already sent can still be decided:
    a rejected one goes back to the fund then. Returns the amount released."""
    scheme = _lock_scheme(scheme)
    check(can_manage_funds(actor, scheme.fund.municipality))
    on = on or timezone.localdate()
    if scheme.status != SchemeStatus.ACTIVE:
        raise ConflictError(_("The scheme has already expired."), code=ErrorCode.SCHEME_STATE)
    if on <= scheme.expiry_date:
        raise ConflictError(_("The scheme expires after its last day for claims, "
                              "%(date)s.") % {"date": scheme.expiry_date.isoformat()},
                            code=ErrorCode.SCHEME_STATE)
    open_allowances = list(scheme.allowances.select_for_update(of=("self",))
                           .filter(status=AllowanceStatus.ACTIVE).order_by("pk"))
    released = _close(actor, scheme, open_allowances, AllowanceStatus.EXPIRED, on,
                      _("Expired"))
    if released:
        _release(actor, scheme, released, on,
                 _("Allowances %(name)s: expired, not used") % {"name": scheme.name})
    scheme.status = SchemeStatus.EXPIRED
    scheme.expired_at = timezone.now()
    scheme.save(update_fields=["status", "expired_at"])
    record_event(actor=actor, action=AuditAction.SCHEME_EXPIRED, obj=scheme,
                 municipality=scheme.fund.municipality,
                 changes={"allowances": len(open_allowances), "released": released})
    return released


# -- claims ---------------------------------------------------------------------------

@dataclass
class ClaimInput:
    activity: str
    provider: str
    category: str
    start_date: date
    end_date: date
    cost: Decimal | str
    receipt_name: str
    receipt: bytes
    development_plan: str = ""


def _text(value: str, field_name: str, limit: int, required: bool = True) -> str:
    value = require_clean_text(value.strip(), field_name)
    if required and not value:
        raise _invalid(_("This field is required."), field_name, ErrorCode.CLAIM_STATE)
    if len(value) > limit:
        raise _invalid(_("At most %(n)s characters.") % {"n": limit}, field_name,
                       ErrorCode.CLAIM_STATE)
    return value


def _receipt_kind(content: bytes) -> str:
    if not content:
        raise _invalid(_("Attach the receipt or invoice."), "receipt", ErrorCode.RECEIPT)
    if len(content) > MAX_RECEIPT:
        raise _invalid(_("The receipt is larger than 5 MB."), "receipt", ErrorCode.RECEIPT)
    kind = sniff(content)
    if kind not in RECEIPT_TYPES:
        raise _invalid(_("Attach the receipt as a PDF file or a PNG or JPEG image."),
                       "receipt", ErrorCode.RECEIPT)
    return kind


@service
def claim_submit(*, actor: Actor, allowance: Allowance, data: ClaimInput,
                 on: date | None = None) -> Claim:
    """An employee asks to have a cost paid from their own allowance. Refused when it is
    more than what is left (checked under the allowance's lock, so two sent at once cannot
    together exceed it), after the last day for claims, or with a receipt that is not a
    PDF, PNG or JPEG of at most 5 MB."""
    allowance = (Allowance.objects.select_for_update(of=("self",))
                 .select_related("scheme", "employee").get(pk=allowance.pk))
    check(can_claim(actor, allowance))
    on = on or timezone.localdate()
    activity = _text(data.activity, "activity", 200)
    provider = _text(data.provider, "provider", 200)
    plan = _text(data.development_plan, "development_plan", 500, required=False)
    if data.category not in ClaimCategory.values:
        raise _invalid(_("Choose what kind of cost it is."), "category", ErrorCode.CLAIM_STATE)
    check_dates(start_date=data.start_date, end_date=data.end_date)
    if data.end_date < data.start_date:
        raise _invalid(_("The activity cannot end before it starts."), "end_date",
                       ErrorCode.CLAIM_STATE)
    cost = positive_amount(data.cost)
    kind = _receipt_kind(data.receipt)
    scheme = allowance.scheme
    if allowance.status != AllowanceStatus.ACTIVE or scheme.status != SchemeStatus.ACTIVE:
        raise ConflictError(_("The allowance is closed (%(status)s): it takes no new "
                              "claims.") % {"status": allowance.get_status_display().lower()},
                            code=ErrorCode.ALLOWANCE_CLOSED)
    if on > scheme.expiry_date:
        raise ConflictError(_("The last day for claims was %(date)s.")
                            % {"date": scheme.expiry_date.isoformat()},
                            code=ErrorCode.ALLOWANCE_CLOSED)
    if on < scheme.period_start:
        raise ConflictError(_("Claims can be made from %(date)s.")
                            % {"date": scheme.period_start.isoformat()},
                            code=ErrorCode.ALLOWANCE_CLOSED)
    left = remaining(allowance.amount, allowance.released,
                     claimed_per_allowance([allowance.pk]).get(allowance.pk, ZERO))
    if cost > left:
        message = _("%(cost)s is more than what is left of your allowance: %(left)s.") % {
            "cost": format_money(cost), "left": format_money(left)}
        raise ConflictError(message, code=ErrorCode.OVER_ALLOWANCE, fields={"cost": [message]})
    claim = Claim(allowance=allowance, activity=activity, provider=provider,
                  category=data.category, start_date=data.start_date, end_date=data.end_date,
                  cost=cost, development_plan=plan,
                  receipt_name=stored_name(data.receipt_name, kind), receipt_type=kind,
                  receipt_size=len(data.receipt), submitted_by=user_or_none(actor))
    claim.receipt.save(f"{allowance.pk}.{EXTENSIONS[kind]}", ContentFile(data.receipt),
                       save=False)
    claim.save()
    record_event(actor=actor, action=AuditAction.CLAIM_SUBMITTED, obj=claim,
                 municipality=scheme.fund.municipality,
                 changes={"allowance": allowance.pk, "cost": cost, "activity": activity,
                          "provider": provider, "category": data.category,
                          "receipt": claim.receipt_name})
    return claim


def _lock_claim(claim: Claim) -> Claim:
    return (Claim.objects.select_for_update(of=("self",))
            .select_related("allowance__scheme__fund__municipality", "allowance__employee__unit",
                            "allowance__unit", "allowance__scheme__earmark")
            .get(pk=claim.pk))


def _expect(claim: Claim, status: str) -> None:
    if claim.status != status:
        raise ConflictError(_("The claim is “%(status)s” and cannot be changed that way.")
                            % {"status": claim.get_status_display()},
                            code=ErrorCode.CLAIM_STATE)


@service
def claim_approve(*, actor: Actor, claim: Claim, comment: str = "",
                  on: date | None = None) -> Claim:
    """The employee's manager approves: the cost is committed from the scheme's
    reservation (booked on the employee's unit)."""
    claim = _lock_claim(claim)
    check(can_decide_claim(actor, claim))
    _expect(claim, ClaimStatus.SUBMITTED)
    comment = _text(comment, "comment", 2000, required=False)
    scheme = claim.allowance.scheme
    on = on or timezone.localdate()
    claim.commitment = commitment_create(
        actor=actor, fund=scheme.fund, amount=claim.cost, subject=Subject.of(scheme),
        text=_("Allowance claim approved: %(activity)s") % {"activity": claim.activity},
        on=min(on, scheme.fund.end_date), earmark=scheme.earmark, org_unit=claim.allowance.unit,
        from_reservation=True, authorised=ALLOW)
    claim.status = ClaimStatus.APPROVED
    claim.decided_by = user_or_none(actor)
    claim.decided_at = timezone.now()
    claim.comment = comment
    claim.save(update_fields=["commitment", "status", "decided_by", "decided_at", "comment"])
    record_event(actor=actor, action=AuditAction.CLAIM_APPROVED, obj=claim,
                 municipality=scheme.fund.municipality,
                 changes={"cost": claim.cost, "comment": comment})
    return claim


@service
def claim_reject(*, actor: Actor, claim: Claim, reason: str, on: date | None = None) -> Claim:
    """The employee's manager rejects, giving the reason. The cost is free again; if the
    allowance has closed meanwhile it goes back to the fund."""
    claim = _lock_claim(claim)
    check(can_decide_claim(actor, claim))
    _expect(claim, ClaimStatus.SUBMITTED)
    if not reason.strip():
        raise _invalid(_("Give the reason for rejecting the claim."), "reason",
                       ErrorCode.CLAIM_STATE)
    reason = _text(reason, "reason", 2000)
    claim.status = ClaimStatus.REJECTED
    claim.decided_by = user_or_none(actor)
    claim.decided_at = timezone.now()
    claim.comment = reason
    claim.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    allowance = Allowance.objects.select_for_update(of=("self",)).get(pk=claim.allowance_id)
    scheme = claim.allowance.scheme
    if allowance.status != AllowanceStatus.ACTIVE:
        allowance.released += claim.cost
        allowance.save(update_fields=["released"])
        _release(actor, scheme, claim.cost, on or timezone.localdate(),
                 _("Allowance claim rejected after the allowance closed: %(activity)s")
                 % {"activity": claim.activity}, claim.allowance.unit)
    record_event(actor=actor, action=AuditAction.CLAIM_REJECTED, obj=claim,
                 municipality=scheme.fund.municipality, changes={"reason": reason})
    return claim


@service
def claim_pay(*, actor: Actor, claim: Claim, on: date, voucher: str) -> Claim:
    """Register the payment of an approved claim (booked in the finance or payroll system
    under ``voucher``): a disbursement in the fund's ledger."""
    claim = _lock_claim(claim)
    scheme = claim.allowance.scheme
    check(can_pay_claims(actor, scheme.municipality_id))
    _expect(claim, ClaimStatus.APPROVED)
    voucher = require_clean_text(voucher_text(voucher), "voucher")
    if not voucher or len(voucher) > MAX_VOUCHER:
        raise _invalid(_("Enter the voucher number from the finance system (at most 40 "
                         "characters)."), "voucher", ErrorCode.VOUCHER_TAKEN)
    check_dates(on=on)
    decided = timezone.localdate(claim.decided_at) if claim.decided_at else on
    if on < decided or on > timezone.localdate():
        raise _invalid(_("The payment date must lie between the decision (%(decided)s) and "
                         "today.") % {"decided": decided.isoformat()}, "on",
                       ErrorCode.CLAIM_STATE)
    taken = (Claim.objects.filter(allowance__scheme__municipality_id=scheme.municipality_id,
                                  voucher=voucher).exists()
             or Payment.objects.filter(municipality_id=scheme.municipality_id,
                                       voucher=voucher).exists())
    if taken:
        message = _("Voucher %(voucher)s is already registered.") % {"voucher": voucher}
        raise ConflictError(message, code=ErrorCode.VOUCHER_TAKEN, fields={"voucher": [message]})
    claim.payment = disbursement_create(
        actor=actor, fund=scheme.fund, amount=claim.cost, subject=Subject.of(scheme),
        text=_("Allowance paid, voucher %(voucher)s: %(activity)s")
        % {"voucher": voucher, "activity": claim.activity},
        on=on, earmark=scheme.earmark, org_unit=claim.allowance.unit)
    claim.status = ClaimStatus.PAID
    claim.paid_on = on
    claim.voucher = voucher
    claim.save(update_fields=["payment", "status", "paid_on", "voucher"])
    record_event(actor=actor, action=AuditAction.CLAIM_PAID, obj=claim,
                 municipality=scheme.fund.municipality,
                 changes={"cost": claim.cost, "voucher": voucher, "paid_on": on.isoformat()})
    return claim
