"""Reads of the ledger: balances are always sums of entries, computed by the database in a
few grouped aggregates (never stored totals)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kompetensfond.core.money import MoneySum
from kompetensfond.funds.models import Fund
from kompetensfond.organisation.models import OrgUnit

from .models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerMonthTotal,
    LedgerTransaction,
    LedgerUnitTotal,
)

ZERO = Decimal("0.00")


@dataclass
class Balance:
    """What a fund (or an earmark) holds, from its entries. ``capital`` is what was put in
    (net of reversals); ``available`` includes the earmarks' available money and
    ``unearmarked`` is the part of it outside every earmark."""

    capital: Decimal = ZERO
    available: Decimal = ZERO
    unearmarked: Decimal = ZERO
    earmarked: Decimal = ZERO
    reserved: Decimal = ZERO
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO

    @property
    def used(self) -> Decimal:
        """Promised or paid: committed + disbursed."""
        return self.committed + self.disbursed

    @property
    def total(self) -> Decimal:
        return self.available + self.reserved + self.committed + self.disbursed

    def add(self, kind: str, earmarked: bool, amount: Decimal) -> None:
        if kind == AccountKind.EXTERNAL:
            self.capital -= amount
        elif kind == AccountKind.AVAILABLE:
            self.available += amount
            if earmarked:
                self.earmarked += amount
            else:
                self.unearmarked += amount
        else:
            setattr(self, kind, getattr(self, kind) + amount)

    def as_dict(self) -> dict[str, Decimal]:
        return {"capital": self.capital, "available": self.available,
                "unearmarked": self.unearmarked, "earmarked": self.earmarked,
                "reserved": self.reserved, "committed": self.committed,
                "disbursed": self.disbursed}


def fund_balances(fund_ids: list[int]) -> dict[int, Balance]:
    """Balances of several funds in one grouped query over their month totals (a few rows
    per fund and month, however many entries the funds hold)."""
    result = {pk: Balance() for pk in fund_ids}
    rows = (LedgerMonthTotal.objects.filter(fund_id__in=fund_ids)
            .values("fund_id", "kind", earmarked=~Q(earmark_key=0))
            .annotate(total=MoneySum("amount")).order_by())
    for row in rows:
        result[row["fund_id"]].add(row["kind"], row["earmarked"], row["total"])
    return result


def fund_balance(fund: Fund) -> Balance:
    return fund_balances([fund.pk])[fund.pk]


def earmark_available(earmark: Any) -> Decimal:
    """Money left in an earmark (or an administration's frame): its ``available`` account's
    stored balance."""
    balance = (LedgerAccount.objects.filter(fund_id=earmark.fund_id, earmark_id=earmark.pk,
                                            kind=AccountKind.AVAILABLE, subject_type="")
               .values_list("balance", flat=True).first())
    return balance if balance is not None else ZERO


def account_balances(fund: Fund) -> dict[int, Decimal]:
    """Balance of every account of the fund summed from its entries (the reference the
    tests and ``ledger-check`` hold the stored balances to)."""
    rows = (LedgerEntry.objects.filter(account__fund=fund).values("account_id")
            .annotate(total=MoneySum("amount")).order_by())
    return {row["account_id"]: row["total"] for row in rows}


def subject_balance(fund: Fund, subject_type: str, subject_id: str) -> Balance:
    """Reserved/committed/disbursed for one application, allowance scheme … from its
    accounts' stored balances."""
    result = Balance()
    rows = (LedgerAccount.objects.filter(fund=fund, subject_type=subject_type,
                                         subject_id=subject_id)
            .values_list("kind", "balance"))
    for kind, balance in rows:
        result.add(kind, False, balance)
    return result


@dataclass
class MonthPoint:
    """Cumulative figures at the end of a month (None for months still to come)."""

    month: date
    capital: Decimal | None
    available: Decimal | None
    disbursed: Decimal | None


@dataclass
class AdministrationUse:
    unit: OrgUnit | None
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO

    @property
    def used(self) -> Decimal:
        return self.committed + self.disbursed


@dataclass
class Dashboard:
    balance: Balance
    earmarks: dict[int, Balance] = field(default_factory=dict)
    months: list[MonthPoint] = field(default_factory=list)
    administrations: list[AdministrationUse] = field(default_factory=list)


def _months(start: date, end: date) -> list[date]:
    months, current = [], date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _dashboard_rows(fund: Fund) -> tuple[list[tuple[str, int | None, date, Decimal]],
                                         list[tuple[str, int | None, Decimal]]]:
    """(kind, earmark, month, sum) and (kind, unit, sum) rows of the fund, read from the
    totals the ledger services keep with the entries: two small indexed reads whose cost
    depends on the fund's months, earmarks and units, not on its number of entries."""
    months = [(kind, earmark or None, month, amount) for kind, earmark, month, amount in
              LedgerMonthTotal.objects.filter(fund=fund)
              .values_list("kind", "earmark_key", "month", "amount")]
    units = [(kind, unit or None, amount) for kind, unit, amount in
             LedgerUnitTotal.objects.filter(fund=fund).values_list("kind", "unit_key")
             .annotate(total=MoneySum("amount")).order_by()]
    return months, units


def fund_dashboard(fund: Fund, *, today: date) -> Dashboard:
    """Everything the fund's dashboard shows, from the fund's stored totals: balances per
    earmark and month (the totals, the earmarks, the burn-down) and use per unit (folded
    into administrations)."""
    board = Dashboard(balance=Balance())
    by_month: dict[date, Balance] = defaultdict(Balance)
    per_month, per_unit_rows = _dashboard_rows(fund)
    for kind, earmark_id, month, amount in per_month:
        board.balance.add(kind, earmark_id is not None, amount)
        by_month[month].add(kind, False, amount)
        if earmark_id is not None:
            board.earmarks.setdefault(earmark_id, Balance()).add(kind, True, amount)

    # The burn-down covers the whole period (and any later month with movements); months
    # after today have no figures yet.
    last = max([fund.end_date, *by_month])
    capital = available = disbursed = ZERO
    for month in _months(fund.start_date, last):
        step = by_month.get(month)
        if step is not None:
            capital += step.capital
            available += step.available
            disbursed += step.disbursed
        if month > today and step is None:
            board.months.append(MonthPoint(month, None, None, None))
        else:
            board.months.append(MonthPoint(month, capital, available, disbursed))

    per_unit: dict[int | None, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for kind, unit_id, amount in per_unit_rows:
        if kind in (AccountKind.COMMITTED, AccountKind.DISBURSED):
            per_unit[unit_id][kind] += amount
    board.administrations = administration_use(fund, per_unit)
    return board


def administration_use(fund: Fund, per_unit: dict[int | None, dict[str, Decimal]]
                       ) -> list[AdministrationUse]:
    """Fold use per unit into use per administration (the unit's top-level ancestor)."""
    unit_ids = [pk for pk in per_unit if pk is not None]
    paths = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    root_ids = {pk: int(path.strip("/").split("/")[0]) for pk, path in paths.items()}
    roots = OrgUnit.objects.in_bulk(set(root_ids.values()))
    result: dict[int | None, AdministrationUse] = {}
    for unit_id, kinds in per_unit.items():
        root = root_ids.get(unit_id) if unit_id is not None else None
        use = result.setdefault(root, AdministrationUse(roots.get(root) if root else None))
        use.committed += kinds.get(AccountKind.COMMITTED, ZERO)
        use.disbursed += kinds.get(AccountKind.DISBURSED, ZERO)
    return sorted((u for u in result.values() if u.used or u.committed or u.disbursed),
                  key=lambda u: (u.unit is None, -u.used))


def transaction_list(
    fund: Fund, *, kind: str = "", start: date | None = None, end: date | None = None,
    administration: OrgUnit | None = None, earmark_id: int | None = None,
    with_amounts: bool = True,
) -> QuerySet[LedgerTransaction]:
    """The fund's transactions, newest first, with ``amount`` (the sum moved) annotated
    and what the list shows joined; ``with_amounts=False``: the bare rows (to page)."""
    qs = LedgerTransaction.objects.filter(fund=fund)
    if kind:
        qs = qs.filter(kind=kind)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    if administration is not None:
        qs = qs.filter(org_unit__path__startswith=administration.path)
    if earmark_id:
        qs = qs.filter(earmark_id=earmark_id)
    if not with_amounts:
        return qs.order_by("-date", "-pk")
    return (qs.select_related("earmark", "org_unit", "actor", "reverses")
            .annotate(amount=MoneySum("entries__amount", filter=Q(entries__amount__gt=0)))
            .order_by("-date", "-pk"))


def access_transaction(fund: Fund, pk: int | str) -> LedgerTransaction:
    return get_object_or_404(
        LedgerTransaction.objects.filter(fund=fund).select_related(
            "earmark", "org_unit", "actor", "reverses"),
        pk=pk,
    )


def transaction_entries(transaction: LedgerTransaction) -> QuerySet[LedgerEntry]:
    return transaction.entries.select_related("account", "account__earmark").order_by("pk")


def accounts_used(fund: Fund) -> QuerySet[LedgerAccount]:
    return LedgerAccount.objects.filter(fund=fund)
