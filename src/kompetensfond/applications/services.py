"""Writes for applications and decisions. Each state change goes through ``_move``, which
checks the life-cycle table, records who, when and why, and writes the audit event."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompetensfond.audit.services import record_event
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Role, User
from kompetensfond.core.money import format_money, to_money
from kompetensfond.core.permissions import check, deny, has_role, municipality_of
from kompetensfond.core.services import service
from kompetensfond.funds.models import Earmark, Fund
from kompetensfond.ledger.amounts import positive_amount
from kompetensfond.ledger.services import Subject, commitment_create
from kompetensfond.organisation.models import Body, Employee, Gender, Occupation, OrgUnit
from kompetensfond.organisation.services import paragraph_next
from kompetensfond.plans.checks import Finding, delegate_for
from kompetensfond.plans.models import CostType, DelegationRule, Strategy
from kompetensfond.plans.selectors import delegations_of, guideline_of

from .files import EXTENSIONS, MAX_SIZE, sniff
from .lifecycle import DECIDED, EDITABLE, allowed
from .models import (
    SCORE_MAX,
    SCORE_MIN,
    Application,
    ApplicationEvent,
    Attachment,
    BudgetLine,
    Criterion,
    Decision,
    Meeting,
    Review,
    Score,
    Status,
)
from .notifications import fund_admins, notify
from .permissions import (
    can_apply_for,
    can_handle_applications,
    can_record_decisions,
    can_review,
)
from .selectors import findings_for


class GuidelineError(ValidationError):
    """Submission refused: the application breaks the fund's guidelines."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        errors = [f.message for f in findings if f.blocks]
        super().__init__(_("The application does not follow the fund's guidelines: %(errors)s")
                         % {"errors": " ".join(errors)}, code="guideline_errors",
                         fields={"__all__": errors})
        self.findings = list(findings)


@dataclass(frozen=True)
class Line:
    cost_type: str
    year: int
    amount: Decimal | str


FIELDS = ("title", "purpose", "expected_effect", "start_date", "end_date",
          "participants_women", "participants_men", "participants_other", "cofunding")


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().select_related(
        "fund", "fund__municipality", "unit").get(pk=application.pk)


def _move(application: Application, action: str, to: str, *, actor: User | None,
          reason: str = "") -> Application:
    if not allowed(action, application.status, to):
        raise ConflictError(
            _("An application that is “%(status)s” cannot be %(action)s.")
            % {"status": application.get_status_display(), "action": ACTION_NAMES[action]},
            code="illegal_transition")
    before = application.status
    application.status = to
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    ApplicationEvent.objects.create(application=application, from_status=before, to_status=to,
                                    actor=actor if actor and actor.pk else None, reason=reason)
    record_event(actor=actor, action=f"application.{action}", obj=application,
                 changes={"status": [before, to], "reason": reason})
    return application


ACTION_NAMES = {"submit": gettext_lazy("submitted"),
                "start_review": gettext_lazy("taken into review"),
                "return": gettext_lazy("returned for completion"),
                "recommend": gettext_lazy("given a proposal"),
                "decide": gettext_lazy("decided"), "withdraw": gettext_lazy("withdrawn"),
                "start": gettext_lazy("started"), "report": gettext_lazy("reported"),
                "close": gettext_lazy("closed")}


def _clean(fund: Fund, unit: OrgUnit, values: dict[str, Any], lines: Sequence[Line],
           strategies: Sequence[Strategy], occupations: Sequence[Occupation],
           earmark: Earmark | None) -> list[BudgetLine]:
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
    if start and end and end < start:
        errors["end_date"] = [_("The end date must be on or after the start date.")]
    try:
        values["cofunding"] = to_money(values.get("cofunding") or 0)
        if values["cofunding"] < 0:
            errors["cofunding"] = [_("Co-funding cannot be negative.")]
    except ValueError as exc:
        errors["cofunding"] = [str(exc)]
    budget = []
    for line in lines:
        if line.cost_type not in CostType.values:
            errors["budget"] = [_("Unknown cost type.")]
            continue
        try:
            amount = positive_amount(line.amount)
        except ValidationError as exc:
            errors["budget"] = [exc.message]
            continue
        if not 2000 <= int(line.year) <= 2100:
            errors["budget"] = [_("Enter the year with four digits.")]
            continue
        budget.append(BudgetLine(cost_type=line.cost_type, year=line.year, amount=amount))
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
                    strategies: Sequence[Strategy], occupations: Sequence[Occupation]) -> None:
    application.budget_lines.all().delete()
    for line in budget:
        line.application = application
    BudgetLine.objects.bulk_create(budget)
    application.strategies.set(strategies)
    application.occupations.set(occupations)


@service
def application_create(
    *, actor: User | None, fund: Fund, unit: OrgUnit, title: str, lines: Sequence[Line] = (),
    strategies: Iterable[Strategy] = (), occupations: Iterable[Occupation] = (),
    earmark: Earmark | None = None, contact: User | None = None,
    employee_numbers: Iterable[str] = (), **values: Any,
) -> Application:
    """A draft application of ``unit`` to ``fund``, with participants as counts by gender
    or as named employees of the unit's subtree (``employee_numbers``)."""
    check(can_apply_for(actor, unit))
    strategies, occupations = list(strategies), list(occupations)
    values = {"title": title, **values}
    budget = _clean(fund, unit, values, lines, strategies, occupations, earmark)
    named = _named(unit, employee_numbers, values)
    contact = contact or actor
    if contact is None:
        raise ValidationError(_("Choose the contact person."))
    application = Application.objects.create(
        municipality=fund.municipality, fund=fund, unit=unit, earmark=earmark,
        contact=contact, **{k: v for k, v in values.items() if k in FIELDS})
    _save_relations(application, budget, strategies, occupations)
    application.named_participants.set(named)
    ApplicationEvent.objects.create(application=application, to_status=Status.DRAFT,
                                    actor=actor if actor and actor.pk else None)
    record_event(actor=actor, action="application.created", obj=application,
                 changes={"title": application.title, "unit": unit.name,
                          "requested": sum((b.amount for b in budget), Decimal(0))})
    return application


@service
def application_update(
    *, actor: User | None, application: Application, lines: Sequence[Line] = (),
    strategies: Iterable[Strategy] = (), occupations: Iterable[Occupation] = (),
    earmark: Earmark | None = None, employee_numbers: Iterable[str] = (), **values: Any,
) -> Application:
    """Change a draft, or an application returned for completion."""
    application = _lock(application)
    check(can_apply_for(actor, application.unit))
    if application.status not in EDITABLE:
        raise ConflictError(_("Only a draft or an application returned for completion can "
                              "be changed."), code="illegal_transition")
    strategies, occupations = list(strategies), list(occupations)
    values = {"title": application.title, **values}
    budget = _clean(application.fund, application.unit, values, lines, strategies,
                    occupations, earmark)
    named = _named(application.unit, employee_numbers, values)
    for key, value in values.items():
        if key in FIELDS:
            setattr(application, key, value)
    application.earmark = earmark
    application.save()
    _save_relations(application, budget, strategies, occupations)
    application.named_participants.set(named)
    record_event(actor=actor, action="application.updated", obj=application,
                 changes={"requested": sum((b.amount for b in budget), Decimal(0))})
    return application


@service
def application_submit(*, actor: User | None, application: Application) -> Application:
    """Submit (or resubmit) the application. The guideline check runs now: an error blocks,
    warnings go with the application to the reviewers."""
    application = _lock(application)
    check(can_apply_for(actor, application.unit))
    if not allowed("submit", application.status):
        _move(application, "submit", Status.SUBMITTED, actor=actor)  # raises with the reason
    findings = findings_for(application, at=timezone.now())
    if any(f.blocks for f in findings):
        raise GuidelineError(findings)
    application.submitted_at = timezone.now()
    _move(application, "submit", Status.SUBMITTED, actor=actor,
          reason="; ".join(f.message for f in findings))
    notify("submitted", application, fund_admins(application))
    return application


@service
def application_start_review(*, actor: User | None, application: Application) -> Application:
    application = _lock(application)
    check(can_handle_applications(actor, application.fund.municipality))
    return _move(application, "start_review", Status.IN_REVIEW, actor=actor)


@service
def application_return(*, actor: User | None, application: Application,
                       reason: str) -> Application:
    """Ask the applicant to complete the application (the reason tells what is missing)."""
    application = _lock(application)
    check(can_handle_applications(actor, application.fund.municipality))
    if not reason.strip():
        raise ValidationError(_("Say what the applicant needs to complete."),
                              fields={"reason": [_("Say what the applicant needs to "
                                                   "complete.")]})
    _move(application, "return", Status.RETURNED, actor=actor, reason=reason.strip())
    notify("returned", application, [application.contact], reason=reason.strip())
    return application


@service
def application_withdraw(*, actor: User | None, application: Application,
                         reason: str = "") -> Application:
    application = _lock(application)
    check(can_apply_for(actor, application.unit))
    return _move(application, "withdraw", Status.WITHDRAWN, actor=actor, reason=reason.strip())


@service
def application_recommend(*, actor: User | None, application: Application, outcome: str,
                          amount: Decimal | str | None, reason: str) -> Application:
    """The case officer's proposal to the body or delegate: grant, grant in part (with the
    amount) or reject (with reasons)."""
    application = _lock(application)
    check(can_handle_applications(actor, application.fund.municipality))
    requested = _requested(application)
    proposed = _decided_amount(outcome, amount, requested)
    if outcome == Status.REJECTED and not reason.strip():
        raise ValidationError(_("Give the reasons for rejecting."),
                              fields={"reason": [_("Give the reasons for rejecting.")]})
    application.recommendation = outcome
    application.recommended_amount = proposed
    application.recommendation_reason = reason.strip()
    application.save(update_fields=["recommendation", "recommended_amount",
                                    "recommendation_reason"])
    return _move(application, "recommend", Status.RECOMMENDED, actor=actor,
                 reason=reason.strip())


def _requested(application: Application) -> Decimal:
    return sum((line.amount for line in application.budget_lines.all()), Decimal("0.00"))


def _decided_amount(outcome: str, amount: Decimal | str | None, requested: Decimal) -> Decimal:
    if outcome not in DECIDED:
        raise ValidationError(_("Choose grant, grant in part or reject."),
                              fields={"outcome": [_("Choose grant, grant in part or reject.")]})
    if outcome == Status.REJECTED:
        return Decimal("0.00")
    if outcome == Status.GRANTED:
        return requested
    value = positive_amount(amount if amount is not None else "")
    if value >= requested:
        message = _("A partial grant must be less than the %(requested)s applied for.") % {
            "requested": format_money(requested)}
        raise ValidationError(message, fields={"amount": [message]})
    return value


@service
def meeting_create(*, actor: User | None, body: Body, on: date) -> Meeting:
    check(can_record_decisions(actor, body.municipality))
    meeting, created = Meeting.objects.get_or_create(body=body, date=on)
    if created:
        record_event(actor=actor, action="meeting.created", obj=meeting,
                     municipality=body.municipality, changes={"date": on})
    else:
        record_event(actor=actor, action="meeting.reused", obj=meeting,
                     municipality=body.municipality, changes={"date": on})
    return meeting


def _finish_decision(actor: User | None, application: Application, decision: Decision,
                     action: str) -> Decision:
    """What every decision does once written: commit a grant in the ledger, audit, move the
    application to its outcome and tell the applicant (after commit)."""
    _commit(actor, application, decision)
    record_event(actor=actor, action=action, obj=decision,
                 municipality=application.municipality,
                 changes={"reference": decision.reference, "outcome": decision.outcome,
                          "amount": decision.amount})
    _move(application, "decide", decision.outcome, actor=actor, reason=decision.reference)
    notify("decided", application, [application.contact], decision=decision,
           amount=format_money(decision.amount))
    return decision


def _commit(actor: User | None, application: Application, decision: Decision) -> None:
    """Granting commits the decided amount in the ledger (from the earmark when one was
    requested); refused with the amount available when the fund cannot cover it."""
    if decision.outcome == Status.REJECTED:
        return
    commitment_create(actor=actor, fund=application.fund, amount=decision.amount,
                      subject=Subject.of(application), text=f"{application.title} "
                      f"({decision.reference})", on=decision.decided_on,
                      earmark=application.earmark, org_unit=application.unit,
                      idempotency_key=f"decision-{decision.pk}")


@service
def decision_record(*, actor: User | None, application: Application, meeting: Meeting,
                    outcome: str, amount: Decimal | str | None = None, conditions: str = "",
                    reason: str = "", case_number: str = "") -> Decision:
    """A body's decision at a meeting, recorded by the secretary: it takes the body's next
    § for the meeting's year (never reused), and a grant is committed in the ledger."""
    application = _lock(application)
    check(can_record_decisions(actor, application.fund.municipality))
    if meeting.body.municipality_id != application.municipality_id:
        raise ValidationError(_("The meeting belongs to another municipality."))
    if not allowed("decide", application.status, outcome):
        _move(application, "decide", outcome, actor=actor)  # raises with the reason
    decided = _decided_amount(outcome, amount, _requested(application))
    paragraph = paragraph_next(actor=actor, body=meeting.body, year=meeting.date.year)
    decision = Decision.objects.create(
        application=application, outcome=outcome, amount=decided, conditions=conditions.strip(),
        reason=reason.strip(), decided_on=meeting.date, body=meeting.body, meeting=meeting,
        paragraph_year=meeting.date.year, paragraph=paragraph, case_number=case_number.strip(),
        recorded_by=actor if actor and actor.pk else None)
    return _finish_decision(actor, application, decision, "decision.recorded")


def _delegation_for(actor: User, application: Application,
                    amount: Decimal) -> DelegationRule:
    guideline = guideline_of(application.fund)
    rules = list(guideline.delegations.all()) if guideline else []
    covering = delegate_for(delegations_of(guideline), amount) if guideline else None
    if covering is None:
        raise ConflictError(_("%(amount)s is above every delegation: the body decides at a "
                              "meeting.") % {"amount": format_money(amount)},
                            code="needs_meeting")
    for rule in sorted(rules, key=lambda r: r.max_amount):
        if amount > rule.max_amount:
            continue
        if rule.delegate_user_id == actor.pk or (
                rule.delegate_role and has_role(actor, rule.delegate_role)):
            return rule
    raise ConflictError(_("You are not the delegate for %(amount)s (point %(point)s).")
                        % {"amount": format_money(amount),
                           "point": covering.delegation_point}, code="not_delegate")


@service
def decision_record_delegated(*, actor: User | None, application: Application, outcome: str,
                              amount: Decimal | str | None = None, conditions: str = "",
                              reason: str = "", case_number: str = "",
                              on: date | None = None) -> Decision:
    """A decision by a delegate under the fund's delegation rules, without a meeting; it is
    reported to the body at a later meeting."""
    application = _lock(application)
    if actor is None or not actor.pk:
        raise ValidationError(_("A delegated decision is taken by a named person."))
    own = municipality_of(actor)
    if own is None or own.pk != application.municipality_id:
        check(deny(_("You do not have permission to see this page.")))
    if not allowed("decide", application.status, outcome):
        _move(application, "decide", outcome, actor=actor)  # raises with the reason
    decided = _decided_amount(outcome, amount, _requested(application))
    rule = _delegation_for(actor, application,
                           decided if outcome != Status.REJECTED
                           else _requested(application))
    decision = Decision.objects.create(
        application=application, outcome=outcome, amount=decided, conditions=conditions.strip(),
        reason=reason.strip(), decided_on=on or timezone.localdate(), body=rule.body,
        delegate=actor, delegation_point=rule.delegation_point,
        case_number=case_number.strip(), recorded_by=actor)
    return _finish_decision(actor, application, decision, "decision.delegated")



@service
def criterion_create(*, actor: User | None, fund: Fund, name: str, weight: int) -> Criterion:
    check(can_handle_applications(actor, fund.municipality))
    name = name.strip()
    if not name:
        raise ValidationError(_("Enter a name."), fields={"name": [_("Enter a name.")]})
    if not 1 <= weight <= 10:
        message = _("The weight must be from 1 to 10.")
        raise ValidationError(message, fields={"weight": [message]})
    if Criterion.objects.filter(fund=fund, name=name).exists():
        raise ConflictError(_("The fund already has that criterion."))
    criterion = Criterion.objects.create(fund=fund, name=name, weight=weight)
    record_event(actor=actor, action="criterion.created", obj=criterion,
                 municipality=fund.municipality, changes={"name": name, "weight": weight})
    return criterion


@service
def reviewers_assign(*, actor: User | None, application: Application,
                     reviewers: Iterable[User]) -> list[Review]:
    """Assign reviewers; a submitted application is taken into review."""
    application = _lock(application)
    check(can_handle_applications(actor, application.fund.municipality))
    if application.status not in {Status.SUBMITTED, Status.IN_REVIEW}:
        raise ConflictError(_("Reviewers are assigned to submitted applications."),
                            code="illegal_transition")
    created = []
    for reviewer in reviewers:
        membership = getattr(reviewer, "membership", None)
        if membership is None or membership.municipality_id != application.municipality_id \
                or not has_role(reviewer, Role.REVIEWER, Role.FUND_ADMIN):
            raise ValidationError(_("%(name)s is not a reviewer in the municipality.")
                                  % {"name": reviewer.display_name})
        review, was_created = Review.objects.get_or_create(application=application,
                                                           reviewer=reviewer)
        if was_created:
            created.append(review)
    if application.status == Status.SUBMITTED:
        _move(application, "start_review", Status.IN_REVIEW, actor=actor)
    notify("assigned", application, [review.reviewer for review in created])
    record_event(actor=actor, action="application.reviewers_assigned", obj=application,
                 changes={"reviewers": [r.reviewer.display_name for r in created]})
    return created


@service
def conflict_declare(*, actor: User | None, review: Review, conflict: bool,
                     reason: str = "") -> Review:
    """The reviewer's declaration of conflict of interest (jäv), made before scoring. A
    conflicted reviewer neither scores nor sees the others' scores."""
    review = Review.objects.select_for_update().select_related("application").get(pk=review.pk)
    check(can_review(actor, review))
    if review.submitted_at is not None:
        raise ConflictError(_("The assessment is already submitted."), code="review_done")
    if conflict and not reason.strip():
        message = _("Describe the conflict of interest.")
        raise ValidationError(message, fields={"reason": [message]})
    review.conflict, review.conflict_reason = conflict, reason.strip()
    review.save(update_fields=["conflict", "conflict_reason"])
    record_event(actor=actor, action="review.conflict_declared", obj=review,
                 municipality=review.application.municipality,
                 changes={"conflict": conflict, "reason": reason.strip()})
    return review


@service
def review_submit(*, actor: User | None, review: Review, scores: dict[int, int | None],
                  comment: str = "") -> Review:
    """Scores on the scale 1–5 per criterion of the fund (None: not applicable)."""
    review = Review.objects.select_for_update().select_related(
        "application", "application__fund").get(pk=review.pk)
    check(can_review(actor, review))
    if review.conflict is None:
        raise ConflictError(_("Declare first whether you have a conflict of interest."),
                            code="conflict_not_declared")
    if review.conflict:
        raise ConflictError(_("You have declared a conflict of interest and cannot assess "
                              "this application."), code="conflicted")
    if review.application.status not in {Status.SUBMITTED, Status.IN_REVIEW}:
        raise ConflictError(_("The application is no longer in review."),
                            code="illegal_transition")
    criteria = {c.pk: c for c in Criterion.objects.filter(fund_id=review.application.fund_id)}
    if set(scores) != set(criteria):
        raise ValidationError(_("Score every criterion, or mark it not applicable."))
    for value in scores.values():
        if value is not None and not SCORE_MIN <= value <= SCORE_MAX:
            raise ValidationError(_("Scores are from %(low)s to %(high)s.")
                                  % {"low": SCORE_MIN, "high": SCORE_MAX})
    review.scores.all().delete()
    Score.objects.bulk_create([Score(review=review, criterion=criteria[pk], value=value)
                               for pk, value in scores.items()])
    review.comment, review.submitted_at = comment.strip(), timezone.now()
    review.save(update_fields=["comment", "submitted_at"])
    record_event(actor=actor, action="review.submitted", obj=review,
                 municipality=review.application.municipality,
                 changes={"scores": {criteria[pk].name: v for pk, v in scores.items()}})
    return review


@service
def delegated_decisions_report(*, actor: User | None, meeting: Meeting,
                               decisions: Iterable[Decision]) -> int:
    """Report delegated decisions to the body at ``meeting`` (anmälan av
    delegationsbeslut): each is marked reported there, once."""
    check(can_record_decisions(actor, meeting.body.municipality))
    ids = [d.pk for d in decisions]
    rows = Decision.objects.select_for_update().filter(
        pk__in=ids, body=meeting.body, meeting__isnull=True, reported_at__isnull=True)
    count = 0
    for decision in rows:
        decision.reported_at = meeting
        decision.save(update_fields=["reported_at"])
        count += 1
    if count != len(ids):
        raise ConflictError(_("Only the body's own delegated decisions that are not yet "
                              "reported can be reported."), code="already_reported")
    record_event(actor=actor, action="meeting.delegated_decisions_reported", obj=meeting,
                 municipality=meeting.body.municipality, changes={"decisions": ids})
    return count


@service
def attachment_add(*, actor: User | None, application: Application, name: str,
                   content: bytes) -> Attachment:
    """Attach a file to a draft (or an application returned for completion)."""
    application = _lock(application)
    check(can_apply_for(actor, application.unit))
    if application.status not in EDITABLE:
        raise ConflictError(_("Files are attached while the application is a draft or "
                              "returned for completion."), code="illegal_transition")
    if len(content) > MAX_SIZE:
        raise ValidationError(_("The file is larger than 10 MB."),
                              fields={"file": [_("The file is larger than 10 MB.")]})
    kind = sniff(content)
    if kind is None:
        message = _("Attach a PDF, Word (DOCX) or Excel (XLSX) file or a PNG or JPEG image.")
        raise ValidationError(message, fields={"file": [message]})
    safe_name = (name.strip().replace("/", "_").replace("\\", "_") or "bilaga")[:200]
    attachment = Attachment(application=application, name=safe_name, content_type=kind,
                            size=len(content),
                            uploaded_by=actor if actor and actor.pk else None)
    attachment.file.save(f"{application.pk}.{EXTENSIONS[kind]}", ContentFile(content),
                         save=False)
    attachment.save()
    record_event(actor=actor, action="application.attachment_added", obj=application,
                 changes={"file": safe_name, "type": kind, "size": len(content)})
    return attachment
