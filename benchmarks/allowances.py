"""Allowance schemes at 1,000, 10,000 and 50,000 eligible employees: creating the scheme
(eligibility from the staff register, one allowance row each, one ledger reservation),
updating it from the register, a claim and its approval, expiry, and the simulator.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python \
        benchmarks/allowances.py [--sizes 1000,10000,50000]

Target (issue 14): creating a scheme for 50,000 eligible employees ≤ 10 s. A claim and its
approval should cost the same whatever the scheme's size.
"""

from __future__ import annotations

import argparse
import datetime
import time
from decimal import Decimal

from _setup import fresh_database

from kompetensfond.core.actors import SYSTEM


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,50000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    where = fresh_database()

    from django.db import connection
    from django.utils import timezone

    from kompetensfond.allowances.services import (
        ClaimInput,
        SchemeInput,
        claim_approve,
        claim_submit,
        scheme_create,
        scheme_expire,
        scheme_update_from_register,
    )
    from kompetensfond.core.accounts import member_create, municipality_create
    from kompetensfond.core.models import Role
    from kompetensfond.funds.models import Fund
    from kompetensfond.funds.services import contribution_record
    from kompetensfond.organisation.models import Employee, Occupation
    from kompetensfond.organisation.services import body_create, org_unit_create
    from kompetensfond.reports.scenario import ScenarioSpec, allowance_scenario

    today = timezone.localdate()
    year = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    social = Occupation.objects.get(ssyk_code="2661")
    pdf = b"%PDF-1.4\n%%EOF\n"
    print(f"database: {where} ({connection.vendor})")
    print(f"{'eligible':>9} {'create':>9} {'per 1k':>8} {'update':>8} {'claim+ok':>9} "
          f"{'expire':>8} {'simulator':>10}")
    results = {}
    numbers = ["212000-0142", "212000-0183", "212000-2882", "212000-1967"]  # real, valid
    for n, size in enumerate(sizes):
        municipality = municipality_create(actor=SYSTEM, name=f"Kommun {n}", slug=f"k{n}",
                                           organisation_number=numbers[n])
        body = body_create(actor=SYSTEM, municipality=municipality, name="KS", short_name="KS",
                           kind="executive_board")
        units = [org_unit_create(actor=SYSTEM, municipality=municipality, name="Förvaltning",
                                 cost_centre="1000", sector="social_services")]
        units += [org_unit_create(actor=SYSTEM, municipality=municipality, name=f"Enhet {u}",
                                  cost_centre=f"{1001 + u}", sector="social_services",
                                  parent=units[0]) for u in range(100)]
        start = datetime.date(today.year - 3, 1, 1)
        Employee.objects.bulk_create([
            Employee(municipality=municipality, employee_number=str(10000 + e),
                     first_name="Anna", last_name=f"E{e}", gender="woman",
                     occupation=social, unit=units[1 + e % 100],
                     employment_rate=Decimal(100 if e % 4 else 75), start_date=start)
            for e in range(size)], batch_size=5000)
        fund = Fund.objects.create(municipality=municipality, name="Fonden", start_date=year[0],
                                   end_date=year[1], owning_body=body)
        contribution_record(actor=SYSTEM, fund=fund, amount=Decimal(size) * 20000, on=year[0],
                            source="surplus", decision_body=body, decision_date=year[0],
                            paragraph=1, case_number="KS 1")
        officer = member_create(actor=SYSTEM, municipality=municipality, username=f"hl{n}",
                                password=None, roles=[(Role.FUND_ADMIN, None)])
        manager = member_create(actor=SYSTEM, municipality=municipality, username=f"chef{n}",
                                password=None, roles=[(Role.UNIT_MANAGER, units[0].pk)])

        t0 = time.perf_counter()
        scheme = scheme_create(actor=officer, fund=fund, on=today, data=SchemeInput(
            name="Peng", amount="10000.00", period_start=year[0], period_end=year[1],
            expiry_date=year[1], cutoff_date=year[0], occupations=[social]))
        create = time.perf_counter() - t0
        assert scheme.allowances.count() == size

        # 1 % new hires, 1 % leavers (keep rule: employment already ended)
        Employee.objects.bulk_create([
            Employee(municipality=municipality, employee_number=str(900000 + e),
                     first_name="Ny", last_name=f"N{e}", occupation=social, unit=units[1],
                     start_date=today) for e in range(size // 100)])
        Employee.objects.filter(municipality=municipality,
                                employee_number__in=[str(10000 + e)
                                                     for e in range(0, size, 100)]).update(
            end_date=today - datetime.timedelta(days=1))
        t0 = time.perf_counter()
        update = scheme_update_from_register(actor=SYSTEM, scheme=scheme, on=today)
        updated = time.perf_counter() - t0
        assert len(update.added) == size // 100

        allowance = scheme.allowances.filter(status="active").order_by("pk").first()
        assert allowance is not None
        t0 = time.perf_counter()
        claim = claim_submit(actor=SYSTEM, allowance=allowance, on=today, data=ClaimInput(
            activity="Kurs", provider="A", category="course", start_date=today,
            end_date=today, cost="1000.00", receipt_name="k.pdf", receipt=pdf))
        claim_approve(actor=manager, claim=claim)
        claimed = time.perf_counter() - t0

        t0 = time.perf_counter()
        report = allowance_scenario(officer, Fund.objects.filter(pk=fund.pk),
                                    ScenarioSpec(amount=Decimal(10000), occupations=[social]))
        simulated = time.perf_counter() - t0
        assert report.employees > 0

        t0 = time.perf_counter()
        released = scheme_expire(actor=SYSTEM, scheme=scheme,
                                 on=year[1] + datetime.timedelta(days=1))
        expired = time.perf_counter() - t0
        assert released > 0
        results[size] = create
        print(f"{size:>9,} {create:>8.2f}s {create / size * 1000:>7.3f}s {updated:>7.2f}s "
              f"{claimed * 1000:>7.1f}ms {expired:>7.2f}s {simulated * 1000:>8.1f}ms")
    biggest = max(sizes)
    ok = biggest < 50_000 or results[biggest] <= 10
    print("target met (50,000 eligible ≤ 10 s)" if ok else "TARGET NOT MET")


if __name__ == "__main__":
    main()
