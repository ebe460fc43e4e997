from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompetensfond.core.errors import DomainError
from kompetensfond.core.forms import form_page, run_form
from kompetensfond.core.money import as_api_string
from kompetensfond.core.permissions import check, municipality_of
from kompetensfond.core.requests import AuthenticatedHttpRequest, own_municipality
from kompetensfond.ledger.permissions import can_view_ledger
from kompetensfond.ledger.selectors import fund_balances, fund_dashboard
from kompetensfond.organisation.selectors import body_list, occupation_choices, org_unit_list
from kompetensfond.plans.models import PlanStatus, Strategy

from .forms import ContributionForm, EarmarkAdjustForm, EarmarkForm, FundForm
from .permissions import can_manage_funds, can_view_funds
from .selectors import (
    access_earmark,
    access_fund,
    capital_by_source,
    contribution_list,
    earmark_list,
    fund_list,
)
from .services import contribution_record, earmark_adjust, earmark_create, fund_close, fund_create


def _can_manage(request: AuthenticatedHttpRequest) -> bool:
    municipality = municipality_of(request.user)
    return municipality is not None and bool(can_manage_funds(request.user, municipality))


@login_required
def fund_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    check(can_view_funds(request.user))
    funds = list(fund_list(user=request.user))
    balances = fund_balances([f.pk for f in funds])
    for fund in funds:
        fund.balance = balances[fund.pk]  # type: ignore[attr-defined]
    return render(request, "funds/fund_list.html", {
        "funds": funds, "can_manage": _can_manage(request),
    })


@login_required
def fund_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality = own_municipality(request.user)
    check(can_manage_funds(request.user, municipality))
    form = FundForm(request.POST or None, bodies=body_list(user=request.user))
    done = run_form(request, form, lambda data: fund_create(
        actor=request.user, municipality=municipality, **data),
        success=_("The fund has been created. Record the decided capital next."),
        next_url=lambda fund: reverse("funds:detail", args=[fund.pk]))
    if done:
        return done
    return form_page(request, form, _("New fund"), reverse("funds:list"),
                     _("The fund's capital is recorded afterwards, one contribution per "
                       "decision."))


def _chart_data(board: Any) -> dict[str, Any]:
    """The burn-down as plain numbers for Chart.js (the same figures as the table)."""
    return {
        "labels": [m.month.strftime("%Y-%m") for m in board.months],
        "series": [
            {"label": _("Capital"), "data": [_num(m.capital) for m in board.months]},
            {"label": _("Available to grant"), "data": [_num(m.available) for m in board.months]},
            {"label": _("Paid"), "data": [_num(m.disbursed) for m in board.months]},
        ],
    }


def _num(value: Any) -> str | None:
    return None if value is None else as_api_string(value)


@login_required
def fund_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    check(can_view_funds(request.user))
    fund = access_fund(request.user, pk)
    today = timezone.localdate()
    board = fund_dashboard(fund, today=today)
    contributions = contribution_list(fund)
    earmarks = list(earmark_list(fund))
    for earmark in earmarks:
        earmark.balance = board.earmarks.get(earmark.pk)  # type: ignore[attr-defined]
    days_left = (fund.end_date - today).days if fund.is_open and today <= fund.end_date else 0
    return render(request, "funds/fund_detail.html", {
        "fund": fund, "board": board, "balance": board.balance,
        "contributions": contributions, "sources": capital_by_source(contributions),
        "earmarks": earmarks, "days_left": days_left, "today": today,
        "months": [m for m in board.months if m.capital is not None],
        "chart": _chart_data(board),
        "can_manage": _can_manage(request) and fund.is_open,
        "can_view_ledger": bool(can_view_ledger(request.user)),
    })


@login_required
def contribution_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fund = access_fund(request.user, pk)
    check(can_manage_funds(request.user, fund.municipality))
    form = ContributionForm(request.POST or None, bodies=body_list(user=request.user),
                            initial={"on": timezone.localdate()})
    done = run_form(request, form, lambda data: contribution_record(
        actor=request.user, fund=fund, **data),
        success=_("The contribution has been recorded."),
        next_url=lambda _c: reverse("funds:detail", args=[fund.pk]))
    if done:
        return done
    return form_page(request, form, _("Record a contribution"),
                     reverse("funds:detail", args=[fund.pk]),
                     _("Money put into the fund by a decision: the first contribution or a "
                       "top-up. Give the decision exactly as in the minutes."), fund=fund)


@login_required
def earmark_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fund = access_fund(request.user, pk)
    check(can_manage_funds(request.user, fund.municipality))
    form = EarmarkForm(request.POST or None, initial={"on": timezone.localdate()},
                       administrations=org_unit_list(user=request.user).filter(depth=0),
                       occupations=occupation_choices(),
                       strategies=Strategy.objects.filter(
                           plan__municipality=fund.municipality).exclude(
                           plan__status=PlanStatus.REPLACED).select_related("plan"))
    done = run_form(request, form, lambda data: earmark_create(
        actor=request.user, fund=fund, **data),
        success=_("The earmark has been created."),
        next_url=lambda _e: reverse("funds:detail", args=[fund.pk]))
    if done:
        return done
    return form_page(request, form, _("Earmark money"), reverse("funds:detail", args=[fund.pk]),
                     _("An earmark sets part of the fund aside for a purpose, an "
                       "administration (a frame) or some occupations. The money comes from "
                       "what is not yet earmarked."),
                     fund=fund, balance=fund_balances([fund.pk])[fund.pk])


@login_required
def earmark_adjust_view(request: AuthenticatedHttpRequest, pk: int,
                        earmark_pk: int) -> HttpResponse:
    fund = access_fund(request.user, pk)
    earmark = access_earmark(fund, earmark_pk)
    check(can_manage_funds(request.user, fund.municipality))
    form = EarmarkAdjustForm(request.POST or None,
                             initial={"on": timezone.localdate(), "direction": "add"})
    done = run_form(request, form, lambda data: earmark_adjust(
        actor=request.user, earmark=earmark, amount=data["amount"],
        release=data["direction"] == "release", on=data["on"]),
        success=_("The earmark has been changed."),
        next_url=lambda _e: reverse("funds:detail", args=[fund.pk]))
    if done:
        return done
    board = fund_dashboard(fund, today=timezone.localdate())
    return form_page(request, form, _("Change the earmark %(name)s") % {"name": earmark.name},
                     reverse("funds:detail", args=[fund.pk]), fund=fund, earmark=earmark,
                     balance=board.balance, earmark_balance=board.earmarks.get(earmark.pk))


@login_required
@require_POST
def fund_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fund = access_fund(request.user, pk)
    try:
        fund_close(actor=request.user, fund=fund)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The fund has been closed. Grants already made can still "
                                    "be paid."))
    return redirect("funds:detail", fund.pk)
