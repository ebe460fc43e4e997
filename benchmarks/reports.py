"""Report pages on a large fund (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/reports.py

A municipality with 200 units and 30,000 employees, and a fund with --grants decided
applications (100,000 by default), each linked to a strategy, and --entries ledger entries
(1,000,000 by default: each grant's commitment and payments, some returns), written in
bulk with the ledger's stored figures rebuilt from them. Each report page is requested as a
logged-in case officer through Django's test client (the whole response: queries, Python,
template), with and without a period; printed: median and slowest of --runs requests
after one warm-up, and the number of queries. Target: ≤ 300 ms per page.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from _setup import fresh_database

from kompetensfond.core.actors import SYSTEM

TARGET_MS = 300


def build(grants: int, entries: int) -> tuple[object, object]:
    """The municipality's case officer and the fund."""
    from django.db import connection

    from kompetensfond.applications.models import Application, Decision, Outcome, Status
    from kompetensfond.core.accounts import municipality_create
    from kompetensfond.core.models import Membership, Role, RoleAssignment, User
    from kompetensfond.funds.models import Earmark, Fund
    from kompetensfond.ledger.balances import rebuild
    from kompetensfond.ledger.models import (
        AccountKind,
        LedgerAccount,
        LedgerEntry,
        LedgerTransaction,
    )
    from kompetensfond.organisation.models import Employee, Gender
    from kompetensfond.organisation.services import body_create, org_unit_create
    from kompetensfond.plans.models import Plan, Strategy

    rng = random.Random(11)
    municipality = municipality_create(actor=SYSTEM, name="Storstad", slug="storstad",
                                       organisation_number="212000-1850")
    body = body_create(actor=SYSTEM, municipality=municipality, name="Kommunstyrelsen",
                       kind="executive_board")
    sectors = ["education", "elderly_care", "social_services", "culture_leisure", "other"]
    units = []
    for a in range(10):
        top = org_unit_create(actor=SYSTEM, municipality=municipality, name=f"Förvaltning {a}",
                              cost_centre=f"{a + 1}000", sector=sectors[a % 5])
        units.append(top)
        units += [org_unit_create(actor=SYSTEM, municipality=municipality,
                                  name=f"Enhet {a}.{u}", cost_centre=f"{a + 1}{u + 100}",
                                  sector=sectors[a % 5], parent=top) for u in range(19)]
    officer = User.objects.create_user(username="handlaggare", password="x")
    membership = Membership.objects.create(user=officer, municipality=municipality)
    RoleAssignment.objects.create(membership=membership, role=Role.FUND_ADMIN)
    Employee.objects.bulk_create([Employee(
        municipality=municipality, employee_number=f"E{i}", unit=units[i % len(units)],
        gender=(Gender.WOMAN, Gender.WOMAN, Gender.MAN)[i % 3]) for i in range(30_000)],
        batch_size=5000)
    plan = Plan.objects.create(municipality=municipality, title="Plan", valid_from=date(2025, 1, 1),
                               valid_to=date(2028, 12, 31), status="adopted")
    strategies = [Strategy.objects.create(plan=plan, code=f"S{i}", title=f"Strategi {i}")
                  for i in range(8)]
    from django.utils import timezone

    today = timezone.localdate()
    fund = Fund.objects.create(municipality=municipality, name="Stor fond", owning_body=body,
                               start_date=date(today.year - 3, 1, 1),
                               end_date=date(today.year + 1, 12, 31))
    earmarks = [Earmark.objects.create(fund=fund, name=f"Pott {i}") for i in range(5)]
    days = (today - fund.start_date).days
    noon = ZoneInfo("Europe/Stockholm")
    applications = Application.objects.bulk_create([Application(
        municipality=municipality, fund=fund, unit=units[n % len(units)], title=f"Bidrag {n}",
        contact=officer, created_by=officer,
        status=(Status.GRANTED, Status.IN_PROGRESS, Status.CLOSED)[n % 3],
        participants_women=n % 7, participants_men=n % 3,
        submitted_at=datetime.combine(fund.start_date + timedelta(days=rng.randrange(days)),
                                      datetime.min.time(), noon))
        for n in range(grants)], batch_size=5000)
    Application.strategies.through.objects.bulk_create([
        Application.strategies.through(application_id=a.pk, strategy_id=strategies[i % 8].pk)
        for i, a in enumerate(applications)], batch_size=10000)

    accounts: dict[tuple[str, int | None, str], LedgerAccount] = {}
    pending: list[LedgerAccount] = []

    def account(kind: str, earmark: Earmark | None = None, subject: str = "") -> LedgerAccount:
        key = (kind, earmark.pk if earmark else None, subject)
        if key not in accounts:
            accounts[key] = LedgerAccount(
                fund=fund, kind=kind, earmark=earmark,
                subject_type="applications.application" if subject else "", subject_id=subject)
            pending.append(accounts[key])
        return accounts[key]

    txns: list[LedgerTransaction] = []
    legs: list[list[tuple[LedgerAccount, Decimal]]] = []

    def add(kind: str, on: date, legs_: list[tuple[LedgerAccount, Decimal]],
            earmark: Earmark | None = None, unit: Any = None, source: str = "") -> None:
        txns.append(LedgerTransaction(fund=fund, kind=kind, date=on, text=kind, earmark=earmark,
                                      org_unit=unit,
                                      source_type="applications.application" if source else "",
                                      source_id=source))
        legs.append(legs_)

    capital = Decimal(grants) * Decimal("200000")
    add("contribution", fund.start_date, [(account(AccountKind.EXTERNAL), -capital),
                                          (account(AccountKind.AVAILABLE), capital)])
    for e in earmarks:
        add("earmark", fund.start_date, [(account(AccountKind.AVAILABLE), -capital / 20),
                                         (account(AccountKind.AVAILABLE, e), capital / 20)], e)
    decisions = []
    payments_each = max(1, (entries // max(grants, 1) - 2) // 2)
    for n, application in enumerate(applications):
        subject = str(application.pk)
        earmark = earmarks[n % 5] if n % 3 == 0 else None
        on = application.submitted_at.date() + timedelta(days=20)  # type: ignore[union-attr]
        on = min(on, today)
        amount = Decimal(rng.randrange(20, 200)) * 1000
        decisions.append(Decision(application=application, outcome=Outcome.GRANTED,
                                  amount=amount, decided_on=on, body=body, delegate=officer,
                                  case_number=f"KS {on.year}/{n}"))
        pot, committed = account(AccountKind.AVAILABLE, earmark), account(
            AccountKind.COMMITTED, earmark, subject)
        disbursed = account(AccountKind.DISBURSED, earmark, subject)
        unit = application.unit
        add("commitment", on, [(pot, -amount), (committed, amount)], earmark, unit, subject)
        part = (amount / (payments_each + 1)).quantize(Decimal("0.01"))
        for p in range(payments_each):
            paid_on = min(on + timedelta(days=30 * (p + 1)), today)
            add("disbursement", paid_on, [(committed, -part), (disbursed, part)], earmark, unit,
                subject)
    Decision.objects.bulk_create(decisions, batch_size=5000)
    LedgerAccount.objects.bulk_create(pending, batch_size=10000)
    LedgerTransaction.objects.bulk_create(txns, batch_size=5000)
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(transaction=t, account=a, amount=amt)
         for t, legs_ in zip(txns, legs, strict=True) for a, amt in legs_], batch_size=10000)
    rebuild(fund.pk)  # the stored balances and totals, from the entries written in bulk
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return officer, fund


def measure(officer: object, fund: object, runs: int,
            slow: bool = False) -> list[tuple[str, float, float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(officer)  # type: ignore[arg-type]
    from django.utils import timezone

    year = timezone.localdate().year - 1
    start, end = f"{year}-01-01", f"{year}-12-31"
    period = f"start={start}&end={end}"
    pages = [("/rapporter/fordelning/?by=administration", ""),
             ("/rapporter/fordelning/?by=sector", ""),
             ("/rapporter/fordelning/?by=earmark", ""),
             ("/rapporter/fordelning/?by=strategy", ""),
             ("/rapporter/fordelning/?by=administration&", period),
             ("/rapporter/kon/", ""),
             ("/rapporter/genomslag/", ""),
             ("/rapporter/centralt-och-enheter/", ""),
             ("/rapporter/per-anstalld/", ""),
             (f"/rapporter/prognos/?fund={fund.pk}", ""),  # type: ignore[attr-defined]
             ("/rapporter/beslutsregister/", ""),
             ("/rapporter/beslutsregister/?page=1000", "")]
    results = []
    for path, extra in pages:
        url = path + extra
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        results.append((url, statistics.median(times), max(times), len(queries)))
        if slow:  # the page's slowest queries, to see where the time goes
            for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
                print(f"    {float(query['time']) * 1000:6.0f} ms  {query['sql'][:150]}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grants", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slow-queries", action="store_true",
                        help="print each page's three slowest queries")
    args = parser.parse_args()
    print(f"database: {fresh_database()}")
    began = time.perf_counter()
    officer, fund = build(args.grants, args.entries)
    from kompetensfond.ledger.models import LedgerEntry

    entries = LedgerEntry.objects.count()
    print(f"{args.grants} grants, {entries} ledger entries written in "
          f"{time.perf_counter() - began:.0f} s")
    print(f"{'page':58} {'median ms':>9} {'max ms':>7} {'queries':>7}")
    worst = 0.0
    for url, median, slowest, queries in measure(officer, fund, args.runs, args.slow_queries):
        worst = max(worst, median)
        print(f"{url:58} {median:9.0f} {slowest:7.0f} {queries:7d}")
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(f"slowest median {worst:.0f} ms: target ≤ {TARGET_MS} ms {verdict}")


if __name__ == "__main__":
    main()
