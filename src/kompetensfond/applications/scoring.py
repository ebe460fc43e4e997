"""Weighted scores: pure functions, tested without a database."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal


def weighted_mean(scores: Iterable[tuple[int, int | None]]) -> Decimal | None:
    """(weight, value) pairs → the weighted mean of the values given, to two decimals.
    "Not applicable" (None) is left out with its weight; nothing scored gives None."""
    pairs = [(weight, value) for weight, value in scores if value is not None]
    total_weight = sum(weight for weight, _v in pairs)
    if not total_weight:
        return None
    mean = Decimal(sum(weight * value for weight, value in pairs)) / Decimal(total_weight)
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def application_score(review_means: Iterable[Decimal | None]) -> Decimal | None:
    """The mean of the reviewers' weighted means (reviews without scores left out)."""
    means = [m for m in review_means if m is not None]
    if not means:
        return None
    return (sum(means, Decimal(0)) / len(means)).quantize(Decimal("0.01"),
                                                          rounding=ROUND_HALF_UP)
