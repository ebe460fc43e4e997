from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompetensfond.core.errors import DomainError
from kompetensfond.core.forms import add_domain_error, form_page, run_form
from kompetensfond.core.models import User
from kompetensfond.core.permissions import check, municipality_of
from kompetensfond.core.requests import AuthenticatedHttpRequest, own_municipality
from kompetensfond.funds.permissions import can_view_funds
from kompetensfond.funds.selectors import access_fund
from kompetensfond.organisation.selectors import body_list, occupation_choices

from .forms import (
    AdoptForm,
    DelegationForm,
    GuidelineForm,
    PlanForm,
    RoundForm,
    ShortageForm,
    StrategyForm,
    TargetForm,
)
from .models import CostType, Guideline, PlanStatus
from .permissions import can_manage_plans
from .selectors import (
    access_plan,
    delegations_of,
    guideline_of,
    plan_list,
    strategy_list,
    target_progress,
)
from .services import (
    delegation_rule_create,
    guideline_save,
    plan_adopt,
    plan_create,
    plan_new_version,
    plan_set_shortage_occupations,
    round_create,
    strategy_create,
    target_create,
)


def _can_manage(request: AuthenticatedHttpRequest) -> bool:
    municipality = municipality_of(request.user)
    return municipality is not None and bool(can_manage_plans(request.user, municipality))


@login_required
def plan_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    check(can_view_funds(request.user))
    return render(request, "plans/plan_list.html", {
        "plans": plan_list(user=request.user).prefetch_related("strategies"),
        "can_manage": _can_manage(request),
    })


@login_required
def plan_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality = own_municipality(request.user)
    check(can_manage_plans(request.user, municipality))
    form = PlanForm(request.POST or None)
    done = run_form(request, form, lambda data: plan_create(
        actor=request.user, municipality=municipality, **data),
        success=_("The plan has been created as a draft. Add its strategies and targets."),
        next_url=lambda plan: reverse("plans:detail", args=[plan.pk]))
    if done:
        return done
    return form_page(request, form, _("New competence-supply plan"), reverse("plans:list"))


@login_required
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    check(can_view_funds(request.user))
    plan = access_plan(request.user, pk)
    progress = target_progress(plan)
    strategies = list(strategy_list(plan).select_related("continues"))
    for strategy in strategies:
        strategy.progress = progress.get(strategy.pk, [])  # type: ignore[attr-defined]
    can_manage = _can_manage(request)
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "strategies": strategies,
        "shortage": plan.shortage_occupations.all(),
        "can_edit": can_manage and plan.status == PlanStatus.DRAFT,
        "can_new_version": can_manage and plan.status == PlanStatus.ADOPTED,
        "adopt_form": AdoptForm(bodies=body_list(user=request.user)) if can_manage else None,
    })


def _plan_action(request: AuthenticatedHttpRequest, pk: int) -> Any:
    plan = access_plan(request.user, pk)
    check(can_manage_plans(request.user, plan.municipality))
    return plan


@login_required
def strategy_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan_action(request, pk)
    form = StrategyForm(request.POST or None)
    done = run_form(request, form, lambda data: strategy_create(
        actor=request.user, plan=plan, **data),
        success=_("The strategy has been added."),
        next_url=lambda _s: reverse("plans:detail", args=[plan.pk]))
    if done:
        return done
    return form_page(request, form, _("Add strategy"), reverse("plans:detail", args=[plan.pk]))


@login_required
def target_create_view(request: AuthenticatedHttpRequest, pk: int,
                       strategy_pk: int) -> HttpResponse:
    plan = _plan_action(request, pk)
    strategy = get_object_or_404(plan.strategies, pk=strategy_pk)
    form = TargetForm(request.POST or None, occupations=occupation_choices())
    done = run_form(request, form, lambda data: target_create(
        actor=request.user, strategy=strategy, **data),
        success=_("The target has been added."),
        next_url=lambda _t: reverse("plans:detail", args=[plan.pk]))
    if done:
        return done
    return form_page(request, form, _("Add target to %(strategy)s") % {"strategy": strategy},
                      reverse("plans:detail", args=[plan.pk]))


@login_required
def shortage_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan_action(request, pk)
    form = ShortageForm(request.POST or None, occupations=occupation_choices(),
                        initial={"occupations": list(plan.shortage_occupations.all())})
    done = run_form(request, form, lambda data: plan_set_shortage_occupations(
        actor=request.user, plan=plan, occupations=data["occupations"]),
        success=_("The changes have been saved."),
        next_url=lambda _p: reverse("plans:detail", args=[plan.pk]))
    if done:
        return done
    return form_page(request, form, _("Shortage occupations"),
                      reverse("plans:detail", args=[plan.pk]),
                      _("Occupations with too few qualified applicants. Applications for "
                        "other occupations get a warning."))


@login_required
@require_POST
def plan_adopt_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan_action(request, pk)
    form = AdoptForm(request.POST, bodies=body_list(user=request.user))
    if form.is_valid():
        try:
            plan_adopt(actor=request.user, plan=plan, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The plan has been adopted."))
    else:
        messages.error(request, _("Enter the body, the meeting date and the § of the "
                                  "decision."))
    return redirect("plans:detail", plan.pk)


@login_required
@require_POST
def plan_new_version_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan_action(request, pk)
    try:
        draft = plan_new_version(actor=request.user, plan=plan,
                                 title=_("%(title)s (new version)") % {"title": plan.title},
                                 valid_from=plan.valid_from, valid_to=plan.valid_to)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("plans:detail", plan.pk)
    messages.success(request, _("A new draft version has been created."))
    return redirect("plans:detail", draft.pk)


# Guidelines of a fund -------------------------------------------------------------------

@login_required
def guideline_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The fund's guidelines, readable by everyone in the municipality (applicants too)."""
    check(can_view_funds(request.user))
    fund = access_fund(request.user, pk)
    guideline = guideline_of(fund)
    return render(request, "plans/guideline_detail.html", {
        "fund": fund, "guideline": guideline,
        "cost_labels": guideline and [label for value, label in _cost_choices()
                                      if value in guideline.eligible_cost_types],
        "delegations": delegations_of(guideline) if guideline else [],
        "now": timezone.now(), "can_manage": _can_manage(request),
    })


def _cost_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in CostType.choices]


@login_required
def guideline_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fund = access_fund(request.user, pk)
    check(can_manage_plans(request.user, fund.municipality))
    guideline = guideline_of(fund)
    initial: dict[str, Any] = {"eligible_cost_types": [c for c, _l in _cost_choices()],
                               "requires_strategy": True, "min_cofunding_percent": 0}
    if guideline is not None:
        initial = {field: getattr(guideline, field) for field in GuidelineForm.base_fields}
    form = GuidelineForm(request.POST or None, initial=initial,
                         plans=plan_list(user=request.user).exclude(
                             status=PlanStatus.REPLACED),
                         bodies=body_list(user=request.user))
    done = run_form(request, form, lambda data: guideline_save(
        actor=request.user, fund=fund, **data),
        success=_("The changes have been saved."),
        next_url=lambda _g: reverse("plans:guideline", args=[fund.pk]))
    if done:
        return done
    return form_page(request, form, _("Guidelines for %(fund)s") % {"fund": fund.name},
                      reverse("plans:guideline", args=[fund.pk]))


def _managed_guideline(request: AuthenticatedHttpRequest, pk: int) -> tuple[Any, Guideline | None]:
    fund = access_fund(request.user, pk)
    check(can_manage_plans(request.user, fund.municipality))
    guideline = guideline_of(fund)
    if guideline is None:
        messages.error(request, _("Set the fund's guidelines first."))
    return fund, guideline


@login_required
def round_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fund, guideline = _managed_guideline(request, pk)
    if guideline is None:
        return redirect("plans:guideline-edit", fund.pk)
    form = RoundForm(request.POST or None)
    done = run_form(request, form, lambda data: round_create(
        actor=request.user, guideline=guideline, **data),
        success=_("The application round has been added."),
        next_url=lambda _r: reverse("plans:guideline", args=[fund.pk]))
    if done:
        return done
    return form_page(request, form, _("Add application round"),
                      reverse("plans:guideline", args=[fund.pk]))


@login_required
def delegation_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fund, guideline = _managed_guideline(request, pk)
    if guideline is None:
        return redirect("plans:guideline-edit", fund.pk)
    form = DelegationForm(request.POST or None, bodies=body_list(user=request.user),
                          users=User.objects.filter(membership__municipality=fund.municipality)
                          .order_by("last_name", "first_name"))
    if request.method == "POST" and form.is_valid():
        try:
            _rule, warnings = delegation_rule_create(actor=request.user, guideline=guideline,
                                                     **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The delegation has been added."))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("plans:guideline", fund.pk)
    return form_page(request, form, _("Add delegation"),
                      reverse("plans:guideline", args=[fund.pk]),
                      _("Amounts up to the limit may be decided by the delegate; larger "
                        "amounts are decided by the body at a meeting."))

