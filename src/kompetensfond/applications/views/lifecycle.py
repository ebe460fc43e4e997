"""The application page and the life-cycle buttons before a decision."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompetensfond.core.permissions import check
from kompetensfond.core.requests import AuthenticatedHttpRequest
from kompetensfond.ledger.selectors import earmark_available

from ..forms import (
    AssignForm,
    ChangeDecisionForm,
    ConflictForm,
    DecisionForm,
    DelegatedDecisionForm,
    ReasonForm,
    RecommendForm,
    ScoreForm,
)
from ..lifecycle import EDITABLE, IN_REVIEW
from ..models import Application, Criterion, Status
from ..permissions import can_change_application, can_handle, can_view_application
from ..selectors import (
    access_application,
    available_actions,
    findings_for,
    requested_amount,
    review_summary,
)
from ..services import (
    application_recommend,
    application_return,
    application_start_review,
    application_submit,
    application_withdraw,
)
from ._common import act, form_action, reviewers_of


def _frame(application: Application) -> dict[str, Any] | None:
    """The earmark or administration's frame the grant draws on, with what it has left."""
    earmark = application.earmark
    if earmark is None:
        return None
    return {"earmark": earmark, "available": earmark_available(earmark)}


@login_required
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk)
    check(can_view_application(request.user, application))
    municipality = application.municipality
    status = application.status
    can = {t.name: True for t in available_actions(request.user, application)}
    can["edit"] = bool(can_change_application(request.user, application)) and status in EDITABLE
    handles = bool(can_handle(request.user, application))
    today = timezone.localdate()
    events = list(application.events.select_related("actor"))
    return render(request, "applications/application_detail.html", {
        "application": application, "budget": list(application.budget_lines.all()),
        "return_reason": next((e.reason for e in reversed(events)
                               if e.to_status == Status.RETURNED), "")
        if status == Status.RETURNED else "",
        "requested": requested_amount(application),
        "findings": findings_for(application) if status != Status.WITHDRAWN else [],
        "events": events,
        "attachments": application.attachments.all(),
        "decision": getattr(application, "decision", None),
        "can": can, "can_act": any(can.values()), "frame": _frame(application),
        "can_clear_conflicts": handles,
        "reviews": review_summary(application, request.user),
        "assign_form": AssignForm(reviewers=reviewers_of(municipality))
        if handles and status in IN_REVIEW else None,
        "conflict_form": ConflictForm(), "score_form": ScoreForm(
            criteria=Criterion.objects.filter(fund_id=application.fund_id)),
        "reason_form": ReasonForm(), "recommend_form": RecommendForm(prefix="recommend"),
        "decision_form": DecisionForm(prefix="decision", initial={"meeting_date": today}),
        "delegated_form": DelegatedDecisionForm(prefix="delegated"),
        "change_form": ChangeDecisionForm(prefix="change", initial={"on": today}),
    })


@login_required
@require_POST
def submit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return act(request, pk, lambda a: application_submit(actor=request.user, application=a),
               _("The application has been submitted."))


@login_required
@require_POST
def review_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return act(request, pk,
               lambda a: application_start_review(actor=request.user, application=a),
               _("The application is now in review."))


@login_required
@require_POST
def return_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return act(request, pk, lambda a: application_return(
        actor=request.user, application=a, reason=request.POST.get("reason", "")),
        _("The application has been returned for completion."))


@login_required
@require_POST
def withdraw_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return act(request, pk, lambda a: application_withdraw(
        actor=request.user, application=a, reason=request.POST.get("reason", "")),
        _("The application has been withdrawn."))


@login_required
@require_POST
def recommend_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return form_action(request, pk, RecommendForm, lambda a, d: application_recommend(
        actor=request.user, application=a, outcome=d["outcome"], amount=d["amount"],
        reason=d["reason"]), _("The proposed decision has been recorded."), prefix="recommend")
