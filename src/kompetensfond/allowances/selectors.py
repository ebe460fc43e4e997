"""Reads of schemes, allowances and claims, each scoped to what the user may see:
case officers, secretaries and politicians or auditors the whole municipality; a manager
the units they manage; an employee their own allowance only (anything else is a 404)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from kompetensfond.core.money import MoneySum
from kompetensfond.core.permissions import (
    check,
    municipality_of,
    reads_whole_municipality,
)
from kompetensfond.ledger.selectors import subject_balance
from kompetensfond.ledger.services import Subject
from kompetensfond.organisation.models import Employee, Gender, Occupation, OrgUnit
from kompetensfond.organisation.selectors import employee_of, managed_unit_paths, subtree_q
from kompetensfond.reports.selectors import administration_of, percent_of, units_in

from .models import Allowance, AllowanceScheme, Claim, ClaimCategory, ClaimStatus
from .permissions import can_view_schemes
from .rules import ZERO, Rules, allowance_amount, employed_q, leaves, remaining

CLAIMED = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PAID)
USED = (ClaimStatus.APPROVED, ClaimStatus.PAID)


def scheme_list(*, user: Any) -> QuerySet[AllowanceScheme]:
    check(can_view_schemes(user))
    return (AllowanceScheme.objects.filter(municipality=municipality_of(user))
            .select_related("fund", "earmark").order_by("-period_start", "name"))


def access_scheme(user: Any, pk: int | str) -> AllowanceScheme:
    return get_object_or_404(scheme_list(user=user), pk=pk)


def _visible_allowances(user: Any) -> QuerySet[Allowance]:
    qs = Allowance.objects.filter(scheme__municipality=municipality_of(user))
    if reads_whole_municipality(user):
        return qs
    scope = subtree_q(managed_unit_paths(user), "employee__unit")
    employee = employee_of(user)
    if employee is not None:
        scope |= Q(employee=employee)
    return qs.filter(scope)


def allowance_list(*, user: Any, scheme: AllowanceScheme | None = None, search: str = "",
                   unit: Any = None, status: str = "") -> QuerySet[Allowance]:
    qs = _visible_allowances(user).select_related("employee", "unit", "scheme",
                                                  "employee__occupation")
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    for word in search.split():
        match = Q()
        for variant in {word, word.lower(), word.capitalize(), word.upper()}:
            match |= (Q(employee__first_name__icontains=variant)
                      | Q(employee__last_name__icontains=variant)
                      | Q(employee__employee_number__icontains=variant))
        qs = qs.filter(match)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(claimed=MoneySum("claims__cost", filter=Q(claims__status__in=CLAIMED)))


def access_allowance(user: Any, pk: int | str) -> Allowance:
    return get_object_or_404(allowance_list(user=user), pk=pk)


def with_remaining(allowances: Any) -> list[Allowance]:
    """The allowances with ``left`` (what can still be claimed) set."""
    out = list(allowances)
    for allowance in out:
        claimed = allowance.claimed or ZERO
        allowance.left = remaining(allowance.amount, allowance.released, claimed)  # type: ignore[attr-defined]
    return out


def my_allowances(user: Any) -> list[Allowance]:
    employee = employee_of(user)
    if employee is None:
        return []
    return with_remaining(allowance_list(user=user).filter(employee=employee)
                          .order_by("-scheme__period_start"))


def claim_list(*, user: Any, status: str = "", scheme: AllowanceScheme | None = None
               ) -> QuerySet[Claim]:
    qs = (Claim.objects.filter(allowance__in=_visible_allowances(user).values("pk"))
          .select_related("allowance__employee", "allowance__scheme", "allowance__unit",
                          "decided_by"))
    if status:
        qs = qs.filter(status=status)
    if scheme is not None:
        qs = qs.filter(allowance__scheme=scheme)
    return qs.order_by("-submitted_at", "-pk")


def access_claim(user: Any, pk: int | str) -> Claim:
    return get_object_or_404(claim_list(user=user), pk=pk)


def _waiting_for(user: Any) -> QuerySet[Claim] | None:
    paths = managed_unit_paths(user)
    if not paths:
        return None
    qs = (Claim.objects.filter(status=ClaimStatus.SUBMITTED,
                               allowance__scheme__municipality=municipality_of(user))
          .filter(subtree_q(paths, "allowance__employee__unit"))
          .exclude(allowance__employee__user=user)
          .select_related("allowance__employee", "allowance__unit"))
    employee = employee_of(user)
    if employee is not None:
        qs = qs.exclude(allowance__employee=employee)
    return qs


def claims_waiting_for(user: Any) -> list[Claim]:
    """Claims of the staff in the units the user manages that wait for a decision (never
    the user's own), oldest first."""
    qs = _waiting_for(user)
    return [] if qs is None else list(qs.order_by("submitted_at", "pk")[:200])


def claims_waiting_count(user: Any) -> int:
    """How many claims wait for the user's decision (the navigation's count)."""
    qs = _waiting_for(user)
    return 0 if qs is None else qs.count()


# -- figures ---------------------------------------------------------------------------

@dataclass
class SchemeFigures:
    employees: int
    allocated: Decimal  # given to employees
    released: Decimal  # forfeited or expired, back in the fund
    pending: Decimal  # claims waiting for the manager
    approved: Decimal  # approved, not paid
    paid: Decimal
    reserved: Decimal  # the ledger's reserved balance of the scheme
    committed: Decimal
    disbursed: Decimal

    @property
    def used(self) -> Decimal:
        """Approved or paid."""
        return self.approved + self.paid

    @property
    def left(self) -> Decimal:
        return self.allocated - self.released - self.pending - self.approved - self.paid

    @property
    def agrees_with_ledger(self) -> bool:
        """The ledger holds exactly what the allowances say: reserved = allocated less
        released less used, committed = approved, disbursed = paid."""
        return (self.reserved == self.allocated - self.released - self.approved - self.paid
                and self.committed == self.approved and self.disbursed == self.paid)


def scheme_figures(scheme: AllowanceScheme) -> SchemeFigures:
    totals = scheme.allowances.aggregate(n=Count("pk"), allocated=MoneySum("amount"),
                                         released=MoneySum("released"))
    by_status = dict(Claim.objects.filter(allowance__scheme=scheme).values_list("status")
                     .annotate(total=MoneySum("cost")).order_by())

    def money(value: Decimal | None) -> Decimal:
        return value if value is not None else ZERO

    ledger = subject_balance(scheme.fund, *_subject(scheme))
    return SchemeFigures(
        employees=totals["n"], allocated=money(totals["allocated"]),
        released=money(totals["released"]), pending=money(by_status.get(ClaimStatus.SUBMITTED)),
        approved=money(by_status.get(ClaimStatus.APPROVED)),
        paid=money(by_status.get(ClaimStatus.PAID)), reserved=ledger.reserved,
        committed=ledger.committed, disbursed=ledger.disbursed)


def _subject(scheme: AllowanceScheme) -> tuple[str, str]:
    subject = Subject.of(scheme)
    return subject.type, subject.id


@dataclass
class UptakeRow:
    label: str
    employees: int
    allocated: Decimal
    used: Decimal  # approved or paid
    released: Decimal
    unused_employees: int  # with no approved or paid claim

    @property
    def share_used(self) -> Decimal | None:
        return percent_of(self.used, self.allocated)


UPTAKE_GROUPS = ("unit", "administration", "occupation", "gender")


def uptake(user: Any, scheme: AllowanceScheme, by: str) -> list[UptakeRow]:
    """Uptake of a scheme's allowances grouped ``by`` unit, administration, occupation or
    gender: allocated, used (approved or paid), returned to the fund, and how many
    employees used none. Scoped like the allowances (a manager: their units)."""
    rows = (_visible_allowances(user).filter(scheme=scheme)
            .values_list("pk", "unit_id", "employee__occupation__ssyk_code",
                         "employee__occupation__name_sv", "employee__occupation__name_en",
                         "employee__gender", "amount", "released"))
    used = dict(Claim.objects.filter(allowance__scheme=scheme, status__in=USED)
                .values_list("allowance_id").annotate(total=MoneySum("cost")).order_by())
    units = units_in(scheme.municipality)
    genders = dict(Gender.choices)
    groups: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO, ZERO, ZERO, 0])
    for pk, unit_id, code, name_sv, name_en, gender, amount, released in rows:
        if by == "unit":
            label = units[unit_id].name if unit_id in units else "–"
        elif by == "administration":
            label = administration_of(units[unit_id], units).name if unit_id in units else "–"
        elif by == "occupation":
            label = f"{code} {name_sv or name_en}" if code else "–"
        else:
            label = str(genders.get(gender, gender))
        spent = used.get(pk) or ZERO
        group = groups[label]
        group[0] += 1
        group[1] += amount
        group[2] += spent
        group[3] += released
        group[4] += 0 if spent else 1
    return [UptakeRow(label, *values) for label, values in sorted(groups.items())]


def spending(user: Any, scheme: AllowanceScheme) -> list[tuple[str, int, Decimal]]:
    """What the approved and paid claims were spent on: (kind of cost, claims, amount)."""
    labels = dict(ClaimCategory.choices)
    rows = (claim_list(user=user, scheme=scheme).filter(status__in=USED)
            .values_list("category").annotate(n=Count("pk"), total=MoneySum("cost"))
            .order_by("category"))
    return [(str(labels.get(category, category)), n, total)
            for category, n, total in rows]


# -- eligibility ----------------------------------------------------------------------

def rules_of(scheme: AllowanceScheme) -> Rules:
    return Rules(amount=scheme.amount, period_start=scheme.period_start,
                 period_end=scheme.period_end, cutoff_date=scheme.cutoff_date,
                 min_rate=scheme.min_employment_rate,
                 prorate_by_rate=scheme.prorate_by_rate,
                 prorate_by_start=scheme.prorate_by_start)


def eligible_amounts(scheme: AllowanceScheme, on: date, *, occupations: Sequence[Occupation],
                     units: Sequence[OrgUnit]) -> list[tuple[int, int, Decimal]]:
    """(employee id, unit id, amount) of everyone the scheme gives an allowance on ``on``;
    leavers whom the leaver rule already excludes are left out."""
    rules = rules_of(scheme)
    staff = Employee.objects.filter(municipality_id=scheme.municipality_id).filter(
        employed_q(rules, on), employment_rate__gte=rules.min_rate)
    if units:
        staff = staff.filter(subtree_q([u.path for u in units]))
    if occupations:
        staff = staff.filter(occupation__in=[o.pk for o in occupations])
    out = []
    for pk, unit_id, rate, start, end in staff.values_list(
            "pk", "unit_id", "employment_rate", "start_date", "end_date").order_by("pk"):
        if leaves(scheme.leaver_rule, end, on):
            continue
        amount = allowance_amount(rules, Decimal(str(rate)), start)
        if amount > 0:
            out.append((pk, unit_id, amount))
    return out


def claimed_per_allowance(allowance_ids: Iterable[int]) -> dict[int, Decimal]:
    """What each allowance has pending, approved or paid."""
    rows = (Claim.objects.filter(allowance_id__in=list(allowance_ids), status__in=CLAIMED)
            .values_list("allowance_id").annotate(total=MoneySum("cost")).order_by())
    return dict(rows)
