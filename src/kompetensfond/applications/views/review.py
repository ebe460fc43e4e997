"""Review pages: reviewers assigned, conflicts declared (and lifted by a case officer),
scores, the fund's criteria and its ranking."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompetensfond.core.forms import run_form
from kompetensfond.core.permissions import check
from kompetensfond.core.requests import AuthenticatedHttpRequest, query_without
from kompetensfond.funds.permissions import can_view_funds
from kompetensfond.funds.selectors import access_fund
from kompetensfond.ledger.permissions import can_view_ledger

from ..forms import (
    AssignForm,
    ConflictForm,
    CriterionForm,
    PortfolioForm,
    ReasonForm,
    ScoreForm,
)
from ..models import Criterion, Review
from ..permissions import can_handle_applications
from ..portfolio import propose
from ..selectors import (
    PORTFOLIO_COSTS_UP_TO,
    access_application,
    portfolio_input,
    ranking,
)
from ..services import (
    conflict_clear,
    conflict_declare,
    criterion_create,
    review_submit,
    reviewers_assign,
)
from ._common import act, form_action, reviewers_of

RANKING_PAGE = 100


@login_required
@require_POST
def assign_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk)
    form = AssignForm(request.POST, reviewers=reviewers_of(application.municipality))
    if not form.is_valid():
        messages.error(request, _("Choose at least one reviewer."))
        return redirect("applications:detail", application.pk)
    return act(request, pk, lambda a: reviewers_assign(
        actor=request.user, application=a, reviewers=form.cleaned_data["reviewers"],
        due_date=form.cleaned_data["due_date"]),
        _("The reviewers have been assigned."))


def _own_review(request: AuthenticatedHttpRequest, pk: int) -> Review:
    application = access_application(request.user, pk)
    return get_object_or_404(application.reviews, reviewer_id=request.user.pk)


@login_required
@require_POST
def conflict_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    return form_action(request, pk, ConflictForm, lambda a, d: conflict_declare(
        actor=request.user, review=review, conflict=d["conflict"], reason=d["reason"]),
        _("Your declaration has been saved."))


@login_required
@require_POST
def conflict_clear_view(request: AuthenticatedHttpRequest, pk: int,
                        review_pk: int) -> HttpResponse:
    application = access_application(request.user, pk)
    review = get_object_or_404(application.reviews, pk=review_pk)
    return form_action(request, pk, ReasonForm, lambda a, d: conflict_clear(
        actor=request.user, review=review, reason=d["reason"]),
        _("The declaration of conflict of interest has been lifted."),
        prefix=f"clear-{review.pk}")


@login_required
@require_POST
def score_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    form = ScoreForm(request.POST,
                     criteria=Criterion.objects.filter(fund_id=review.application.fund_id))
    if not form.is_valid():
        messages.error(request, _("Score every criterion, or mark it not applicable."))
        return redirect("applications:detail", review.application_id)
    return act(request, pk, lambda a: review_submit(
        actor=request.user, review=review, scores=form.scores(),
        comment=form.cleaned_data["comment"]), _("Your assessment has been saved."))


@login_required
def criteria_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fund = access_fund(request.user, pk)
    check(can_view_funds(request.user))
    can_manage = bool(can_handle_applications(request.user, fund.municipality))
    form = CriterionForm(request.POST or None)
    if request.method == "POST":
        check(can_handle_applications(request.user, fund.municipality))
        done = run_form(request, form, lambda d: criterion_create(
            actor=request.user, fund=fund, name=d["name"], weight=d["weight"]),
            success=_("The criterion has been added."),
            next_url=lambda _c: reverse("applications:criteria", args=[fund.pk]))
        if done:
            return done
    return render(request, "applications/criteria.html", {
        "fund": fund, "criteria": Criterion.objects.filter(fund=fund), "form": form,
        "can_manage": can_manage})


@login_required
def ranking_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fund = access_fund(request.user, pk)
    check(can_view_ledger(request.user))
    rows, available = ranking(fund)
    # the running total is over the whole ranking; the page shows it RANKING_PAGE at a time
    page = Paginator(rows, RANKING_PAGE).get_page(request.GET.get("page"))
    form = PortfolioForm(request.GET if "propose" in request.GET else None)
    context: dict[str, Any] = {"fund": fund, "rows": page.object_list, "page": page,
                               "available": available, "portfolio_form": form,
                               "query": query_without(request, "page")}
    if form.is_bound and form.is_valid():
        context["proposal"] = portfolio_view_model(fund, form.cleaned_data)
    return render(request, "applications/ranking.html", context)


def portfolio_view_model(fund: Any, options: dict[str, Any]) -> dict[str, Any]:
    """The optimiser's proposal for the ranking page (and the API): the grants with their
    applications, what each rule costs, the greedy ranking beside it."""
    candidates, rules, labels, applications = portfolio_input(fund, options)
    proposal = propose(candidates, rules, with_costs=bool(options.get("costs"))
                       and len(candidates) <= PORTFOLIO_COSTS_UP_TO)
    scores = {c.key: c for c in candidates}
    return {
        "proposal": proposal,
        "grants": [(applications[key], scores[key], amount)
                   for key, amount in sorted(proposal.grants.items(),
                                             key=lambda kv: -scores[kv[0]].score)],
        "costs": [(labels.get(c.rule, c.rule), c) for c in proposal.costs],
        "conflicts": [labels.get(key, key) for key in proposal.conflicts],
        "greedy_breaks": [labels.get(key, key) for key in proposal.greedy_breaks],
        "greedy_total": sum(proposal.greedy.values(), Decimal(0)),
        "candidates": len(candidates),
    }
