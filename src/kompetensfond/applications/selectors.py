"""Reads of applications: scoped to the municipality, and for a unit manager to their
unit subtree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kompetensfond.core.permissions import municipality_of, reads_whole_municipality
from kompetensfond.organisation.selectors import visible_unit_paths
from kompetensfond.plans.checks import ApplicationData, BudgetLine, Finding, guideline_check
from kompetensfond.plans.selectors import guideline_of, rules_of

from .models import Application, Criterion, Review, Status
from .scoring import application_score, weighted_mean


def application_list(*, user: Any, fund: Any = None, status: str = "") -> QuerySet[Application]:
    municipality = municipality_of(user)
    if municipality is None:
        raise Http404
    qs = Application.objects.filter(municipality=municipality)
    paths = visible_unit_paths(user)
    if paths is not None:  # a manager's subtree, and what the user is assigned to review
        visible = Q(pk__in=Review.objects.filter(reviewer=user).values("application_id"))
        for path in paths:
            visible |= Q(unit__path__startswith=path)
        qs = qs.filter(visible)
    if fund is not None:
        qs = qs.filter(fund=fund)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("fund", "unit", "contact")


def access_application(user: Any, pk: int | str) -> Application:
    """The application if the user may see it; 404 otherwise."""
    return get_object_or_404(application_list(user=user), pk=pk)


def application_data(application: Application, *, at: datetime | None = None
                     ) -> ApplicationData:
    return ApplicationData(
        budget=[BudgetLine(line.cost_type, line.amount)
                for line in application.budget_lines.all()],
        participants=application.participants, cofunding=application.cofunding,
        strategy_ids=list(application.strategies.values_list("pk", flat=True)),
        occupation_codes=list(application.occupations.values_list("ssyk_code", flat=True)),
        at=at,
    )


def findings_for(application: Application, *, at: datetime | None = None) -> list[Finding]:
    """The guideline findings for the application as it stands (no guideline: none)."""
    guideline = guideline_of(application.fund)
    if guideline is None:
        return []
    return guideline_check(rules_of(guideline), application_data(application, at=at))


@dataclass
class ReviewRow:
    review: Review
    mean: Decimal | None
    scores: dict[int, int | None]


@dataclass
class ReviewSummary:
    criteria: list[Criterion]
    rows: list[ReviewRow]
    score: Decimal | None
    own: Review | None
    may_see_all: bool


def review_summary(application: Application, user: Any) -> ReviewSummary:
    """The application's assessments as ``user`` may see them: case officers, secretaries
    and politicians see all; a reviewer sees their own, and the others' only once their own
    is submitted without a conflict of interest."""
    criteria = list(Criterion.objects.filter(fund_id=application.fund_id))
    weights = {c.pk: c.weight for c in criteria}
    reviews = list(application.reviews.select_related("reviewer").prefetch_related("scores"))
    rows = []
    for review in reviews:
        scores = {s.criterion_id: s.value for s in review.scores.all()}
        mean = (weighted_mean((weights[pk], v) for pk, v in scores.items())
                if review.submitted_at and not review.conflict else None)
        rows.append(ReviewRow(review, mean, scores))
    own = next((r for r in reviews if r.reviewer_id == getattr(user, "pk", None)), None)
    may_see_all = reads_whole_municipality(user) or (
        own is not None and own.conflict is False and own.submitted_at is not None)
    visible = rows if may_see_all else [r for r in rows if r.review is own]
    return ReviewSummary(criteria, visible, application_score(r.mean for r in rows)
                         if may_see_all else None, own, may_see_all)


@dataclass
class RankedApplication:
    application: Application
    score: Decimal | None
    requested: Decimal
    running_total: Decimal
    fits: bool


def ranking(fund: Any) -> tuple[list[RankedApplication], Decimal]:
    """Applications in review or with a proposal, best weighted score first (unscored
    last), with the running total of what they ask against what the fund has left outside
    its earmarks."""
    from kompetensfond.ledger.selectors import fund_balance

    available = fund_balance(fund).unearmarked
    weights = dict(Criterion.objects.filter(fund=fund).values_list("pk", "weight"))
    applications = (Application.objects.filter(
        fund=fund, status__in=[Status.SUBMITTED, Status.IN_REVIEW, Status.RECOMMENDED])
        .select_related("unit").prefetch_related("budget_lines", "reviews__scores"))
    scored = []
    for application in applications:
        means = [weighted_mean((weights[s.criterion_id], s.value) for s in r.scores.all())
                 for r in application.reviews.all() if r.submitted_at and not r.conflict]
        requested = sum((b.amount for b in application.budget_lines.all()), Decimal("0.00"))
        scored.append((application, application_score(means), requested))
    scored.sort(key=lambda row: (row[1] is None, -(row[1] or 0), row[0].pk))
    total, ranked = Decimal("0.00"), []
    for application, score, requested in scored:
        total += requested
        ranked.append(RankedApplication(application, score, requested, total,
                                        total <= available))
    return ranked, available


def meeting_list(*, user: Any) -> QuerySet[Any]:
    from .models import Meeting

    municipality = municipality_of(user)
    if municipality is None:
        raise Http404
    return Meeting.objects.filter(body__municipality=municipality).select_related("body")


@dataclass
class AgendaItem:
    application: Application
    score: Decimal | None
    requested: Decimal


def meeting_agenda(meeting: Any) -> list[AgendaItem]:
    """Applications with a proposal, of the funds the meeting's body owns: what the body is
    asked to decide, best weighted score first."""
    items = []
    for fund_rows in (ranking(fund)[0] for fund in meeting.body.funds.all()):
        items += [AgendaItem(r.application, r.score, r.requested) for r in fund_rows
                  if r.application.status == Status.RECOMMENDED]
    return items


def unreported_delegated_decisions(meeting: Any) -> QuerySet[Any]:
    from .models import Decision

    return (Decision.objects.filter(body=meeting.body, meeting__isnull=True,
                                    reported_at__isnull=True, decided_on__lte=meeting.date)
            .select_related("application", "delegate"))
