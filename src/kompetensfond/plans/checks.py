"""The guideline check: one pure function from a fund's guideline and an application's data
to findings. The applications feature calls it at submission (errors block) and in the live
form; reports list the findings per grant for auditors.

It reads nothing from the database: the caller passes the guideline's rules as
``GuidelineRules`` (``GuidelineRules.of(guideline)`` builds them) and the application as
``ApplicationData``, so every rule is tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.core.money import format_money

from .models import CostType, Guideline


class Severity(StrEnum):
    ERROR = "error"  # blocks submission
    WARNING = "warning"  # shown to the applicant and the reviewers


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.ERROR


@dataclass(frozen=True)
class Round:
    name: str
    opens_at: datetime
    closes_at: datetime

    def is_open(self, at: datetime) -> bool:
        """Open from ``opens_at`` (inclusive) to ``closes_at`` (exclusive). Compared in UTC:
        Python compares two times of the same zone by their wall-clock reading, so the two
        02:30 of the night the clocks go back would otherwise be equal."""
        return (self.opens_at.astimezone(UTC) <= at.astimezone(UTC)
                < self.closes_at.astimezone(UTC))


@dataclass(frozen=True)
class GuidelineRules:
    eligible_cost_types: frozenset[str]
    max_per_application: Decimal | None
    max_per_participant: Decimal | None
    min_cofunding_percent: Decimal
    requires_strategy: bool
    plan_strategy_ids: frozenset[int]
    shortage_ssyk_codes: frozenset[str]
    rounds: tuple[Round, ...]

    @classmethod
    def of(cls, guideline: Guideline) -> GuidelineRules:
        plan = guideline.plan
        return cls(
            eligible_cost_types=frozenset(guideline.eligible_cost_types),
            max_per_application=guideline.max_per_application,
            max_per_participant=guideline.max_per_participant,
            min_cofunding_percent=guideline.min_cofunding_percent,
            requires_strategy=guideline.requires_strategy,
            plan_strategy_ids=frozenset(plan.strategies.values_list("pk", flat=True))
            if plan else frozenset(),
            shortage_ssyk_codes=frozenset(plan.shortage_occupations.values_list(
                "ssyk_code", flat=True)) if plan else frozenset(),
            rounds=tuple(Round(r.name, r.opens_at, r.closes_at)
                         for r in guideline.rounds.all()),
        )


@dataclass(frozen=True)
class BudgetLine:
    cost_type: str
    amount: Decimal


@dataclass(frozen=True)
class ApplicationData:
    """What the check needs to know about an application."""

    budget: Sequence[BudgetLine]
    participants: int
    cofunding: Decimal = Decimal("0.00")
    strategy_ids: Iterable[int] = ()
    occupation_codes: Iterable[str] = ()
    at: datetime | None = None  # the moment of submission; now if None

    @property
    def requested(self) -> Decimal:
        return sum((line.amount for line in self.budget), Decimal("0.00"))


@dataclass
class _Findings:
    items: list[Finding] = field(default_factory=list)

    def error(self, code: str, message: str) -> None:
        self.items.append(Finding(Severity.ERROR, code, message))

    def warning(self, code: str, message: str) -> None:
        self.items.append(Finding(Severity.WARNING, code, message))


def _percent(value: Decimal, *, unlike: Decimal | None = None) -> str:
    """A percentage in Swedish with one decimal, or as many more (up to six) as it takes
    to tell it from ``unlike``: 9,99998 % is never shown as the 10 % it falls short of."""
    for places in range(1, 7):
        shown = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if unlike is None or shown != unlike:
            break
    else:  # closer than a millionth: cut, never round up to what it falls short of
        shown = value.quantize(Decimal("0.000001"), rounding=ROUND_DOWN)
    text = f"{shown.normalize():f}" if places > 1 else f"{shown:f}"
    text = text.replace(".", ",")
    return text.removesuffix(",0") + "\xa0%"


def guideline_check(rules: GuidelineRules, application: ApplicationData) -> list[Finding]:
    """Every rule of the guideline the application breaks or strains, errors first."""
    out = _Findings()
    labels = dict(CostType.choices)
    requested = application.requested

    for line in application.budget:
        if line.cost_type not in rules.eligible_cost_types:
            out.error("cost_type_not_eligible",
                      _("%(cost)s is not an eligible cost in this fund.")
                      % {"cost": labels.get(line.cost_type, line.cost_type)})
    if requested <= 0:
        out.error("no_amount", _("Enter at least one budget line with an amount."))
    if rules.max_per_application is not None and requested > rules.max_per_application:
        out.error("over_application_ceiling",
                  _("The application asks for %(requested)s; at most %(ceiling)s may be "
                    "granted per application.")
                  % {"requested": format_money(requested),
                     "ceiling": format_money(rules.max_per_application)})
    if application.participants < 1:
        out.error("no_participants", _("State how many will take part."))
    elif (rules.max_per_participant is not None
          and requested > rules.max_per_participant * application.participants):
        per_person = (requested / application.participants).quantize(Decimal("0.01"))
        out.error("over_participant_ceiling",
                  _("%(amount)s per participant is more than the ceiling of %(ceiling)s.")
                  % {"amount": format_money(per_person),
                     "ceiling": format_money(rules.max_per_participant)})

    strategy_ids = set(application.strategy_ids)
    if rules.requires_strategy and not strategy_ids:
        out.error("no_strategy", _("Link the application to at least one strategy of the "
                                   "competence-supply plan."))
    if strategy_ids - rules.plan_strategy_ids:
        out.error("strategy_not_in_plan", _("A linked strategy is not part of the fund's "
                                            "competence-supply plan."))

    at = application.at or timezone.now()
    if rules.rounds and not any(r.is_open(at) for r in rules.rounds):
        upcoming = sorted((r for r in rules.rounds if r.opens_at > at),
                          key=lambda r: r.opens_at)
        if upcoming:
            when = timezone.localtime(upcoming[0].opens_at).strftime("%Y-%m-%d %H:%M")
            out.error("round_closed", _("No application round is open. The next one opens "
                                        "%(when)s.") % {"when": when})
        else:
            out.error("round_closed", _("No application round is open."))

    if rules.min_cofunding_percent > 0 and requested > 0:
        total = requested + application.cofunding
        # compared exactly (cross-multiplied, no division): 9,99998 % is below 10 %
        if application.cofunding * 100 < rules.min_cofunding_percent * total:
            share = application.cofunding * 100 / total
            out.warning("low_cofunding",
                        _("The unit's co-funding is %(share)s of the cost; the guidelines "
                          "ask for at least %(minimum)s.")
                        % {"share": _percent(share, unlike=rules.min_cofunding_percent),
                           "minimum": _percent(rules.min_cofunding_percent)})
    codes = set(application.occupation_codes)
    if rules.shortage_ssyk_codes and codes and not codes & rules.shortage_ssyk_codes:
        out.warning("not_shortage_occupation",
                    _("None of the target occupations is a shortage occupation in the plan."))
    return sorted(out.items, key=lambda f: f.severity != Severity.ERROR)


@dataclass(frozen=True)
class Delegation:
    max_amount: Decimal
    delegation_point: str
    delegate: str  # the role's or the person's name, for display


def delegate_for(delegations: Iterable[Delegation], amount: Decimal) -> Delegation | None:
    """Who may decide ``amount``: the delegation with the lowest limit that covers it, or
    None when only the body itself may decide (at a meeting)."""
    covering = [d for d in delegations if amount <= d.max_amount]
    return min(covering, key=lambda d: d.max_amount) if covering else None
