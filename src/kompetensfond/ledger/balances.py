"""The stored figures of the ledger: each account's balance and the fund's totals per
(account kind, earmark, month) and per (account kind, unit, month).

``lock_and_post()`` takes the fund lock and adds one transaction's entries to them; the
ledger services call it in the transaction that writes the entries, and nothing else
writes them.
``expected_*()`` recompute the same figures from the entries, for ``ledger-check``, the
tests and ``rebuild()`` (a migration or a bulk load).

On PostgreSQL the additions are done by the database (``balance = balance + %s …
RETURNING``, ``INSERT … ON CONFLICT DO UPDATE``): one statement each, exact ``numeric``.
SQLite has no decimal arithmetic (it would add floating-point numbers and let the error
grow with every update), so there the new figures are computed in Python from the stored
ones and written back; SQLite lets one writer at a time, so read-then-write is safe.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models.functions import TruncMonth

from kompetensfond.core.money import MoneySum, to_money
from kompetensfond.funds.models import Earmark, Fund, FundStatus

from .models import LedgerAccount, LedgerEntry, LedgerMonthTotal, LedgerUnitTotal

ZERO = Decimal("0.00")
FUNDS = Fund._meta.db_table
EARMARKS = Earmark._meta.db_table
ACCOUNTS = LedgerAccount._meta.db_table
MONTHS = LedgerMonthTotal._meta.db_table
UNITS = LedgerUnitTotal._meta.db_table

MonthKey = tuple[int, str, int, date]  # fund, kind, earmark (0: none), first of the month
UnitKey = tuple[int, str, int, date]  # fund, kind, unit (0: none), first of the month


@dataclass(frozen=True)
class Posting:
    """One entry as the stored figures see it."""

    account_id: int
    kind: str
    earmark_id: int | None
    amount: Decimal


def first_of_month(on: date) -> date:
    return date(on.year, on.month, 1)


def _summed(items: Iterable[tuple[Any, Decimal]]) -> dict[Any, Decimal]:
    out: dict[Any, Decimal] = defaultdict(lambda: ZERO)
    for key, amount in items:
        out[key] += amount
    return dict(out)


def lock_and_post(fund_id: int, earmark_id: int | None, on: date, unit_id: int | None,
                  postings: Sequence[Posting]) -> tuple[bool, dict[int, Decimal]]:
    """Lock the fund row (then the earmark's) and add one transaction's entries to the
    stored figures; return whether the fund is open and the accounts' new balances.

    The lock is ``FOR NO KEY UPDATE``: it serialises every writer of the fund but does not
    wait for the key-share locks that the entries' foreign keys take on the fund row. It is
    held until the commit, so on PostgreSQL the lock and the additions go to the server in
    one round trip (Django's psycopg cursor binds client-side, which allows several
    statements in one call): measured on 2 cores with 200 clients, each extra round trip
    inside the lock waits for the lock-holder's thread to be scheduled again. SQLite has no
    row locks (one writer at a time): there the fund is only read."""
    month = first_of_month(on)
    accounts = _summed((p.account_id, p.amount) for p in postings)
    months = _summed(((fund_id, p.kind, p.earmark_id or 0, month), p.amount) for p in postings)
    units = _summed(((fund_id, p.kind, unit_id or 0, month), p.amount) for p in postings)
    if connection.vendor == "postgresql":
        return _lock_and_post_postgresql(fund_id, earmark_id, accounts, months, units)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM {FUNDS} WHERE id = %s", [fund_id])
        (status,) = cursor.fetchone()
    return status == FundStatus.OPEN, _post_in_python(accounts, months, units)


def _lock_and_post_postgresql(fund_id: int, earmark_id: int | None,
                              accounts: dict[int, Decimal], months: dict[MonthKey, Decimal],
                              units: dict[UnitKey, Decimal]
                              ) -> tuple[bool, dict[int, Decimal]]:
    ids = sorted(accounts)
    statements = [f"SELECT status FROM {FUNDS} WHERE id = %s FOR NO KEY UPDATE"]
    params: list[Any] = [fund_id]
    if earmark_id is not None:
        statements.append(f"SELECT id FROM {EARMARKS} WHERE id = %s FOR NO KEY UPDATE")
        params.append(earmark_id)
    # an IN list with a CASE, not a join with VALUES: the rows are looked up by primary key
    # (a join scanned the whole accounts table inside the lock)
    statements.append(
        f"UPDATE {ACCOUNTS} SET balance = balance + CASE id "
        + " ".join(["WHEN %s THEN %s::numeric"] * len(ids))
        + f" END WHERE id IN ({', '.join(['%s'] * len(ids))}) RETURNING id, balance")
    params += [*(x for pk in ids for x in (pk, accounts[pk])), *ids]
    for table, keys, totals in ((MONTHS, MONTH_KEY, months), (UNITS, UNIT_KEY, units)):
        statements.append(_add_to_totals_sql(table, keys, len(totals)))
        params += [x for key, amount in sorted(totals.items()) for x in (*key, amount)]
    with connection.cursor() as cursor:
        cursor.execute(";\n".join(statements), params)
        (status,) = cursor.fetchone()
        if earmark_id is not None:
            cursor.nextset()
        cursor.nextset()
        balances = dict(cursor.fetchall())
    return status == FundStatus.OPEN, balances


MONTH_KEY = ("fund_id", "kind", "earmark_key", "month")
UNIT_KEY = ("fund_id", "kind", "unit_key", "month")


def _add_to_totals_sql(table: str, keys: Sequence[str], rows: int) -> str:
    """``INSERT … ON CONFLICT DO UPDATE`` adding ``rows`` amounts to a totals table."""
    row = "(" + ", ".join(["%s"] * (len(keys) + 1)) + ")"
    return (f"INSERT INTO {table} ({', '.join(keys)}, amount) VALUES "
            + ", ".join([row] * rows)
            + f" ON CONFLICT ({', '.join(keys)}) DO UPDATE "
            f"SET amount = {table}.amount + EXCLUDED.amount")


def _post_in_python(accounts: dict[int, Decimal], months: dict[MonthKey, Decimal],
                    units: dict[UnitKey, Decimal]) -> dict[int, Decimal]:
    balances = {pk: to_money(balance) + accounts[pk] for pk, balance in
                LedgerAccount.objects.filter(pk__in=accounts).values_list("pk", "balance")}
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {ACCOUNTS} SET balance = %s WHERE id = %s",
                           [(str(balance), pk) for pk, balance in sorted(balances.items())])
        for (fund_id, kind, earmark, month), amount in months.items():
            _add_row(cursor, MONTHS, {"fund_id": fund_id, "kind": kind,
                                      "earmark_key": earmark, "month": month}, amount)
        for (fund_id, kind, unit, month), amount in units.items():
            _add_row(cursor, UNITS, {"fund_id": fund_id, "kind": kind, "unit_key": unit,
                                     "month": month}, amount)
    return balances


def _add_row(cursor: Any, table: str, key: dict[str, Any], amount: Decimal) -> None:
    where = " AND ".join(f"{column} = %s" for column in key)
    cursor.execute(f"SELECT amount FROM {table} WHERE {where}", list(key.values()))
    row = cursor.fetchone()
    if row is None:
        cursor.execute(f"INSERT INTO {table} ({', '.join(key)}, amount) VALUES "
                       f"({', '.join(['%s'] * (len(key) + 1))})",
                       [*key.values(), str(amount)])
    else:
        total = to_money(Decimal(str(row[0])).quantize(Decimal("0.01"))) + amount
        cursor.execute(f"UPDATE {table} SET amount = %s WHERE {where}",
                       [str(total), *key.values()])


# -- the same figures, recomputed from the entries ---------------------------------------

def _entries(fund_id: int | None) -> Any:
    entries = LedgerEntry.objects.all()
    return entries if fund_id is None else entries.filter(account__fund_id=fund_id)


def expected_balances(fund_id: int | None = None) -> dict[int, Decimal]:
    """Every account's balance as the sum of its entries (accounts without any: 0)."""
    accounts = LedgerAccount.objects.all()
    if fund_id is not None:
        accounts = accounts.filter(fund_id=fund_id)
    sums = dict(_entries(fund_id).values_list("account_id").annotate(total=MoneySum("amount"))
                .order_by())
    return {pk: sums.get(pk, ZERO) for pk in accounts.values_list("pk", flat=True)}


def expected_month_totals(fund_id: int | None = None) -> dict[MonthKey, Decimal]:
    rows = (_entries(fund_id)
            .values_list("account__fund_id", "account__kind", "account__earmark_id",
                         TruncMonth("transaction__date"))
            .annotate(total=MoneySum("amount")).order_by())
    return _summed(((fund, kind, earmark or 0, _as_date(month)), total)
                   for fund, kind, earmark, month, total in rows)


def expected_unit_totals(fund_id: int | None = None) -> dict[UnitKey, Decimal]:
    rows = (_entries(fund_id)
            .values_list("account__fund_id", "account__kind", "transaction__org_unit_id",
                         TruncMonth("transaction__date"))
            .annotate(total=MoneySum("amount")).order_by())
    return _summed(((fund, kind, unit or 0, _as_date(month)), total)
                   for fund, kind, unit, month, total in rows)


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def stored_month_totals(fund_id: int | None = None) -> dict[MonthKey, Decimal]:
    rows = LedgerMonthTotal.objects.all()
    if fund_id is not None:
        rows = rows.filter(fund_id=fund_id)
    return _summed(((r.fund_id, r.kind, r.earmark_key, r.month), r.amount) for r in rows)


def stored_unit_totals(fund_id: int | None = None) -> dict[UnitKey, Decimal]:
    rows = LedgerUnitTotal.objects.all()
    if fund_id is not None:
        rows = rows.filter(fund_id=fund_id)
    return _summed(((r.fund_id, r.kind, r.unit_key, r.month), r.amount) for r in rows)


def stored_balances(fund_id: int | None = None) -> dict[int, Decimal]:
    accounts = LedgerAccount.objects.all()
    if fund_id is not None:
        accounts = accounts.filter(fund_id=fund_id)
    return dict(accounts.values_list("pk", "balance"))


@dataclass(frozen=True)
class Difference:
    what: str  # "account", "month" or "unit"
    key: Any
    stored: Decimal
    expected: Decimal

    def __str__(self) -> str:
        return f"{self.what} {self.key}: stored {self.stored}, entries {self.expected}"


def differences(fund_id: int | None = None) -> list[Difference]:
    """Every stored figure that is not the sum of its entries (none: the ledger agrees)."""
    out: list[Difference] = []
    pairs: tuple[tuple[str, dict[Any, Decimal], dict[Any, Decimal]], ...] = (
        ("account", stored_balances(fund_id), expected_balances(fund_id)),
             ("month", stored_month_totals(fund_id), expected_month_totals(fund_id)),
             ("unit", stored_unit_totals(fund_id), expected_unit_totals(fund_id)))
    for what, stored, expected in pairs:
        for key in sorted(set(stored) | set(expected), key=str):
            have, want = stored.get(key, ZERO), expected.get(key, ZERO)
            if have != want:
                out.append(Difference(what, key, have, want))
    return out


def rebuild(fund_id: int) -> None:
    """Set one fund's stored figures to what its entries say. For a migration or a bulk
    load of entries written without the services (benchmarks); never on the request path."""
    balances = expected_balances(fund_id)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {ACCOUNTS} SET balance = %s WHERE id = %s",
                           [(str(amount), pk) for pk, amount in balances.items()])
        cursor.execute(f"DELETE FROM {MONTHS} WHERE fund_id = %s", [fund_id])
        cursor.execute(f"DELETE FROM {UNITS} WHERE fund_id = %s", [fund_id])
        months = expected_month_totals(fund_id)
        if months:
            cursor.executemany(
                f"INSERT INTO {MONTHS} (fund_id, kind, earmark_key, month, amount) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(*key, str(amount)) for key, amount in months.items()])
        units = expected_unit_totals(fund_id)
        if units:
            cursor.executemany(
                f"INSERT INTO {UNITS} (fund_id, kind, unit_key, month, amount) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(*key, str(amount)) for key, amount in units.items()])
