"""Reads of applications: scoped to the municipality, and for a unit manager to their
unit subtree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.core.money import MoneyField, MoneySum
from kompetensfond.core.permissions import municipality_of, reads_whole_municipality
from kompetensfond.organisation.models import OrgUnit
from kompetensfond.organisation.selectors import subtree_q, visible_unit_paths
from kompetensfond.plans.checks import (
    ApplicationData,
    BudgetLine,
    Finding,
    Severity,
    guideline_check,
)
from kompetensfond.plans.selectors import guideline_of, rules_of

from .codes import ErrorCode
from .lifecycle import TRANSITIONS, Transition
from .models import AgendaItem, Application, Criterion, Decision, Review, Score, Status
from .models import BudgetLine as BudgetLineRow
from .rules import earmark_breaches
from .scoring import application_score, weighted_mean

ZERO = Decimal("0.00")


def application_list(*, user: Any, fund: Any = None, status: str = "") -> QuerySet[Application]:
    """The applications the user may see, each annotated with ``requested`` (the sum of its
    budget lines, computed here and nowhere else for lists)."""
    municipality = municipality_of(user)
    if municipality is None:
        raise Http404
    qs = Application.objects.filter(municipality=municipality)
    paths = visible_unit_paths(user)
    if paths is not None:  # a manager's subtree, and what the user is assigned to review
        qs = qs.filter(subtree_q(paths)
                       | Q(pk__in=Review.objects.filter(reviewer=user).values("application_id")))
    if fund is not None:
        qs = qs.filter(fund=fund)
    if status:
        qs = qs.filter(status=status)
    return with_requested(qs.select_related("fund", "unit", "contact"))


def with_requested(qs: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate each application with ``requested``: the sum of its budget lines, in the
    database (one subquery, no extra query per row)."""
    requested = (BudgetLineRow.objects.filter(application=OuterRef("pk")).order_by()
                 .values("application").annotate(total=MoneySum("amount")).values("total"))
    return qs.annotate(requested=Coalesce(Subquery(requested), Value(ZERO),
                                          output_field=MoneyField()))


def requested_amount(application: Application) -> Decimal:
    """What the application asks for: the sum of its budget lines (the list selector's
    annotation when the object came from it, else summed in the database)."""
    annotated = getattr(application, "requested", None)
    if annotated is not None:
        return Decimal(annotated)
    total = application.budget_lines.aggregate(total=MoneySum("amount"))["total"]
    return total if total is not None else ZERO


def available_actions(user: Any, application: Application) -> list[Transition]:
    """What ``user`` can do with the application now: the transitions of the life-cycle
    table that start from its status and whose permission lets the user take them."""
    return [t for t in TRANSITIONS.values()
            if application.status in t.sources and t.permission(user, application)]


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


def earmark_findings(application: Application) -> list[Finding]:
    """Errors when the earmark the application draws on is not open to it."""
    return [Finding(Severity.ERROR, ErrorCode.EARMARK_RESTRICTED, message)
            for message in earmark_breaches(application)]


def findings_for(application: Application, *, at: datetime | None = None) -> list[Finding]:
    """The guideline findings for the application as it stands, with the earmark's
    restrictions (no guideline: only those), errors first."""
    guideline = guideline_of(application.fund)
    findings = earmark_findings(application)
    if guideline is not None:
        findings += guideline_check(rules_of(guideline), application_data(application, at=at))
    return sorted(findings, key=lambda f: f.severity != Severity.ERROR)


def score_of(application: Application) -> Decimal | None:
    """The application's weighted score: the mean of its submitted assessments' weighted
    means (conflicted reviewers left out)."""
    weights = dict(Criterion.objects.filter(fund_id=application.fund_id)
                   .values_list("pk", "weight"))
    reviews = application.reviews.filter(submitted_at__isnull=False, conflict=False)
    return application_score(
        weighted_mean((weights[s.criterion_id], s.value) for s in review.scores.all())
        for review in reviews.prefetch_related("scores"))


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
    pending = [Status.SUBMITTED, Status.IN_REVIEW, Status.RECOMMENDED]
    applications = with_requested(Application.objects.filter(fund=fund, status__in=pending)
        # only what the ranking shows: a city's fund may have thousands in review
        .only("pk", "title", "status", "recommendation", "fund_id", "unit__name")
        .select_related("unit"))
    # the scores of submitted reviews without a conflict of interest, in one query as
    # plain values (a prefetch built two querysets per application: 0.2 s for 2,000)
    scores: dict[int, dict[int, list[tuple[int, int | None]]]] = defaultdict(
        lambda: defaultdict(list))
    for application_id, review_id, criterion_id, value in (
            Score.objects.filter(review__application__fund=fund,
                                 review__application__status__in=pending,
                                 review__submitted_at__isnull=False)
            .exclude(review__conflict=True)
            .values_list("review__application_id", "review_id", "criterion_id", "value")):
        scores[application_id][review_id].append((weights[criterion_id], value))
    scored = []
    for application in applications:
        means = [weighted_mean(pairs) for pairs in scores.get(application.pk, {}).values()]
        requested = requested_amount(application)
        scored.append((application, application_score(means), requested))
    scored.sort(key=lambda row: (row[1] is None, -(row[1] or 0), row[0].pk))
    total, ranked = Decimal("0.00"), []
    for application, score, requested in scored:
        total += requested
        ranked.append(RankedApplication(application, score, requested, total,
                                        total <= available))
    return ranked, available


def meeting_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Any]:
    """The municipality's meetings, newest first, each with ``item_count`` (its agenda
    items), narrowed by the list page's filters (body, coming/held/open, dates)."""
    from django.db.models import Count

    from .models import Meeting

    municipality = municipality_of(user)
    if municipality is None:
        raise Http404
    qs = (Meeting.objects.filter(body__municipality=municipality).select_related("body")
          .annotate(item_count=Count("items")))
    filters = filters or {}
    today = timezone.localdate()
    if filters.get("body"):
        qs = qs.filter(body=filters["body"])
    when = filters.get("when") or ""
    if when == "coming":
        qs = qs.filter(date__gte=today)
    elif when == "past":
        qs = qs.filter(date__lt=today)
    elif when == "open":
        qs = qs.filter(approved_on__isnull=True)
    if filters.get("start"):
        qs = qs.filter(date__gte=filters["start"])
    if filters.get("end"):
        qs = qs.filter(date__lte=filters["end"])
    return qs.order_by("-date", "body__name", "pk")


def meeting_agenda(meeting: Any) -> QuerySet[AgendaItem]:
    """The meeting's agenda as recorded, in order, each item with its application, the
    application's decision and where it was taken."""
    return (meeting.items.select_related("application", "application__unit",
                                         "application__decision",
                                         "application__decision__meeting")
            .order_by("position"))


def agenda_candidates(meeting: Any) -> QuerySet[Application]:
    """Applications the secretary may put on the agenda: with a proposed decision, in a
    fund the meeting's body owns, not yet on this meeting's agenda."""
    return (Application.objects.filter(fund__owning_body=meeting.body,
                                       status=Status.RECOMMENDED)
            .exclude(agenda_items__meeting=meeting).select_related("unit", "fund")
            .order_by("submitted_at", "pk"))


def unreported_delegated_decisions(meeting: Any) -> QuerySet[Any]:
    from .models import Decision

    return (Decision.objects.filter(body=meeting.body, meeting__isnull=True,
                                    reported_at__isnull=True, decided_on__lte=meeting.date)
            .select_related("application", "delegate"))


@dataclass
class WorkQueue:
    """What waits for the user, per role: each list holds the items the home page links."""

    submitted: list[Application]  # case officer: new, to take into review
    to_propose: list[Application]  # case officer: every assessment in, no proposal yet
    overdue_reviews: list[Review]  # case officer: past their deadline
    my_reviews: list[Review]  # reviewer: assigned to me, not yet assessed
    meetings: list[Any]  # secretary: the next meetings, with their agenda items
    unscheduled: list[Application]  # secretary: proposals on no meeting's agenda
    drafts: list[Application]  # manager: drafts of their units
    returned: list[Application]  # manager: completion requested (``return_reason`` set)

    @property
    def count(self) -> int:
        return sum(len(items) for items in (
            self.submitted, self.to_propose, self.overdue_reviews, self.my_reviews,
            self.unscheduled, self.drafts, self.returned))


WORK_LIMIT = 10  # items per list on the home page; the list pages have the rest


def work_queue(user: Any, *, limit: int = WORK_LIMIT) -> WorkQueue:
    """The to-do lists of the user's roles, each at most ``limit`` items, oldest first."""
    from kompetensfond.core.models import Role
    from kompetensfond.core.permissions import has_role

    from .models import ApplicationEvent, Meeting

    today = timezone.localdate()
    municipality = municipality_of(user)
    empty: list[Any] = []
    queue = WorkQueue(*([] for _ in range(8)))
    if municipality is None:
        return queue
    apps = Application.objects.filter(municipality=municipality).select_related("unit", "fund")
    pending_review = Review.objects.filter(submitted_at__isnull=True).exclude(conflict=True)
    if has_role(user, Role.FUND_ADMIN):
        queue.submitted = list(apps.filter(status=Status.SUBMITTED)
                               .order_by("submitted_at", "pk")[:limit])
        queue.to_propose = list(
            apps.filter(status=Status.IN_REVIEW, reviews__isnull=False)
            .exclude(pk__in=pending_review.values("application_id")).distinct()
            .order_by("submitted_at", "pk")[:limit])
        queue.overdue_reviews = list(
            pending_review.filter(application__municipality=municipality,
                                  application__status=Status.IN_REVIEW, due_date__lt=today)
            .select_related("application", "reviewer").order_by("due_date", "pk")[:limit])
    if has_role(user, Role.REVIEWER, Role.FUND_ADMIN):
        queue.my_reviews = list(
            pending_review.filter(reviewer=user, application__municipality=municipality,
                                  application__status=Status.IN_REVIEW)
            .select_related("application").order_by("due_date", "pk")[:limit])
    if has_role(user, Role.SECRETARY, Role.FUND_ADMIN):
        meetings = list(Meeting.objects.filter(body__municipality=municipality,
                                               date__gte=today, approved_on__isnull=True)
                        .select_related("body").order_by("date", "pk")[:5])
        items = AgendaItem.objects.filter(meeting__in=meetings).select_related(
            "application").order_by("position")
        by_meeting: dict[int, list[AgendaItem]] = {}
        for item in items:
            by_meeting.setdefault(item.meeting_id, []).append(item)
        for meeting in meetings:
            meeting.upcoming_items = by_meeting.get(meeting.pk, empty)  # type: ignore[attr-defined]
        queue.meetings = meetings
        queue.unscheduled = list(
            apps.filter(status=Status.RECOMMENDED)
            .exclude(pk__in=AgendaItem.objects.filter(meeting__approved_on__isnull=True)
                     .values("application_id"))
            .order_by("submitted_at", "pk")[:limit])
    if has_role(user, Role.UNIT_MANAGER):
        mine = apps
        paths = visible_unit_paths(user)
        if paths is not None:
            mine = apps.filter(subtree_q(paths))
        queue.drafts = list(mine.filter(status=Status.DRAFT).order_by("created_at", "pk")[:limit])
        returned = list(mine.filter(status=Status.RETURNED).order_by("pk")[:limit])
        reasons = dict(ApplicationEvent.objects.filter(
            application__in=returned, to_status=Status.RETURNED).order_by("at", "pk")
            .values_list("application_id", "reason"))  # the latest reason wins
        for application in returned:
            application.return_reason = reasons.get(application.pk, "")  # type: ignore[attr-defined]
        queue.returned = returned
    return queue


def application_search(qs: QuerySet[Application], filters: dict[str, Any],
                       municipality: Any) -> QuerySet[Application]:
    """``qs`` (from ``application_list`` for ``municipality``) narrowed by the list page's
    filters: free text (every word) in
    the title, purpose, unit or the decision's case number; fund, round (submitted while it
    was open), a unit and its subtree, status, strategy, who decided, submission dates;
    sorted by ``sort``."""
    from .forms import ApplicationFilterForm

    text = (filters.get("q") or "").strip()
    for word in text.split()[:10]:
        # the unit is matched in a subquery narrowed to the municipality, and a case
        # number ("KS 2026/123") only by a word with a digit in it: joined, the unit and
        # the decision made every search read the whole country's decisions
        match = (Q(title__icontains=word) | Q(purpose__icontains=word)
                 | Q(unit__in=OrgUnit.objects.filter(municipality=municipality,
                                                     name__icontains=word).values("pk")))
        if any(character.isdigit() for character in word):
            match |= Q(pk__in=Decision.objects.filter(
                application__municipality=municipality, case_number__icontains=word)
                .values("application_id"))
        qs = qs.filter(match)
    if filters.get("fund"):
        qs = qs.filter(fund=filters["fund"])
    if (round_ := filters.get("round")) is not None:
        qs = qs.filter(fund_id=round_.guideline.fund_id, submitted_at__gte=round_.opens_at,
                       submitted_at__lt=round_.closes_at)
    if (unit := filters.get("unit")) is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("strategy"):
        qs = qs.filter(strategies=filters["strategy"])
    decided_by = filters.get("decided_by") or ""
    if decided_by == ApplicationFilterForm.DELEGATED:
        qs = qs.filter(decision__delegate__isnull=False)
    elif decided_by.isdigit():
        qs = qs.filter(decision__body_id=int(decided_by), decision__delegate__isnull=True)
    if filters.get("start"):
        qs = qs.filter(submitted_at__date__gte=filters["start"])
    if filters.get("end"):
        qs = qs.filter(submitted_at__date__lte=filters["end"])
    order = ApplicationFilterForm.SORTS.get(filters.get("sort") or "")
    return qs.order_by(*order) if order else qs


def work_count(user: Any) -> int:
    """How many items wait for the user in all the to-do lists of ``work_queue`` (without
    the overdue assessments, which are the reviewers' work): the navigation's count, in two
    queries whatever the roles."""
    from django.db.models import Count, Exists

    from kompetensfond.core.models import Role
    from kompetensfond.core.permissions import has_role

    municipality = municipality_of(user)
    if municipality is None:
        return 0
    pending = Review.objects.filter(submitted_at__isnull=True).exclude(conflict=True)
    counts: dict[str, Any] = {}
    if has_role(user, Role.FUND_ADMIN):
        counts["submitted"] = Count("pk", filter=Q(status=Status.SUBMITTED))
        counts["to_propose"] = Count("pk", filter=Q(
            Exists(Review.objects.filter(application=OuterRef("pk"))),
            ~Exists(pending.filter(application=OuterRef("pk"))), status=Status.IN_REVIEW))
    if has_role(user, Role.SECRETARY, Role.FUND_ADMIN):
        counts["unscheduled"] = Count("pk", filter=Q(
            ~Exists(AgendaItem.objects.filter(application=OuterRef("pk"),
                                              meeting__approved_on__isnull=True)),
            status=Status.RECOMMENDED))
    if has_role(user, Role.UNIT_MANAGER):
        paths = visible_unit_paths(user)
        mine = subtree_q(paths) if paths is not None else Q()
        counts["mine"] = Count("pk", filter=mine & Q(status__in=(Status.DRAFT,
                                                                 Status.RETURNED)))
    total = 0
    if counts:
        # only the statuses the lists count: the decided history (most of a large fund's
        # applications) is never read, nor are the subqueries run for it
        waiting = (Status.SUBMITTED, Status.IN_REVIEW, Status.RECOMMENDED, Status.DRAFT,
                   Status.RETURNED)
        total += sum(v or 0 for v in Application.objects.filter(
            municipality=municipality, status__in=waiting).aggregate(**counts).values())
    if has_role(user, Role.REVIEWER, Role.FUND_ADMIN):
        total += pending.filter(reviewer=user, application__municipality=municipality,
                                application__status=Status.IN_REVIEW).count()
    return total


# -- the portfolio optimiser's data ------------------------------------------------------

PORTFOLIO_COSTS_UP_TO = 300  # candidates: what each rule costs is solved again per rule


def portfolio_input(fund: Any, options: dict[str, Any]
                    ) -> tuple[list[Any], Any, dict[str, str], dict[int, Application]]:
    """The assessed applications of the ranking as the optimiser's candidates, the fund's
    rules from ``options`` (the ranking page's form), a Swedish label per rule key, and
    the applications by id (as the ranking read them, with their units)."""
    from kompetensfond.ledger.selectors import earmark_available
    from kompetensfond.organisation.models import OrgUnit

    from .portfolio import Candidate, Rules

    rows, unearmarked = ranking(fund)
    scored = [r for r in rows if r.score is not None and r.requested > 0]
    guideline = guideline_of(fund)
    plan = guideline.plan if guideline is not None else None
    shortage = set(plan.shortage_occupations.values_list("pk", flat=True)) \
        if plan is not None else set()
    ids = [r.application.pk for r in scored]
    strategies: dict[int, set[int]] = defaultdict(set)
    for application_id, strategy_id in Application.strategies.through.objects.filter(
            application_id__in=ids).values_list("application_id", "strategy_id"):
        strategies[application_id].add(strategy_id)
    targets: dict[int, set[int]] = defaultdict(set)
    for application_id, occupation_id in Application.occupations.through.objects.filter(
            application_id__in=ids).values_list("application_id", "occupation_id"):
        targets[application_id].add(occupation_id)
    roots = {int(r.application.unit.path.strip("/").split("/")[0]) for r in scored}
    names = dict(OrgUnit.objects.filter(pk__in=roots).values_list("pk", "name"))
    min_share = Decimal(options.get("min_share") or 100) / 100
    candidates = [Candidate(
        key=a.pk, amount=r.requested, score=r.score or Decimal(0), pot=a.earmark_id,
        group=names.get(int(a.unit.path.strip("/").split("/")[0]), ""),
        strategies=frozenset(strategies[a.pk]), participants=a.participants,
        shortage=bool(targets[a.pk] & shortage), women=a.participants_women,
        men=a.participants_men, min_share=min_share)
        for r in scored for a in [r.application]]
    earmarks = list(fund.earmarks.all())
    available: dict[int | None, Decimal] = {None: unearmarked}
    for earmark in earmarks:
        available[earmark.pk] = earmark_available(earmark)
    groups = sorted({c.group for c in candidates})
    most, least = options.get("max_share"), options.get("min_share_group")
    rules = Rules(
        available=available, objective=options.get("objective") or "total",
        group_max={g: Decimal(most) / 100 for g in groups} if most is not None else {},
        group_min={g: Decimal(least) / 100 for g in groups} if least else {},
        cover_strategies=bool(options.get("cover_strategies")),
        min_shortage=Decimal(options["min_shortage"]) / 100
        if options.get("min_shortage") else None,
        min_gender=Decimal(options["min_gender"]) / 100 if options.get("min_gender") else None)
    labels = {"money:None": _("Money outside the earmarks"),
              "strategies": _("Every strategy of the plan at least once"),
              "shortage": _("Participants in shortage occupations at least %(n)s %%")
              % {"n": options.get("min_shortage")},
              "gender": _("At least %(n)s %% of the participants of each gender")
              % {"n": options.get("min_gender")}}
    for earmark in earmarks:
        labels[f"money:{earmark.pk}"] = _("Money in %(name)s") % {"name": earmark.name}
    for group in groups:
        labels[f"group_max:{group}"] = _("%(name)s at most %(n)s %% of what is granted") % {
            "name": group, "n": most}
        labels[f"group_min:{group}"] = _("%(name)s at least %(n)s %% of what is granted") % {
            "name": group, "n": least}
    return candidates, rules, labels, {r.application.pk: r.application for r in scored}
