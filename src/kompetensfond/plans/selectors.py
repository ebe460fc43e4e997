"""Reads of plans and guidelines, scoped to the user's municipality."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kompetensfond.core.models import Municipality
from kompetensfond.core.permissions import municipality_of
from kompetensfond.funds.models import Fund

from .checks import Delegation, GuidelineRules
from .models import Guideline, Plan, PlanStatus, Strategy, Target


def plan_list(*, user: Any) -> QuerySet[Plan]:
    municipality = municipality_of(user)
    if municipality is None:
        raise Http404
    return Plan.objects.filter(municipality=municipality).select_related("adopted_by")


def access_plan(user: Any, pk: int | str) -> Plan:
    return get_object_or_404(plan_list(user=user), pk=pk)


def current_plan(municipality: Municipality) -> Plan | None:
    return Plan.objects.filter(municipality=municipality, status=PlanStatus.ADOPTED).first()


def strategy_list(plan: Plan) -> QuerySet[Strategy]:
    return plan.strategies.prefetch_related(Prefetch(
        "targets", queryset=Target.objects.select_related("occupation_from", "occupation_to")))


@dataclass
class TargetProgress:
    target: Target
    reached: int

    @property
    def percent(self) -> int:
        return min(100, self.reached * 100 // self.target.count)


def target_progress(plan: Plan) -> dict[int, list[TargetProgress]]:
    """Per strategy, its targets and how many have been reached: from the accepted
    follow-up reports of the grants linked to the strategy (participants who finished;
    qualifications from one occupation to another)."""
    from kompetensfond.followup.selectors import target_reached  # the later app reads

    strategies = list(strategy_list(plan))
    reached = target_reached([t for s in strategies for t in s.targets.all()])
    return {s.pk: [TargetProgress(t, reached.get(t.pk, 0)) for t in s.targets.all()]
            for s in strategies}


def guideline_of(fund: Fund) -> Guideline | None:
    return (Guideline.objects.filter(fund=fund)
            .select_related("plan", "adopted_by")
            .prefetch_related("rounds", "delegations__body", "delegations__delegate_user")
            .first())


def guideline_list(*, user: Any) -> QuerySet[Guideline]:
    municipality = municipality_of(user)
    if municipality is None:
        raise Http404
    return (Guideline.objects.filter(fund__municipality=municipality)
            .select_related("fund", "plan").prefetch_related("rounds", "delegations"))


def access_guideline(user: Any, pk: int | str) -> Guideline:
    return get_object_or_404(guideline_list(user=user), pk=pk)


def rules_of(guideline: Guideline) -> GuidelineRules:
    return GuidelineRules.of(guideline)


def delegations_of(guideline: Guideline) -> list[Delegation]:
    return [Delegation(d.max_amount, d.delegation_point,
                       d.delegate_user.display_name if d.delegate_user
                       else d.get_delegate_role_display())
            for d in guideline.delegations.all()]
