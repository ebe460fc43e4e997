"""The allowance simulator: what would an individual competence-development allowance
(e.g. 10,000 kr a year for every socialsekreterare) cost, whom would it reach, and how does
that compare with what the fund holds and with what the target group has received so far?

Read only: eligible employees come from the staff register (active today), the fund's
figures and what was granted from the ledger's stored totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from kompetensfond.core.money import CENT
from kompetensfond.core.permissions import municipality_of
from kompetensfond.funds.models import Fund
from kompetensfond.organisation.models import Gender, Sector

from .selectors import (
    ZERO,
    active_staff,
    administration_of,
    percent_of,
    units_in,
    used_per_unit,
)


@dataclass
class ScenarioSpec:
    amount: Decimal  # per employee and year
    years: int = 1
    occupations: list[Any] = field(default_factory=list)  # none: every occupation
    administrations: list[Any] = field(default_factory=list)  # none: the whole organisation
    min_rate: Decimal = ZERO  # employment rate in per cent, at least
    prorate: bool = False  # by employment rate (50 % gets half)


@dataclass
class Scenario:
    spec: ScenarioSpec
    employees: int
    by_gender: dict[str, int]
    per_year: Decimal
    total: Decimal
    capital: Decimal
    available: Decimal
    sectors: list[str]  # of the units the eligible employees work in
    group_granted: Decimal  # granted so far to those sectors' units
    all_granted: Decimal
    staff: int  # active employees of the organisation

    @property
    def share_of_capital(self) -> Decimal | None:
        return percent_of(self.total, self.capital)

    @property
    def share_of_available(self) -> Decimal | None:
        return percent_of(self.total, self.available)

    @property
    def times_group_granted(self) -> Decimal | None:
        return (self.total / self.group_granted).quantize(Decimal("0.1")) \
            if self.group_granted else None

    @property
    def per_employee_so_far(self) -> Decimal | None:
        """What the fund has granted per employee of the whole organisation so far."""
        return (self.all_granted / self.staff).quantize(CENT) if self.staff else None


def allowance_scenario(user: Any, funds: QuerySet[Fund], spec: ScenarioSpec) -> Scenario:
    from kompetensfond.ledger.selectors import fund_balances

    municipality = municipality_of(user)
    units = units_in(municipality)
    staff = active_staff(municipality)
    eligible = staff.filter(employment_rate__gte=spec.min_rate)
    if spec.occupations:
        eligible = eligible.filter(occupation__in=spec.occupations)
    if spec.administrations:
        roots = {a.pk for a in spec.administrations}
        eligible = eligible.filter(unit_id__in=[pk for pk, u in units.items()
                                                if administration_of(u, units).pk in roots])
    by_gender = {Gender.WOMAN: 0, Gender.MAN: 0, "other": 0}
    rates = ZERO
    unit_ids: set[int] = set()
    for gender, unit_id, n, rate in eligible.values_list("gender", "unit_id").annotate(
            n=Count("pk"), rate=Sum("employment_rate")).order_by():
        key = gender if gender in (Gender.WOMAN, Gender.MAN) else "other"
        by_gender[key] += n
        rates += Decimal(str(rate))  # SQLite sums as floating point
        unit_ids.add(unit_id)
    employees = sum(by_gender.values())
    heads = (rates / 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) \
        if spec.prorate else Decimal(employees)
    per_year = (spec.amount * heads).quantize(CENT, rounding=ROUND_HALF_UP)
    sectors = {units[pk].sector for pk in unit_ids if pk in units}
    group = all_granted = ZERO
    for unit_id, (granted, _paid) in used_per_unit(funds, None, None).items():
        all_granted += granted
        unit = units.get(unit_id) if unit_id is not None else None
        if unit is not None and unit.sector in sectors:
            group += granted
    balances = fund_balances(list(funds.values_list("pk", flat=True)))
    labels = dict(Sector.choices)
    return Scenario(
        spec=spec, employees=employees, by_gender=by_gender, per_year=per_year,
        total=per_year * spec.years,
        capital=sum((b.capital for b in balances.values()), ZERO),
        available=sum((b.available for b in balances.values()), ZERO),
        sectors=sorted(str(labels.get(s, s)) for s in sectors), group_granted=group,
        all_granted=all_granted, staff=staff.count())
