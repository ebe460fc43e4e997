"""Staff import of 50,000 rows: CSV, XLSX, a re-import, and a bare bulk_create as the floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python \
        benchmarks/import_employees.py [--rows 50000]

Targets (issue 4): CSV ≤ 3 s, XLSX ≤ 10 s, CSV ≤ 2 × the floor. Every timed import is the
full path a user takes: read, validate every row, compare with the register, write in one
transaction and record the audit event.
"""

from __future__ import annotations

import argparse
import io
import time
from decimal import Decimal

from _setup import fresh_database

from kompetensfond.core.actors import SYSTEM


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    where = fresh_database()

    from django.db import connection, transaction
    from openpyxl import Workbook

    from kompetensfond.core.accounts import municipality_create
    from kompetensfond.core.exports import csv_bytes
    from kompetensfond.demo.staff import staff_rows
    from kompetensfond.organisation.importing.reading import csv_template
    from kompetensfond.organisation.importing.services import (
        employee_import_confirm,
        employee_import_validate,
    )
    from kompetensfond.organisation.importing.validation import GENDERS
    from kompetensfond.organisation.models import Employee, Occupation, OrgUnit
    from kompetensfond.organisation.services import org_unit_create

    municipality = municipality_create(actor=SYSTEM, name="Benchkommun", slug="bench",
                                       organisation_number="212000-0142")
    sectors = ["education", "elderly_care", "social_services", "culture_leisure",
               "central_administration"]
    for a, sector in enumerate(sectors):
        top = org_unit_create(actor=SYSTEM, municipality=municipality, name=f"Förvaltning {a}",
                              cost_centre=f"{a + 1}000", sector=sector)
        for u in range(40):
            org_unit_create(actor=SYSTEM, municipality=municipality, name=f"Enhet {a}.{u}",
                            cost_centre=f"{a + 1}{u + 100}", sector=sector, parent=top)
    rows = staff_rows(municipality, count=args.rows, seed=1)
    header = csv_template().decode("utf-8-sig").splitlines()[0].split(";")
    csv_content = csv_bytes(header, rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Personal")
    sheet.append(header)
    for r in rows:
        sheet.append([int(r[0]), r[1], r[2], r[3], r[4], int(r[5]), int(r[6]),
                      float(r[7].replace(",", ".")), r[8], r[9] or None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    xlsx_content = buffer.getvalue()

    def clear() -> None:
        with transaction.atomic():
            Employee.objects.all().delete()

    def timed_import(content: bytes, name: str) -> tuple[float, dict[str, int]]:
        start = time.perf_counter()
        job = employee_import_validate(actor=SYSTEM, municipality=municipality, file_name=name,
                                       content=content)
        assert job.status == "validated", (job.file_error, job.errors[:3])
        job = employee_import_confirm(actor=SYSTEM, job=job, background=False)
        return time.perf_counter() - start, job.counts

    # the floor: the same rows, already parsed and resolved, straight into bulk_create
    units = dict(OrgUnit.objects.filter(municipality=municipality).values_list("cost_centre", "pk"))
    occupations = dict(Occupation.objects.values_list("ssyk_code", "pk"))
    start = time.perf_counter()
    with transaction.atomic():
        Employee.objects.bulk_create([
            Employee(municipality=municipality, employee_number=r[0], first_name=r[1],
                     last_name=r[2], email=r[3], gender=GENDERS[r[4]],
                     occupation_id=occupations[r[5]], unit_id=units[r[6]],
                     employment_rate=Decimal(r[7].replace(",", ".")),
                     start_date=r[8], end_date=r[9] or None) for r in rows
        ], batch_size=2000)
    floor = time.perf_counter() - start
    clear()

    csv_time, csv_counts = timed_import(csv_content, "bench.csv")
    reimport_time, reimport_counts = timed_import(csv_content, "bench.csv")
    clear()
    xlsx_time, _ = timed_import(xlsx_content, "bench.xlsx")
    assert Employee.objects.count() == args.rows

    mb = len(csv_content) / 1e6
    print(f"database: {where} ({connection.vendor}); rows: {args.rows:,}; CSV {mb:.1f} MB, "
          f"XLSX {len(xlsx_content) / 1e6:.1f} MB")
    print(f"{'step':<34}{'seconds':>9}{'rows/s':>10}  target")
    lines = [
        ("bare bulk_create (floor)", floor, ""),
        ("CSV import (new rows)", csv_time, f"≤ 3 s and ≤ 2× floor ({2 * floor:.2f} s)"),
        ("CSV re-import (all unchanged)", reimport_time, "idempotent"),
        ("XLSX import (new rows)", xlsx_time, "≤ 10 s"),
    ]
    for name, seconds, target in lines:
        print(f"{name:<34}{seconds:>9.2f}{args.rows / seconds:>10,.0f}  {target}")
    print(f"CSV / floor = {csv_time / floor:.2f}; new={csv_counts['new']:,}; "
          f"re-import unchanged={reimport_counts['unchanged']:,} changed="
          f"{reimport_counts['changed']}")
    ok = csv_time <= 3 and xlsx_time <= 10 and csv_time <= 2 * floor
    print("targets met" if ok else "TARGETS NOT MET")


if __name__ == "__main__":
    main()
