"""Reads of applications: scoped to the municipality, and for a unit manager to their
unit subtree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kompetensfond.core.permissions import municipality_of
from kompetensfond.organisation.selectors import visible_unit_paths
from kompetensfond.plans.checks import ApplicationData, BudgetLine, Finding, guideline_check
from kompetensfond.plans.selectors import guideline_of, rules_of

from .models import Application


def application_list(*, user: Any, fund: Any = None, status: str = "") -> QuerySet[Application]:
    municipality = municipality_of(user)
    if municipality is None:
        raise Http404
    qs = Application.objects.filter(municipality=municipality)
    paths = visible_unit_paths(user)
    if paths is not None:
        subtree = Q(pk__in=[])
        for path in paths:
            subtree |= Q(unit__path__startswith=path)
        qs = qs.filter(subtree)
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
