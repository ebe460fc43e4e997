"""Decisions: by a body at a meeting (an agenda item, a § from the body's register) or by a
delegate under the fund's delegation rules; a grant is committed in the ledger in the
same transaction; a granted amount is changed only through ``decision_change``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.audit.services import record_event
from kompetensfond.core.actors import Actor, user_or_none
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.i18n import record_language
from kompetensfond.core.money import format_money, positive_amount
from kompetensfond.core.permissions import Decision as Permission
from kompetensfond.core.permissions import check, has_role
from kompetensfond.core.services import service
from kompetensfond.ledger.models import LedgerTransaction
from kompetensfond.ledger.services import Subject, commitment_create, decommitment_create
from kompetensfond.organisation.services import paragraph_take
from kompetensfond.plans.checks import delegate_for
from kompetensfond.plans.models import DelegationRule
from kompetensfond.plans.selectors import delegations_of, guideline_of

from ..codes import AuditAction, ErrorCode
from ..lifecycle import TRANSITIONS, require_transition
from ..models import Application, Decision, Meeting, Outcome
from ..notifications import notify
from ..rules import check_decision_date, check_earmark, decided_amount
from ..selectors import requested_amount
from ._common import _lock_application, _transition_apply
from .meetings import _lock_meeting, _require_open_minutes, agenda_item_add, meeting_create


def _commit(actor: Actor, application: Application, decision: Decision,
            authorised: Permission) -> None:
    """Granting commits the decided amount in the ledger (from the earmark or frame when
    the application has one), dated as the decision; refused with the amount available
    when the fund cannot cover it. ``authorised`` is the permission that let the actor
    decide: a named delegate needs no role in the ledger."""
    if decision.outcome == Outcome.REJECTED:
        return
    commitment_create(actor=actor, fund=application.fund, amount=decision.amount,
                      subject=Subject.of(application), text=f"{application.title} "
                      f"({decision.reference})", on=decision.decided_on,
                      earmark=application.earmark, org_unit=application.unit,
                      idempotency_key=f"decision-{decision.pk}", authorised=authorised)


def _finish(actor: Actor, application: Application, decision: Decision, action: str,
            audit: AuditAction, authorised: Permission) -> Decision:
    """What every decision does once written: commit a grant in the ledger, audit, move the
    application to its outcome and tell the applicant (after commit)."""
    _commit(actor, application, decision, authorised)
    from kompetensfond.followup.services import follow_ups_schedule  # the later app

    follow_ups_schedule(actor=actor, application=application, decision=decision)
    record_event(actor=actor, action=audit, obj=decision,
                 municipality=application.municipality,
                 changes={"reference": decision.reference, "outcome": decision.outcome,
                          "amount": decision.amount})
    _transition_apply(application, action, decision.outcome, actor=actor,
                     reason=decision.reference)
    notify("decided", application, [application.contact], decision=decision,
           amount=format_money(decision.amount))
    return decision


@service
def decision_record(*, actor: Actor, application: Application, meeting: Meeting,
                    outcome: str, amount: Decimal | str | None = None, conditions: str = "",
                    reason: str = "", case_number: str = "",
                    paragraph: int | None = None) -> Decision:
    """The body's decision on an item of the meeting's agenda, recorded by the secretary
    on or after the meeting's date: the § the decision has in the minutes (or the body's
    next), and a grant committed in the ledger."""
    meeting = _lock_meeting(meeting)
    application = _lock_application(application)
    permission = TRANSITIONS["decide"].permission(actor, application)
    check(permission)
    if meeting.body.municipality_id != application.municipality_id:
        raise ValidationError(_("The meeting belongs to another municipality."))
    _require_open_minutes(meeting)
    require_transition(application, "decide", outcome)
    if meeting.date > timezone.localdate():
        raise ConflictError(_("The meeting on %(date)s has not been held yet: its decisions "
                              "are recorded on or after that day.")
                            % {"date": meeting.date.isoformat()},
                            code=ErrorCode.MEETING_NOT_HELD)
    if not meeting.items.filter(application=application).exists():
        raise ConflictError(_("The application is not on the meeting's agenda."),
                            code=ErrorCode.NOT_ON_AGENDA)
    check_decision_date(application, meeting.date)
    decided = decided_amount(outcome, amount, requested_amount(application))
    if outcome != Outcome.REJECTED:
        check_earmark(application)
    with record_language():
        matter = _("Decision on %(title)s") % {"title": application.title}
    number = paragraph_take(actor=actor, body=meeting.body, year=meeting.date.year,
                            number=paragraph, text=matter)
    decision = Decision.objects.create(
        application=application, outcome=outcome, amount=decided, conditions=conditions.strip(),
        reason=reason.strip(), decided_on=meeting.date, body=meeting.body, meeting=meeting,
        paragraph_year=meeting.date.year, paragraph=number, case_number=case_number.strip(),
        recorded_by=user_or_none(actor))
    return _finish(actor, application, decision, "decide", AuditAction.DECISION_RECORDED,
                   permission)


@service
def decision_record_at_meeting(*, actor: Actor, application: Application, on: date,
                               outcome: str, amount: Decimal | str | None = None,
                               conditions: str = "", reason: str = "", case_number: str = "",
                               paragraph: int | None = None) -> Decision:
    """The body's decision at its meeting on ``on``: the meeting and the agenda item are
    created when they do not exist yet (the application page's and the API's way)."""
    application = _lock_application(application)
    check(TRANSITIONS["decide"].permission(actor, application))
    meeting = meeting_create(actor=actor, body=application.fund.owning_body, on=on)
    if not meeting.items.filter(application=application).exists():
        agenda_item_add(actor=actor, meeting=meeting, application=application)
    return decision_record(actor=actor, application=application, meeting=meeting,
                           outcome=outcome, amount=amount, conditions=conditions,
                           reason=reason, case_number=case_number, paragraph=paragraph)


def _delegation_for(actor: Actor, application: Application,
                    amount: Decimal) -> DelegationRule:
    guideline = guideline_of(application.fund)
    rules = list(guideline.delegations.all()) if guideline else []
    covering = delegate_for(delegations_of(guideline), amount) if guideline else None
    if covering is None:
        raise ConflictError(_("%(amount)s is above every delegation: the body decides at a "
                              "meeting.") % {"amount": format_money(amount)},
                            code=ErrorCode.NEEDS_MEETING)
    for rule in sorted(rules, key=lambda r: r.max_amount):
        if amount > rule.max_amount:
            continue
        if rule.delegate_user_id == actor.pk or (
                rule.delegate_role and has_role(actor, rule.delegate_role)):
            return rule
    raise ConflictError(_("You are not the delegate for %(amount)s (point %(point)s).")
                        % {"amount": format_money(amount),
                           "point": covering.delegation_point}, code=ErrorCode.NOT_DELEGATE)


@service
def decision_record_delegated(*, actor: Actor, application: Application, outcome: str,
                              amount: Decimal | str | None = None, conditions: str = "",
                              reason: str = "", case_number: str = "",
                              on: date | None = None) -> Decision:
    """A decision by a delegate under the fund's delegation rules, without a meeting; it is
    reported to the body at a later meeting. The delegate may be named in person."""
    application = _lock_application(application)
    if user_or_none(actor) is None:
        raise ValidationError(_("A delegated decision is taken by a named person."))
    permission = TRANSITIONS["decide_delegated"].permission(actor, application)
    check(permission)
    require_transition(application, "decide_delegated", outcome)
    on = on or timezone.localdate()
    check_decision_date(application, on)
    decided = decided_amount(outcome, amount, requested_amount(application))
    rule = _delegation_for(actor, application,
                           decided if outcome != Outcome.REJECTED
                           else requested_amount(application))
    if outcome != Outcome.REJECTED:
        check_earmark(application)
    decision = Decision.objects.create(
        application=application, outcome=outcome, amount=decided, conditions=conditions.strip(),
        reason=reason.strip(), decided_on=on, body=rule.body,
        delegate=user_or_none(actor), delegation_point=rule.delegation_point,
        case_number=case_number.strip(), recorded_by=user_or_none(actor))
    return _finish(actor, application, decision, "decide_delegated",
                   AuditAction.DECISION_DELEGATED, permission)


@service
def decision_change(*, actor: Actor, application: Application, amount: Decimal | str,
                    reason: str, on: date | None = None) -> Decision:
    """Change a granted amount (a new decision of the body or delegate, given as the
    reason): the decision and the ledger change together: more is committed, or what is
    no longer granted goes back to the pot it came from."""
    application = _lock_application(application)
    permission = TRANSITIONS["change_decision"].permission(actor, application)
    check(permission)
    require_transition(application, "change_decision")
    decision = (Decision.objects.select_for_update(of=("self",)).select_related("body")
                .get(application=application))
    if not reason.strip():
        message = _("Give the decision behind the change (body, date, §).")
        raise ValidationError(message, fields={"reason": [message]})
    new = positive_amount(amount)
    requested = requested_amount(application)
    if new > requested:
        message = _("At most the %(requested)s applied for can be granted.") % {
            "requested": format_money(requested)}
        raise ValidationError(message, fields={"amount": [message]})
    if new == decision.amount:
        raise ConflictError(_("The decision already grants %(amount)s.")
                            % {"amount": format_money(new)}, code=ErrorCode.NOTHING_TO_CHANGE)
    on = on or timezone.localdate()
    if not decision.decided_on <= on <= timezone.localdate():
        message = _("A change is dated between the decision (%(date)s) and today.") % {
            "date": decision.decided_on.isoformat()}
        raise ValidationError(message, code=ErrorCode.DECISION_DATE, fields={"on": [message]})
    check_earmark(application)
    before, outcome = decision.amount, (Outcome.GRANTED if new == requested
                                        else Outcome.PARTLY_GRANTED)
    subject = Subject.of(application)
    # one key per change: the number of postings on the grant so far (stable under the lock)
    postings = LedgerTransaction.objects.filter(fund=application.fund, source_type=subject.type,
                                                source_id=subject.id).count()
    key = f"decision-{decision.pk}-change-{postings}"
    text = f"{application.title} ({decision.reference}): {reason.strip()}"
    posting = commitment_create if new > before else decommitment_create
    posting(actor=actor, fund=application.fund, amount=abs(new - before),
            subject=subject, text=text, on=on, earmark=application.earmark,
            org_unit=application.unit, idempotency_key=key, authorised=permission)
    decision.amount, decision.outcome = new, outcome
    decision.save(update_fields=["amount", "outcome"])
    record_event(actor=actor, action=AuditAction.DECISION_CHANGED, obj=decision,
                 municipality=application.municipality,
                 changes={"amount": [before, new], "outcome": [application.status, outcome],
                          "reason": reason.strip()})
    _transition_apply(application, "change_decision", outcome, actor=actor,
                     reason=reason.strip())
    return decision
