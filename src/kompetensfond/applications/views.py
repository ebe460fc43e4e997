from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kompetensfond.core.errors import DomainError
from kompetensfond.core.forms import add_domain_error, run_form
from kompetensfond.core.models import Role, User
from kompetensfond.core.permissions import check, deny, has_role, municipality_of
from kompetensfond.funds.models import Earmark, FundStatus
from kompetensfond.funds.permissions import can_view_funds
from kompetensfond.funds.selectors import access_fund, fund_list
from kompetensfond.ledger.permissions import can_view_ledger
from kompetensfond.organisation.models import OrgUnit
from kompetensfond.organisation.selectors import (
    body_list,
    occupation_choices,
    org_unit_list,
    visible_unit_paths,
)
from kompetensfond.plans.checks import ApplicationData, BudgetLine, guideline_check
from kompetensfond.plans.models import PlanStatus, Strategy
from kompetensfond.plans.selectors import guideline_of, rules_of

from .documents import decision_basis_pdf, minutes_extract_pdf
from .files import MAX_SIZE
from .forms import (
    ApplicationForm,
    AssignForm,
    BudgetFormSet,
    ConflictForm,
    CriterionForm,
    DecisionForm,
    DelegatedDecisionForm,
    MeetingForm,
    ReasonForm,
    RecommendForm,
    ScoreForm,
)
from .lifecycle import EDITABLE, allowed
from .models import Application, Criterion, Decision, Review, Status
from .permissions import (
    can_apply_for,
    can_handle_applications,
    can_record_decisions,
    can_view_application,
)
from .selectors import (
    access_application,
    application_list,
    findings_for,
    meeting_agenda,
    meeting_list,
    ranking,
    review_summary,
    unreported_delegated_decisions,
)
from .services import (
    Line,
    application_create,
    application_recommend,
    application_return,
    application_start_review,
    application_submit,
    application_update,
    application_withdraw,
    attachment_add,
    conflict_declare,
    criterion_create,
    decision_record,
    decision_record_delegated,
    delegated_decisions_report,
    meeting_create,
    review_submit,
    reviewers_assign,
)


def _units(request: HttpRequest) -> QuerySet[OrgUnit]:
    units = org_unit_list(user=request.user)
    if has_role(request.user, Role.FUND_ADMIN):
        return units
    paths = visible_unit_paths(request.user) or []
    ids = [u.pk for u in units if any(u.path.startswith(p) for p in paths)]
    return units.filter(pk__in=ids)


def _application_form(request: HttpRequest, data: Any = None,
                      initial: Any = None) -> ApplicationForm:
    municipality = municipality_of(request.user)
    return ApplicationForm(
        data, initial=initial,
        funds=fund_list(user=request.user).filter(status=FundStatus.OPEN),
        units=_units(request),
        strategies=Strategy.objects.filter(plan__municipality=municipality,
                                           plan__status=PlanStatus.ADOPTED),
        occupations=occupation_choices(),
        earmarks=Earmark.objects.filter(fund__municipality=municipality,
                                        fund__status=FundStatus.OPEN).select_related("fund"))


def _lines(formset: Any) -> list[Line]:
    return [Line(f.cleaned_data["cost_type"], f.cleaned_data["year"], f.cleaned_data["amount"])
            for f in formset.forms if f.cleaned_data.get("cost_type")]


@login_required
def application_list_view(request: HttpRequest) -> HttpResponse:
    check(can_view_funds(request.user))
    status = request.GET.get("status", "")
    applications = application_list(user=request.user,
                                    status=status if status in Status.values else "")
    return render(request, "applications/application_list.html", {
        "applications": applications.prefetch_related("budget_lines"),
        "statuses": Status.choices, "status": status,
        "can_apply": has_role(request.user, Role.FUND_ADMIN, Role.UNIT_MANAGER),
    })


def _save_application(request: HttpRequest, application: Application | None) -> HttpResponse:
    initial = None
    budget_initial = None
    if application is not None:
        initial = {"fund": application.fund_id, "unit": application.unit_id,
                   "title": application.title, "purpose": application.purpose,
                   "expected_effect": application.expected_effect,
                   "strategies": list(application.strategies.all()),
                   "occupations": list(application.occupations.all()),
                   "start_date": application.start_date, "end_date": application.end_date,
                   "participants_women": application.participants_women,
                   "participants_men": application.participants_men,
                   "participants_other": application.participants_other,
                   "cofunding": application.cofunding, "earmark": application.earmark_id,
                   "employee_numbers": "\n".join(application.named_participants.values_list(
                       "employee_number", flat=True))}
        budget_initial = [{"cost_type": b.cost_type, "year": b.year, "amount": b.amount}
                          for b in application.budget_lines.all()]
    form = _application_form(request, request.POST or None, initial=initial)
    formset = BudgetFormSet(request.POST or None, initial=budget_initial, prefix="budget")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        fund, unit = data.pop("fund"), data.pop("unit")
        data["cofunding"] = data.get("cofunding") or 0
        try:
            if application is None:
                application = application_create(actor=request.user, fund=fund, unit=unit,  # type: ignore[arg-type]
                                                 lines=_lines(formset), **data)
            else:
                application_update(actor=request.user, application=application,  # type: ignore[arg-type]
                                   lines=_lines(formset), **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The application has been saved as a draft. Submit "
                                        "it when it is complete."))
            return redirect("applications:detail", application.pk)
    return render(request, "applications/application_form.html", {
        "form": form, "formset": formset, "application": application})


@login_required
def application_create_view(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.FUND_ADMIN, Role.UNIT_MANAGER):
        check(deny(_("Only managers and the fund's case officers apply for money.")))
    return _save_application(request, None)


@login_required
def application_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk)
    check(can_apply_for(request.user, application.unit))
    if application.status not in EDITABLE:
        messages.error(request, _("Only a draft or an application returned for completion "
                                  "can be changed."))
        return redirect("applications:detail", application.pk)
    return _save_application(request, application)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk)
    check(can_view_application(request.user, application))
    municipality = application.municipality
    status = application.status
    can_apply = bool(can_apply_for(request.user, application.unit))
    can_handle = bool(can_handle_applications(request.user, municipality))
    can_decide = bool(can_record_decisions(request.user, municipality))
    budget = list(application.budget_lines.all())
    decision = getattr(application, "decision", None)
    return render(request, "applications/application_detail.html", {
        "application": application, "budget": budget,
        "requested": sum((b.amount for b in budget), 0),
        "findings": findings_for(application) if status not in {Status.WITHDRAWN} else [],
        "events": application.events.select_related("actor"),
        "attachments": application.attachments.all(),
        "decision": decision,
        "can_edit": can_apply and status in EDITABLE,
        "can_submit": can_apply and allowed("submit", status),
        "can_withdraw": can_apply and allowed("withdraw", status),
        "can_review": can_handle and allowed("start_review", status),
        "can_return": can_handle and allowed("return", status),
        "can_recommend": can_handle and allowed("recommend", status),
        "can_decide": can_decide and allowed("decide", status),
        "can_decide_delegated": allowed("decide", status)
        and has_role(request.user, Role.FUND_ADMIN, Role.SECRETARY, Role.UNIT_MANAGER),
        "reviews": review_summary(application, request.user),
        "assign_form": AssignForm(reviewers=_reviewers(municipality))
        if can_handle and status in {Status.SUBMITTED, Status.IN_REVIEW} else None,
        "conflict_form": ConflictForm(), "score_form": ScoreForm(
            criteria=Criterion.objects.filter(fund_id=application.fund_id)),
        "reason_form": ReasonForm(), "recommend_form": RecommendForm(prefix="recommend"),
        "decision_form": DecisionForm(prefix="decision",
                                      initial={"meeting_date": timezone.localdate()}),
        "delegated_form": DelegatedDecisionForm(prefix="delegated"),
    })


def _act(request: HttpRequest, pk: int, action: Any, success: str) -> HttpResponse:
    application = access_application(request.user, pk)
    try:
        action(application)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("applications:detail", application.pk)


@login_required
@require_POST
def submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda a: application_submit(actor=request.user, application=a),  # type: ignore[arg-type]
                _("The application has been submitted."))


@login_required
@require_POST
def review_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk,
                lambda a: application_start_review(actor=request.user, application=a),  # type: ignore[arg-type]
                _("The application is now in review."))


@login_required
@require_POST
def return_view(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(request, pk, lambda a: application_return(actor=request.user, application=a,  # type: ignore[arg-type]
                                                          reason=reason),
                _("The application has been returned for completion."))


@login_required
@require_POST
def withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(request, pk, lambda a: application_withdraw(actor=request.user, application=a,  # type: ignore[arg-type]
                                                            reason=reason),
                _("The application has been withdrawn."))


def _form_action(request: HttpRequest, pk: int, form_class: Any, action: Any,
                 success: str, prefix: str | None = None) -> HttpResponse:
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        application = access_application(request.user, pk)
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("applications:detail", application.pk)
    return _act(request, pk, lambda a: action(a, form.cleaned_data), success)


@login_required
@require_POST
def recommend_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_action(request, pk, RecommendForm, lambda a, d: application_recommend(
        actor=request.user, application=a, outcome=d["outcome"], amount=d["amount"],  # type: ignore[arg-type]
        reason=d["reason"]), _("The proposed decision has been recorded."), prefix="recommend")


@login_required
@require_POST
def decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(application: Application, data: dict[str, Any]) -> Any:
        with transaction.atomic():  # no meeting is left behind by a refused decision
            return _decide_at_meeting(application, data)

    def _decide_at_meeting(application: Application, data: dict[str, Any]) -> Any:
        meeting = meeting_create(actor=request.user, body=application.fund.owning_body,  # type: ignore[arg-type]
                                 on=data["meeting_date"])
        return decision_record(actor=request.user, application=application, meeting=meeting,  # type: ignore[arg-type]
                               outcome=data["outcome"], amount=data["amount"],
                               conditions=data["conditions"], reason=data["reason"],
                               case_number=data["case_number"])

    return _form_action(request, pk, DecisionForm, decide, _("The decision has been recorded."),
                        prefix="decision")


@login_required
@require_POST
def decide_delegated_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_action(request, pk, DelegatedDecisionForm, lambda a, d: decision_record_delegated(
        actor=request.user, application=a, outcome=d["outcome"], amount=d["amount"],  # type: ignore[arg-type]
        conditions=d["conditions"], reason=d["reason"], case_number=d["case_number"]),
        _("The delegated decision has been recorded."), prefix="delegated")



def _reviewers(municipality: Any) -> QuerySet[Any]:
    return (User.objects.filter(membership__municipality=municipality,
                                membership__roles__role__in=[Role.REVIEWER])
            .distinct().order_by("last_name", "first_name"))


@login_required
@require_POST
def assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk)
    form = AssignForm(request.POST, reviewers=_reviewers(application.municipality))
    if not form.is_valid():
        messages.error(request, _("Choose at least one reviewer."))
        return redirect("applications:detail", application.pk)
    return _act(request, pk, lambda a: reviewers_assign(
        actor=request.user, application=a, reviewers=form.cleaned_data["reviewers"]),  # type: ignore[arg-type]
        _("The reviewers have been assigned."))


def _own_review(request: HttpRequest, pk: int) -> Review:
    application = access_application(request.user, pk)
    return get_object_or_404(application.reviews, reviewer_id=request.user.pk)


@login_required
@require_POST
def conflict_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    return _form_action(request, pk, ConflictForm, lambda a, d: conflict_declare(
        actor=request.user, review=review, conflict=d["conflict"],  # type: ignore[arg-type]
        reason=d["reason"]), _("Your declaration has been saved."))


@login_required
@require_POST
def score_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    form = ScoreForm(request.POST,
                     criteria=Criterion.objects.filter(fund_id=review.application.fund_id))
    if not form.is_valid():
        messages.error(request, _("Score every criterion, or mark it not applicable."))
        return redirect("applications:detail", review.application_id)
    return _act(request, pk, lambda a: review_submit(
        actor=request.user, review=review, scores=form.scores(),  # type: ignore[arg-type]
        comment=form.cleaned_data["comment"]), _("Your assessment has been saved."))


@login_required
def criteria_view(request: HttpRequest, pk: int) -> HttpResponse:
    fund = access_fund(request.user, pk)
    check(can_view_funds(request.user))
    can_manage = bool(can_handle_applications(request.user, fund.municipality))
    form = CriterionForm(request.POST or None)
    if request.method == "POST":
        check(can_handle_applications(request.user, fund.municipality))
        done = run_form(request, form, lambda d: criterion_create(
            actor=request.user, fund=fund, name=d["name"], weight=d["weight"]),  # type: ignore[arg-type]
            success=_("The criterion has been added."),
            next_url=lambda _c: reverse("applications:criteria", args=[fund.pk]))
        if done:
            return done
    return render(request, "applications/criteria.html", {
        "fund": fund, "criteria": Criterion.objects.filter(fund=fund), "form": form,
        "can_manage": can_manage})


@login_required
def ranking_view(request: HttpRequest, pk: int) -> HttpResponse:
    fund = access_fund(request.user, pk)
    check(can_view_ledger(request.user))
    rows, available = ranking(fund)
    return render(request, "applications/ranking.html", {
        "fund": fund, "rows": rows, "available": available})


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def minutes_extract_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk)
    check(can_view_application(request.user, application))
    decision = get_object_or_404(Decision.objects.select_related(
        "body", "meeting", "delegate", "application__unit", "application__fund"),
        application=application)
    name = (f"protokollsutdrag-{decision.decided_on.year}-{decision.paragraph}.pdf"
            if decision.paragraph else f"delegationsbeslut-{application.pk}.pdf")
    return _pdf_response(minutes_extract_pdf(decision), name)


@login_required
def meeting_list_view(request: HttpRequest) -> HttpResponse:
    check(can_view_ledger(request.user))
    return render(request, "applications/meeting_list.html", {
        "meetings": meeting_list(user=request.user),
        "can_record": bool(can_record_decisions(request.user, municipality_of(request.user))),  # type: ignore[arg-type]
        "form": MeetingForm(bodies=body_list(user=request.user)),
    })


@login_required
@require_POST
def meeting_create_view(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST, bodies=body_list(user=request.user))
    if not form.is_valid():
        messages.error(request, _("Choose the body and the date of the meeting."))
        return redirect("applications:meetings")
    try:
        meeting = meeting_create(actor=request.user, body=form.cleaned_data["body"],  # type: ignore[arg-type]
                                 on=form.cleaned_data["date"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("applications:meetings")
    return redirect("applications:meeting", meeting.pk)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check(can_view_ledger(request.user))
    meeting = get_object_or_404(meeting_list(user=request.user), pk=pk)
    return render(request, "applications/meeting_detail.html", {
        "meeting": meeting, "agenda": meeting_agenda(meeting),
        "decisions": meeting.decisions.select_related("application").order_by("paragraph"),
        "unreported": unreported_delegated_decisions(meeting),
        "reported": meeting.reported_decisions.select_related("application"),
        "can_record": bool(can_record_decisions(request.user, meeting.body.municipality)),
    })


@login_required
def decision_basis_view(request: HttpRequest, pk: int) -> HttpResponse:
    check(can_view_ledger(request.user))
    meeting = get_object_or_404(meeting_list(user=request.user), pk=pk)
    return _pdf_response(decision_basis_pdf(meeting, meeting_agenda(meeting)),
                         f"beslutsunderlag-{meeting.date.isoformat()}.pdf")


@login_required
@require_POST
def report_delegated_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(meeting_list(user=request.user), pk=pk)
    decisions = list(unreported_delegated_decisions(meeting).filter(
        pk__in=request.POST.getlist("decisions")))
    if not decisions:
        messages.error(request, _("Choose the delegated decisions to report."))
        return redirect("applications:meeting", meeting.pk)
    try:
        count = delegated_decisions_report(actor=request.user, meeting=meeting,  # type: ignore[arg-type]
                                           decisions=decisions)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ngettext("%(count)s delegated decision has been reported.",
                                           "%(count)s delegated decisions have been reported.",
                                           count) % {"count": count})
    return redirect("applications:meeting", meeting.pk)


@login_required
@require_POST
def attachment_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return redirect("applications:detail", application.pk)
    if upload.size and upload.size > MAX_SIZE:
        messages.error(request, _("The file is larger than 10 MB."))
        return redirect("applications:detail", application.pk)
    return _act(request, pk, lambda a: attachment_add(
        actor=request.user, application=a, name=upload.name or "",  # type: ignore[arg-type]
        content=upload.read()), _("The file has been attached."))


@login_required
def attachment_download_view(request: HttpRequest, pk: int,
                             attachment_pk: int) -> FileResponse:
    application = access_application(request.user, pk)
    check(can_view_application(request.user, application))
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                        as_attachment=True, filename=attachment.name)


@login_required
@require_POST
def live_check_view(request: HttpRequest) -> HttpResponse:
    """The guideline findings for the application form as it is filled in (htmx): nothing
    is saved."""
    form = _application_form(request, request.POST)
    formset = BudgetFormSet(request.POST, prefix="budget")
    form.is_valid()
    formset.is_valid()
    data = getattr(form, "cleaned_data", {})
    fund = data.get("fund")
    findings: list[Any] = []
    if fund is not None and (guideline := guideline_of(fund)) is not None:
        lines = [BudgetLine(f.cleaned_data["cost_type"], f.cleaned_data["amount"])
                 for f in formset.forms
                 if getattr(f, "cleaned_data", None) and f.cleaned_data.get("cost_type")
                 and f.cleaned_data.get("amount")]
        application = ApplicationData(
            budget=lines,
            participants=len(data.get("employee_numbers") or []) or sum(data.get(k) or 0 for k in (
                "participants_women", "participants_men", "participants_other")),
            cofunding=data.get("cofunding") or Decimal("0.00"),
            strategy_ids=[s.pk for s in data.get("strategies") or []],
            occupation_codes=[o.ssyk_code for o in data.get("occupations") or []])
        findings = guideline_check(rules_of(guideline), application)
    return render(request, "applications/_findings.html",
                  {"findings": findings, "checked": fund is not None})
