"""Reads of funds, contributions and earmarks, scoped to the user's municipality."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kompetensfond.core.permissions import municipality_of
from kompetensfond.ledger.models import LedgerTransaction, TransactionKind

from .models import Contribution, ContributionSource, Earmark, Fund


def fund_list(*, user: Any) -> QuerySet[Fund]:
    municipality = municipality_of(user)
    if municipality is None:
        raise Http404
    return Fund.objects.filter(municipality=municipality).select_related(
        "owning_body", "municipality")


def access_fund(user: Any, pk: int | str) -> Fund:
    """The fund if it is the user's municipality's; 404 otherwise (never 403: another
    municipality's funds do not exist for the user)."""
    return get_object_or_404(fund_list(user=user), pk=pk)


def access_earmark(fund: Fund, pk: int | str) -> Earmark:
    return get_object_or_404(Earmark.objects.filter(fund=fund), pk=pk)


def earmark_list(fund: Fund) -> QuerySet[Earmark]:
    return (Earmark.objects.filter(fund=fund).select_related("administration")
            .prefetch_related("occupations", "strategies"))


def contribution_list(fund: Fund) -> list[Contribution]:
    """The fund's contributions with ``corrected`` set on those reversed in the ledger."""
    label = Contribution._meta.label_lower
    corrected = set(LedgerTransaction.objects.filter(
        fund=fund, kind=TransactionKind.ADJUSTMENT, source_type=label,
    ).values_list("source_id", flat=True))
    contributions = list(Contribution.objects.filter(fund=fund).select_related("decision_body"))
    for contribution in contributions:
        contribution.corrected = str(contribution.pk) in corrected  # type: ignore[attr-defined]
    return contributions


@dataclass
class SourceTotal:
    source: str
    label: str
    amount: Decimal


def capital_by_source(contributions: list[Contribution]) -> list[SourceTotal]:
    """Capital per source (corrected contributions excluded), largest first."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for c in contributions:
        if not getattr(c, "corrected", False):
            key = c.source_text if c.source == ContributionSource.OTHER and c.source_text \
                else c.source
            totals[key] += c.amount
    labels = dict(ContributionSource.choices)
    return sorted((SourceTotal(k, str(labels.get(k, k)), v) for k, v in totals.items()),
                  key=lambda s: -s.amount)
