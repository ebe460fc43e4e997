"""The allowance rules as pure functions: who is eligible, how much each gets, what is left.

Eligible on day ``on``: in one of the scheme's units (with their subtrees; none: every
unit) and occupations (none: every occupation), with at least the minimum employment rate,
and either employed on the cut-off date or hired after it with a start date no later than
``on`` and the end of the period (a new hire joins the scheme when the register shows them
started). The amount is prorated by employment rate (50 % gets half) and, for those who
start after the period began, by the days left of the period (start day included); an
amount that rounds to 0 kr gives no allowance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q

from kompetensfond.core.money import CENT

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Rules:
    amount: Decimal
    period_start: date
    period_end: date
    cutoff_date: date
    min_rate: Decimal = ZERO
    prorate_by_rate: bool = True
    prorate_by_start: bool = True


def allowance_amount(rules: Rules, rate: Decimal, start: date | None) -> Decimal:
    """One employee's allowance (0 when the rules give them nothing)."""
    if rate < rules.min_rate or rate <= 0:
        return ZERO
    amount = rules.amount
    if rules.prorate_by_rate:
        amount = amount * Decimal(rate) / HUNDRED
    if rules.prorate_by_start and start is not None and start > rules.period_start:
        if start > rules.period_end:
            return ZERO
        days = (rules.period_end - rules.period_start).days + 1
        left = (rules.period_end - start).days + 1
        amount = amount * left / days
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def employed_q(rules: Rules, on: date) -> Q:
    """Employees the scheme takes in on ``on`` by their dates: employed on the cut-off
    date, or hired after it and started by ``on`` and within the period."""
    on_cutoff = ((Q(start_date__isnull=True) | Q(start_date__lte=rules.cutoff_date))
                 & (Q(end_date__isnull=True) | Q(end_date__gte=rules.cutoff_date)))
    hired = (Q(start_date__gt=rules.cutoff_date)
             & Q(start_date__lte=min(on, rules.period_end))
             & (Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))))
    return on_cutoff | hired


def leaves(rule: str, end_date: date | None, on: date) -> bool:
    """Whether an employee with ``end_date`` loses what is left of the allowance on
    ``on``: at once when an end is registered (forfeit), or once it has passed (keep)."""
    if end_date is None:
        return False
    return rule == "forfeit" or end_date < on


def remaining(amount: Decimal, released: Decimal, claimed: Decimal) -> Decimal:
    """What an employee can still claim: the allowance less what was returned to the fund
    and less claims pending, approved or paid."""
    return max(amount - released - claimed, ZERO)
