"""The allowance rules at their boundaries (pure functions, no database)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kompetensfond.allowances.rules import Rules, allowance_amount, leaves, remaining

D = datetime.date
RULES = Rules(amount=Decimal("10000.00"), period_start=D(2026, 1, 1),
              period_end=D(2026, 12, 31), cutoff_date=D(2026, 1, 1),
              min_rate=Decimal(50))


@pytest.mark.parametrize(("rate", "expected"), [
    ("100", "10000.00"), ("75", "7500.00"), ("50", "5000.00"),  # at the minimum: in
    ("49.99", "0.00"),  # just below: out
    ("0", "0.00"),
])
def test_prorated_by_employment_rate_with_a_minimum(rate: str, expected: str) -> None:
    assert allowance_amount(RULES, Decimal(rate), D(2020, 1, 1)) == Decimal(expected)


def test_without_rate_proration_everyone_above_the_minimum_gets_the_full_amount() -> None:
    rules = Rules(**{**RULES.__dict__, "prorate_by_rate": False})
    assert allowance_amount(rules, Decimal(60), None) == Decimal("10000.00")


@pytest.mark.parametrize(("start", "expected"), [
    (D(2026, 1, 1), "10000.00"),  # started on the first day: all of it
    (D(2026, 1, 2), "9972.60"),  # 364 of 365 days
    (D(2026, 7, 2), "5013.70"),  # 183 of 365 days
    (D(2026, 12, 31), "27.40"),  # the last day: 1 of 365
    (D(2027, 1, 1), "0.00"),  # after the period: nothing
])
def test_new_hires_are_prorated_by_the_days_left_of_the_period(start: datetime.date,
                                                                expected: str) -> None:
    assert allowance_amount(RULES, Decimal(100), start) == Decimal(expected)


def test_both_prorations_multiply_and_round_to_the_ore() -> None:
    # 10 000 × 0.5 × 183/365 = 2 506.849… → 2 506.85
    assert allowance_amount(RULES, Decimal(50), D(2026, 7, 2)) == Decimal("2506.85")


def test_leaver_rules() -> None:
    on = D(2026, 6, 1)
    assert not leaves("forfeit", None, on)
    assert leaves("forfeit", D(2026, 9, 30), on)  # an end registered: forfeited at once
    assert not leaves("keep", D(2026, 9, 30), on)  # kept until it has passed
    assert not leaves("keep", D(2026, 6, 1), on)  # the last day of work is still employed
    assert leaves("keep", D(2026, 5, 31), on)


def test_remaining_never_below_zero() -> None:
    assert remaining(Decimal("10000.00"), Decimal("0.00"), Decimal("2500.00")) == Decimal(
        "7500.00")
    assert remaining(Decimal("100.00"), Decimal("100.00"), Decimal("0.00")) == Decimal("0.00")
    assert remaining(Decimal("100.00"), Decimal("60.00"), Decimal("60.00")) == Decimal("0.00")
