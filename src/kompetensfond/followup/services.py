"""Writes of payments and follow-ups. A payment is a disbursement in the fund's ledger and
can never exceed what the decision committed; the first moves the grant to *in progress*.
Follow-ups are scheduled when a grant is decided; accepting the final report gives back
what was not used (decommits what was never paid, books a return of what was paid and not
used) and closes the grant."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.applications.models import Application, Decision, Outcome, Status
from kompetensfond.applications.permissions import (
    can_change_application,
    can_handle,
    can_handle_applications,
)
from kompetensfond.applications.services._common import _lock_application, _transition_apply
from kompetensfond.audit.services import record_event
from kompetensfond.core.actors import Actor, user_or_none
from kompetensfond.core.errors import ConflictError, DomainError, ValidationError, check_dates
from kompetensfond.core.money import MoneyParseError, format_money, positive_amount, to_money
from kompetensfond.core.permissions import check, is_member, municipality_of
from kompetensfond.core.services import nothing_written, service
from kompetensfond.core.text import require_clean_text
from kompetensfond.ledger.services import (
    Subject,
    decommitment_create,
    disbursement_create,
    return_create,
)
from kompetensfond.organisation.models import Occupation
from kompetensfond.plans.models import CostType

from .codes import AuditAction, ErrorCode
from .models import FollowUp, FollowUpKind, FollowUpStatus, Payment, Qualification
from .payment_import import PaymentFileError, PaymentImportPlan, read_payments
from .rules import (
    GRANTED,
    MAX_VOUCHER,
    PAYABLE,
    actual_cost,
    committed_left,
    follow_up_dates,
    grant_balance,
    voucher_text,
)


@service
def payment_register(*, actor: Actor, application: Application, amount: Decimal | str,
                     on: date, voucher: str) -> Payment:
    """Register a payment of a granted application, booked in the finance system under
    ``voucher``: a disbursement in the ledger dated ``on``. Refused when it would pay more
    than is committed and not yet paid, also when two arrive at once (the application's
    row and the fund's ledger are locked)."""
    application = _lock_application(application)
    check(can_handle(actor, application))
    if application.status not in PAYABLE:
        raise ConflictError(_("Only a granted application can be paid; this one is "
                              "“%(status)s”.") % {"status": application.get_status_display()},
                            code=ErrorCode.NOT_GRANTED)
    amount = positive_amount(amount)
    voucher = require_clean_text(voucher_text(voucher), "voucher")
    if not voucher or len(voucher) > MAX_VOUCHER:
        message = _("Enter the voucher number from the finance system (at most 40 characters).")
        raise ValidationError(message, fields={"voucher": [message]})
    check_dates(on=on)
    decision: Decision = application.decision
    if on < decision.decided_on or on > timezone.localdate():
        message = _("The payment date must lie between the decision (%(decided)s) and "
                    "today.") % {"decided": decision.decided_on.isoformat()}
        raise ValidationError(message, code=ErrorCode.PAYMENT_DATE, fields={"on": [message]})
    left = committed_left(application)
    if amount > left:
        message = _("%(amount)s is more than what is granted and not yet paid: "
                    "%(left)s.") % {"amount": format_money(amount), "left": format_money(left)}
        raise ConflictError(message, code=ErrorCode.OVER_COMMITMENT,
                            fields={"amount": [message]})
    if Payment.objects.filter(municipality_id=application.municipality_id,
                              voucher=voucher).exists():
        message = _("Voucher %(voucher)s is already registered.") % {"voucher": voucher}
        raise ConflictError(message, code=ErrorCode.VOUCHER_TAKEN,
                            fields={"voucher": [message]})
    txn = disbursement_create(actor=actor, fund=application.fund, amount=amount,
                              subject=Subject.of(application),
                              text=_("Payment, voucher %(voucher)s: %(title)s")
                              % {"voucher": voucher, "title": application.title},
                              on=on, earmark=application.earmark, org_unit=application.unit)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                municipality_id=application.municipality_id, application=application,
                paid_on=on, amount=amount, voucher=voucher, transaction=txn,
                created_by=user_or_none(actor))
    except IntegrityError as exc:  # the same voucher registered at the same moment
        message = _("Voucher %(voucher)s is already registered.") % {"voucher": voucher}
        raise ConflictError(message, code=ErrorCode.VOUCHER_TAKEN,
                            fields={"voucher": [message]}) from exc
    record_event(actor=actor, action=AuditAction.PAYMENT_REGISTERED, obj=payment,
                 municipality=application.municipality,
                 changes={"application": application.pk, "amount": amount,
                          "paid_on": on.isoformat(), "voucher": voucher})
    if application.status in GRANTED:
        _transition_apply(application, "start", Status.IN_PROGRESS, actor=actor,
                          reason=_("First payment, voucher %(voucher)s") % {"voucher": voucher})
    return payment


def _read_payment_file(actor: Actor, content: bytes) -> PaymentImportPlan:
    check(is_member(actor))
    municipality = municipality_of(actor)
    if municipality is not None:  # a member has one
        check(can_handle_applications(actor, municipality))
    try:
        return read_payments(actor, content)
    except PaymentFileError as exc:
        raise ValidationError(str(exc), code=ErrorCode.PAYMENT_FILE,
                              fields={"file": [str(exc)]}) from exc


@service
def payment_import_check(*, actor: Actor, content: bytes) -> PaymentImportPlan:
    """The preview of a payment file: every row checked, nothing written."""
    plan = _read_payment_file(actor, content)
    nothing_written()
    return plan


@service
def payment_import(*, actor: Actor, content: bytes) -> list[Payment]:
    """Register every payment of the file, or none: the rows are checked as in the
    preview, then each is registered by ``payment_register`` (under its locks, with its
    checks) in this one transaction, so a row refused at that moment (another payment came
    first) undoes the whole file."""
    plan = _read_payment_file(actor, content)
    if plan.errors:
        messages = [_("Row %(row)s: %(problem)s.") % {"row": n, "problem": problem}
                    for n, problem in plan.errors]
        raise ValidationError(
            _("Nothing was imported: %(n)s rows have errors.") % {"n": len(plan.errors)},
            code=ErrorCode.PAYMENT_FILE, fields={"file": messages})
    payments = []
    for line in plan.lines:
        try:
            payments.append(payment_register(actor=actor, application=line.application,
                                             amount=line.amount, on=line.on,
                                             voucher=line.voucher))
        except DomainError as exc:
            message = _("Row %(row)s: %(problem)s") % {"row": line.row, "problem": exc}
            raise type(exc)(_("Nothing was imported. %(message)s") % {"message": message},
                            code=exc.code, fields={"file": [message]}) from exc
    record_event(actor=actor, action=AuditAction.PAYMENTS_IMPORTED,
                 obj=plan.lines[0].application.municipality,
                 municipality=plan.lines[0].application.municipality,
                 changes={"payments": len(payments), "total": plan.total,
                          "vouchers": [p.voucher for p in payments][:100]})
    return payments


@service
def follow_ups_schedule(*, actor: Actor, application: Application,
                        decision: Decision) -> list[FollowUp]:
    """Called by the decision services in their transaction: the follow-ups of a grant."""
    if decision.outcome == Outcome.REJECTED or FollowUp.objects.filter(
            application=application).exists():
        nothing_written()
        return []
    created = [FollowUp.objects.create(application=application, kind=kind, due_date=due)
               for kind, due in follow_up_dates(decision.decided_on, application.end_date)]
    record_event(actor=actor, action=AuditAction.FOLLOW_UPS_SCHEDULED, obj=application,
                 changes={"due": [f"{f.kind} {f.due_date.isoformat()}" for f in created]})
    return created


@dataclass(frozen=True)
class QualificationLine:
    occupation_from: str  # SSYK code
    occupation_to: str
    count: int


PEOPLE = ("started", "completed", "dropped")
GENDERS = ("women", "men", "other")


def _lock_follow_up(follow_up: FollowUp) -> FollowUp:
    return (FollowUp.objects.select_for_update(of=("self",))
            .select_related("application").get(pk=follow_up.pk))


def _clean_costs(costs: Mapping[str, Any]) -> dict[str, str]:
    known = set(CostType.values)
    clean: dict[str, str] = {}
    for cost_type, value in costs.items():
        if cost_type not in known:
            raise ValidationError(_("Unknown cost type %(type)s.") % {"type": cost_type},
                                  fields={"costs": [_("Unknown cost type.")]})
        if value in (None, ""):
            continue
        try:
            amount = to_money(value)
        except MoneyParseError as exc:
            raise ValidationError(str(exc), fields={"costs": [str(exc)]}) from exc
        if amount < 0:
            message = _("A cost cannot be negative.")
            raise ValidationError(message, fields={"costs": [message]})
        if amount:
            clean[cost_type] = f"{amount:.2f}"
    return clean


def _clean_people(people: Mapping[str, int]) -> dict[str, int]:
    clean: dict[str, int] = {}
    for group in PEOPLE:
        for gender in GENDERS:
            key = f"{group}_{gender}"
            value = people.get(key, 0) or 0
            if not isinstance(value, int) or not 0 <= value <= 100_000:
                message = _("Enter a whole number of people from 0 to 100 000.")
                raise ValidationError(message, fields={key: [message]})
            clean[key] = value
    for gender in GENDERS:
        if clean[f"completed_{gender}"] + clean[f"dropped_{gender}"] > clean[f"started_{gender}"]:
            message = _("More finished or dropped out than started.")
            raise ValidationError(message, code=ErrorCode.FOLLOW_UP_FIGURES,
                                  fields={f"completed_{gender}": [message]})
    return clean


@service
def follow_up_submit(*, actor: Actor, follow_up: FollowUp, costs: Mapping[str, Any],
                     people: Mapping[str, int], narrative: str = "",
                     qualifications: Iterable[QualificationLine] = ()) -> FollowUp:
    """The applying unit reports: actual costs per cost type, participants who started,
    finished and dropped out by gender, qualifications obtained and what the grant
    achieved. A final report moves the grant to *reported*. A report sent back may be
    submitted again until it is accepted."""
    follow_up = _lock_follow_up(follow_up)
    application = _lock_application(follow_up.application_id)
    check(can_change_application(actor, application))
    if follow_up.status == FollowUpStatus.ACCEPTED:
        raise ConflictError(_("The report has already been accepted."),
                            code=ErrorCode.FOLLOW_UP_STATE)
    if application.status not in PAYABLE:
        raise ConflictError(_("Only a granted application is followed up; this one is "
                              "“%(status)s”.") % {"status": application.get_status_display()},
                            code=ErrorCode.FOLLOW_UP_STATE)
    clean_costs = _clean_costs(costs)
    clean_people = _clean_people(people)
    narrative = require_clean_text((narrative or "").strip(), "narrative")
    if len(narrative) > 10_000:
        raise ValidationError(_("The text is longer than 10 000 characters."),
                              fields={"narrative": [_("Shorten the text.")]})
    lines = list(qualifications)
    codes = {c for line in lines for c in (line.occupation_from, line.occupation_to)}
    occupations = {o.ssyk_code: o for o in Occupation.objects.filter(ssyk_code__in=codes)}
    completed = sum(clean_people[f"completed_{g}"] for g in GENDERS)
    if any(c not in occupations for c in codes):
        message = _("Choose occupations from SSYK 2012.")
        raise ValidationError(message, fields={"qualifications": [message]})
    if any(line.count < 1 for line in lines) or sum(line.count for line in lines) > completed:
        message = _("The qualifications obtained must be at least 1 each and at most as many "
                    "as finished.")
        raise ValidationError(message, code=ErrorCode.FOLLOW_UP_FIGURES,
                              fields={"qualifications": [message]})
    for key, value in clean_people.items():
        setattr(follow_up, key, value)
    follow_up.costs = clean_costs
    follow_up.narrative = narrative
    follow_up.status = FollowUpStatus.SUBMITTED
    follow_up.submitted_at = timezone.now()
    follow_up.submitted_by = user_or_none(actor)
    follow_up.save()
    follow_up.qualifications.all().delete()
    Qualification.objects.bulk_create([
        Qualification(follow_up=follow_up, occupation_from=occupations[line.occupation_from],
                      occupation_to=occupations[line.occupation_to], count=line.count)
        for line in lines])
    record_event(actor=actor, action=AuditAction.FOLLOW_UP_SUBMITTED, obj=follow_up,
                 municipality=application.municipality,
                 changes={"costs": clean_costs, **clean_people,
                          "qualifications": [f"{q.count} {q.occupation_from}→"
                                             f"{q.occupation_to}" for q in lines]})
    if follow_up.kind == FollowUpKind.FINAL:
        if application.status in GRANTED:  # nothing was paid: the grant never started
            _transition_apply(application, "start", Status.IN_PROGRESS, actor=actor)
        _transition_apply(application, "report", Status.REPORTED, actor=actor)
    return follow_up


@service
def follow_up_accept(*, actor: Actor, follow_up: FollowUp, on: date | None = None) -> FollowUp:
    """The case officer accepts a submitted report. The final report closes the grant:
    what is committed and not paid goes back to the fund (decommitted), and what was paid
    beyond the actual costs is booked as returned; both through the ledger."""
    follow_up = _lock_follow_up(follow_up)
    application = _lock_application(follow_up.application_id)
    check(can_handle(actor, application))
    if follow_up.status != FollowUpStatus.SUBMITTED:
        raise ConflictError(_("Only a submitted report can be accepted."),
                            code=ErrorCode.FOLLOW_UP_STATE)
    on = on or timezone.localdate()
    if follow_up.kind == FollowUpKind.FINAL:
        balance = grant_balance(application)
        subject = Subject.of(application)
        reference = _("Follow-up accepted: %(title)s") % {"title": application.title}
        if balance.committed > 0:
            decommitment_create(actor=actor, fund=application.fund, amount=balance.committed,
                                subject=subject, text=reference, on=on,
                                earmark=application.earmark, org_unit=application.unit,
                                authorised=can_handle(actor, application))
            follow_up.decommitted = balance.committed
        unused = balance.disbursed - actual_cost(follow_up)
        if unused > 0:
            return_create(actor=actor, fund=application.fund, amount=unused, subject=subject,
                          text=reference, on=on, earmark=application.earmark,
                          org_unit=application.unit)
            follow_up.returned = unused
        _transition_apply(application, "close", Status.CLOSED, actor=actor)
    follow_up.status = FollowUpStatus.ACCEPTED
    follow_up.accepted_at = timezone.now()
    follow_up.accepted_by = user_or_none(actor)
    follow_up.save(update_fields=["status", "accepted_at", "accepted_by", "decommitted",
                                  "returned"])
    record_event(actor=actor, action=AuditAction.FOLLOW_UP_ACCEPTED, obj=follow_up,
                 municipality=application.municipality,
                 changes={"decommitted": follow_up.decommitted, "returned": follow_up.returned})
    return follow_up


REMIND_BEFORE = timedelta(days=14)
REMIND_AGAIN = timedelta(days=7)


@service
def follow_up_reminders_send(*, actor: Actor, today: date | None = None) -> int:
    """E-mail the responsible manager (or the contact person) of every report due within
    two weeks or overdue: once when it comes due, then weekly while overdue. Running it
    twice on a day sends nothing the second time."""
    from kompetensfond.applications.notifications import notify

    today = today or timezone.localdate()
    due = (FollowUp.objects.select_for_update(of=("self",))
           .filter(status=FollowUpStatus.DUE, due_date__lte=today + REMIND_BEFORE)
           .select_related("application__unit__manager", "application__contact",
                           "application__municipality"))
    sent = 0
    for follow_up in due:
        last = follow_up.reminded_on
        if last is not None and (last >= today or (last + REMIND_AGAIN > today)):
            continue
        application = follow_up.application
        recipient = application.unit.manager or application.contact
        notify("follow_up_due", application, [recipient], follow_up=follow_up,
               overdue=follow_up.due_date < today)
        follow_up.reminded_on = today
        follow_up.save(update_fields=["reminded_on"])
        record_event(actor=actor, action=AuditAction.FOLLOW_UP_REMINDED, obj=follow_up,
                     municipality=application.municipality,
                     changes={"to": recipient.get_username() if recipient else "",
                              "due": follow_up.due_date.isoformat()})
        sent += 1
    if not sent:
        nothing_written()
    return sent
