"""Drafting pages: the list, the application form (create and change) with live guideline
findings, and attachments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompetensfond.core.errors import DomainError
from kompetensfond.core.forms import add_domain_error
from kompetensfond.core.models import Role
from kompetensfond.core.permissions import check, deny, has_role, municipality_of
from kompetensfond.core.requests import AuthenticatedHttpRequest
from kompetensfond.core.uploads import upload_too_large
from kompetensfond.funds.models import Earmark, FundStatus
from kompetensfond.funds.selectors import fund_list
from kompetensfond.organisation.models import Employee, OrgUnit
from kompetensfond.organisation.selectors import (
    occupation_choices,
    org_unit_list,
    subtree_q,
    visible_unit_paths,
)
from kompetensfond.plans.checks import ApplicationData, BudgetLine, guideline_check
from kompetensfond.plans.models import PlanStatus, Strategy
from kompetensfond.plans.selectors import guideline_of, rules_of

from ..files import MAX_SIZE
from ..forms import ApplicationForm, BudgetFormSet, budget_lines
from ..lifecycle import EDITABLE
from ..models import Application
from ..permissions import can_apply_for, can_view_application
from ..selectors import access_application
from ..services import Line, application_create, application_update, attachment_add
from ._common import act


def _units(request: AuthenticatedHttpRequest) -> QuerySet[OrgUnit]:
    units = org_unit_list(user=request.user)
    if has_role(request.user, Role.FUND_ADMIN):
        return units
    return units.filter(subtree_q(visible_unit_paths(request.user) or [], field=""))


def _staff_of(units: QuerySet[OrgUnit], unit_id: Any) -> QuerySet[Employee]:
    """The active staff of the chosen unit's subtree, if the user may apply for the unit;
    none before a unit is chosen."""
    unit = units.filter(pk=unit_id).first() if str(unit_id or "").isdigit() else None
    if unit is None:
        return Employee.objects.none()
    today = timezone.localdate()
    return (Employee.objects.filter(municipality_id=unit.municipality_id,
                                    unit__path__startswith=unit.path)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .select_related("occupation").order_by("last_name", "first_name", "pk"))


def _application_form(request: AuthenticatedHttpRequest, data: Any = None,
                      initial: Any = None) -> ApplicationForm:
    municipality = municipality_of(request.user)
    today = timezone.localdate()
    units = _units(request)
    unit_id = (data.get("unit") if data is not None else None) or (initial or {}).get("unit")
    return ApplicationForm(
        data, initial=initial, staff=_staff_of(units, unit_id),
        # funds in use today: open, with a period that includes today
        funds=fund_list(user=request.user).filter(status=FundStatus.OPEN,
                                                  start_date__lte=today, end_date__gte=today),
        units=units,
        strategies=Strategy.objects.filter(plan__municipality=municipality,
                                           plan__status=PlanStatus.ADOPTED),
        occupations=occupation_choices(),
        earmarks=Earmark.objects.filter(fund__municipality=municipality,
                                        fund__status=FundStatus.OPEN).select_related("fund"))


def _lines(formset: Any) -> list[Line]:
    return [Line(cost_type, year, amount) for cost_type, year, amount in budget_lines(formset)]


def _initial(application: Application) -> dict[str, Any]:
    return {"fund": application.fund_id, "unit": application.unit_id,
            "title": application.title, "purpose": application.purpose,
            "expected_effect": application.expected_effect,
            "strategies": list(application.strategies.all()),
            "occupations": list(application.occupations.all()),
            "start_date": application.start_date, "end_date": application.end_date,
            "participants_women": application.participants_women,
            "participants_men": application.participants_men,
            "participants_other": application.participants_other,
            "cofunding": application.cofunding, "earmark": application.earmark_id,
            "participants": list(application.named_participants.all())}


def _save_application(request: AuthenticatedHttpRequest,
                      application: Application | None) -> HttpResponse:
    initial = budget_initial = None
    if application is not None:
        initial = _initial(application)
        budget_initial = [{"cost_type": b.cost_type, "year": b.year, "amount": b.amount}
                          for b in application.budget_lines.all()]
    form = _application_form(request, request.POST or None, initial=initial)
    formset = BudgetFormSet(request.POST or None, initial=budget_initial, prefix="budget")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        fund, unit = data.pop("fund"), data.pop("unit")
        data["employee_numbers"] = [e.employee_number for e in data.pop("participants")]
        data["cofunding"] = data.get("cofunding") or 0
        try:
            if application is None:
                application = application_create(actor=request.user, fund=fund, unit=unit,
                                                 lines=_lines(formset), **data)
            else:
                application_update(actor=request.user, application=application,
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
def application_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.FUND_ADMIN, Role.UNIT_MANAGER):
        check(deny(_("Only managers and the fund's case officers apply for money.")))
    return _save_application(request, None)


@login_required
def application_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk)
    check(can_apply_for(request.user, application.unit))
    if application.status not in EDITABLE:
        messages.error(request, _("Only a draft or an application returned for completion "
                                  "can be changed."))
        return redirect("applications:detail", application.pk)
    return _save_application(request, application)


@login_required
@require_POST
def live_check_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The guideline findings for the application form as it is filled in (htmx): nothing
    is saved."""
    form = _application_form(request, request.POST)
    formset = BudgetFormSet(request.POST, prefix="budget")
    form.is_valid()
    formset.is_valid()
    data = getattr(form, "cleaned_data", {})
    fund = data.get("fund")
    findings: list[Any] = []
    lines = [BudgetLine(cost_type, amount) for cost_type, _year, amount in budget_lines(formset)]
    participants = len(data.get("participants") or []) or sum(
        data.get(k) or 0 for k in ("participants_women", "participants_men",
                                   "participants_other"))
    cofunding = data.get("cofunding") or Decimal("0.00")
    requested = sum((line.amount for line in lines), Decimal("0.00"))
    total = requested + cofunding
    summary = {"requested": requested, "cofunding": cofunding, "total": total,
               "share": (cofunding * 100 / total).quantize(Decimal("0.1")) if total else None,
               "per_participant": (requested / participants).quantize(Decimal("0.01"))
               if participants else None}
    if fund is not None and (guideline := guideline_of(fund)) is not None:
        application = ApplicationData(
            budget=lines,
            participants=participants,
            cofunding=cofunding,
            strategy_ids=[s.pk for s in data.get("strategies") or []],
            occupation_codes=[o.ssyk_code for o in data.get("occupations") or []])
        findings = guideline_check(rules_of(guideline), application)
    return render(request, "applications/_findings.html",
                  {"findings": findings, "checked": fund is not None, "summary": summary})


@login_required
def participants_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The participant picker for the unit chosen in the form (htmx), keeping the ticks of
    employees still in the unit."""
    form = _application_form(request, request.GET)
    return render(request, "applications/_participants.html", {"field": form["participants"]})


@login_required
@require_POST
def attachment_upload_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk)
    if upload_too_large(request):
        messages.error(request, _("The file is larger than 10 MB."))
        return redirect("applications:detail", application.pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return redirect("applications:detail", application.pk)
    if upload.size and upload.size > MAX_SIZE:
        messages.error(request, _("The file is larger than 10 MB."))
        return redirect("applications:detail", application.pk)
    return act(request, pk, lambda a: attachment_add(
        actor=request.user, application=a, name=upload.name or "", content=upload.read()),
        _("The file has been attached."))


@login_required
def attachment_download_view(request: AuthenticatedHttpRequest, pk: int,
                             attachment_pk: int) -> FileResponse:
    application = access_application(request.user, pk)
    check(can_view_application(request.user, application))
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                        as_attachment=True, filename=attachment.name)
