"""Every list and report page, and every API list, on the national dataset (PostgreSQL).

    # generate into a fresh database (about 4 minutes at full size), then measure:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/national.py
    # or measure a database that ``kompetensfond generate`` already filled:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nat .venv/bin/python \
        benchmarks/national.py --reuse

Pages are requested through Django's test client (the whole response: middleware, queries,
Python, template) as the case officer of the largest municipality (Stockholm, about 6 % of
the country) and of the smallest; printed per page: median and slowest of --runs requests
after a warm-up, and the number of queries for both, which must be the same (a constant
number of queries, whatever the municipality's size). Targets: pages ≤ 300 ms, API lists
≤ 150 ms. The load test of the application list behind gunicorn is ``benchmarks/load.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

from _setup import fresh_database

PAGE_MS, API_MS = 300, 150


def pages(fund: int, scheme: int | None) -> list[str]:
    year = __import__("datetime").date.today().year - 1
    period = f"start={year}-01-01&end={year}-12-31"
    out = ["/", "/ansokningar/", "/ansokningar/?page=200", "/ansokningar/?status=in_progress",
           "/ansokningar/?q=Validering", "/ansokningar/sammantraden/", "/fonder/",
           f"/fonder/{fund}/", f"/fonder/{fund}/huvudbok/", f"/fonder/{fund}/huvudbok/?page=500",
           "/organisation/", "/organisation/medarbetare/",
           "/organisation/medarbetare/?page=300", "/organisation/medarbetare/?q=Andersson",
           "/organisation/yrken/", "/planer/", "/handelselogg/", "/kompetenspeng/",
           "/kompetenspeng/begaranden/", f"/ansokningar/fond/{fund}/rangordning/",
           "/rapporter/", "/rapporter/fordelning/?by=administration",
           "/rapporter/fordelning/?by=strategy", "/rapporter/fordelning/?by=occupation",
           f"/rapporter/fordelning/?by=administration&{period}", "/rapporter/kon/",
           "/rapporter/genomslag/", "/rapporter/centralt-och-enheter/",
           "/rapporter/per-anstalld/", f"/rapporter/prognos/?fund={fund}",
           "/rapporter/beslutsregister/", "/rapporter/beslutsregister/?page=100"]
    if scheme:
        out.append(f"/kompetenspeng/{scheme}/")
    return out


APIS = ["/api/v1/applications/", "/api/v1/applications/?page=100", "/api/v1/employees/",
        "/api/v1/employees/?page=200", "/api/v1/funds/", "/api/v1/payments/",
        "/api/v1/follow-ups/", "/api/v1/org-units/", "/api/v1/bodies/", "/api/v1/meetings/",
        "/api/v1/plans/", "/api/v1/guidelines/", "/api/v1/allowance-schemes/",
        "/api/v1/claims/", "/api/v1/occupations/"]


def timed(client: Any, url: str, runs: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), max(times), len(queries), response.status_code


def municipalities() -> tuple[Any, Any]:
    from django.db.models import Count

    from kompetensfond.core.models import Municipality

    ranked = (Municipality.objects.annotate(staff=Count("employees"))
              .filter(staff__gt=0).order_by("-staff"))
    return ranked.first(), ranked.last()


def officer_of(municipality: Any) -> tuple[Any, int, int | None]:
    from kompetensfond.allowances.models import AllowanceScheme
    from kompetensfond.core.models import Role, User
    from kompetensfond.funds.models import Fund

    user = User.objects.filter(membership__municipality=municipality,
                               membership__roles__role=Role.FUND_ADMIN).first()
    fund = Fund.objects.filter(municipality=municipality).first()
    scheme = AllowanceScheme.objects.filter(municipality=municipality).first()
    if user is None or fund is None:
        sys.exit(f"{municipality} has no case officer or fund: was it generated?")
    return user, fund.pk, scheme.pk if scheme else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", action="store_true",
                        help="measure the database of DATABASE_URL as it is")
    parser.add_argument("--runs", type=int, default=5)
    for name, default in (("municipalities", 290), ("employees", 870_000),
                          ("applications", 250_000), ("ledger-entries", 2_000_000)):
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args()
    if args.reuse:
        import django

        django.setup()
        from django.db import connection
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']} (as it is)")
    else:
        print(f"database: {fresh_database()}")
        from django.core.management import call_command

        call_command("generate", municipalities=args.municipalities, employees=args.employees,
                     applications=args.applications, ledger_entries=args.ledger_entries)
    from django.test import Client

    from kompetensfond.ledger.models import LedgerEntry
    from kompetensfond.organisation.models import Employee

    print(f"{Employee.objects.count()} employees, {LedgerEntry.objects.count()} ledger entries")
    large, small = municipalities()
    clients = []
    for municipality in (large, small):
        user, fund, scheme = officer_of(municipality)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        clients.append((client, fund, scheme))
    print(f"largest: {large} ({large.staff} employees), smallest: {small} "
          f"({small.staff} employees)")
    failures = []
    for title, target, urls in (
            ("page", PAGE_MS, lambda fund, scheme: pages(fund, scheme)),
            ("API list", API_MS, lambda fund, scheme: APIS)):
        print(f"\n{title:50} {'median ms':>9} {'max ms':>7} {'queries':>7} "
              f"{'small: ms':>9} {'queries':>7}")
        (big_client, big_fund, big_scheme), (small_client, small_fund, small_scheme) = clients
        for url, small_url in zip(urls(big_fund, big_scheme), urls(small_fund, small_scheme),
                                  strict=False):
            median, slowest, queries, status = timed(big_client, url, args.runs)
            small_median, _s, small_queries, small_status = timed(small_client, small_url,
                                                                  args.runs)
            flag = ""
            if status != 200 or small_status != 200:
                flag = f"  HTTP {status}/{small_status}"
            elif median > target:
                flag = f"  SLOW (> {target} ms)"
            elif queries != small_queries:
                flag = "  queries differ"
            if flag:
                failures.append(f"{url}{flag}")
            print(f"{url:50} {median:9.0f} {slowest:7.0f} {queries:7d} {small_median:9.0f} "
                  f"{small_queries:7d}{flag}")
    print()
    if failures:
        print("targets NOT met:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print(f"targets met: every page ≤ {PAGE_MS} ms, every API list ≤ {API_MS} ms, the same "
          "number of queries for the largest and the smallest municipality")


if __name__ == "__main__":
    main()
