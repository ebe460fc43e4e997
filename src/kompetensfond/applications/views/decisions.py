"""Decisions from the application page: the body's at a meeting by date, a delegate's,
a change of the granted amount, and the minutes extract."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompetensfond.core.permissions import check
from kompetensfond.core.requests import AuthenticatedHttpRequest

from ..documents import minutes_extract_pdf
from ..forms import ChangeDecisionForm, DecisionForm, DelegatedDecisionForm
from ..models import Application, Decision
from ..permissions import can_view_application
from ..selectors import access_application
from ..services import decision_change, decision_record_at_meeting, decision_record_delegated
from ._common import form_action, pdf_response


@login_required
@require_POST
def decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def decide(application: Application, data: dict[str, Any]) -> Decision:
        return decision_record_at_meeting(
            actor=request.user, application=application, on=data["meeting_date"],
            outcome=data["outcome"], amount=data["amount"], conditions=data["conditions"],
            reason=data["reason"], case_number=data["case_number"],
            paragraph=data["paragraph"])

    return form_action(request, pk, DecisionForm, decide, _("The decision has been recorded."),
                       prefix="decision")


@login_required
@require_POST
def decide_delegated_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return form_action(request, pk, DelegatedDecisionForm, lambda a, d: decision_record_delegated(
        actor=request.user, application=a, outcome=d["outcome"], amount=d["amount"],
        conditions=d["conditions"], reason=d["reason"], case_number=d["case_number"]),
        _("The delegated decision has been recorded."), prefix="delegated")


@login_required
@require_POST
def change_decision_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return form_action(request, pk, ChangeDecisionForm, lambda a, d: decision_change(
        actor=request.user, application=a, amount=d["amount"], reason=d["reason"],
        on=d["on"]), _("The granted amount has been changed, and the fund with it."),
        prefix="change")


@login_required
def minutes_extract_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk)
    check(can_view_application(request.user, application))
    decision = get_object_or_404(Decision.objects.select_related(
        "body", "meeting", "delegate", "application__unit", "application__fund"),
        application=application)
    name = (f"protokollsutdrag-{decision.decided_on.year}-{decision.paragraph}.pdf"
            if decision.paragraph else f"delegationsbeslut-{application.pk}.pdf")
    return pdf_response(minutes_extract_pdf(decision), name)
