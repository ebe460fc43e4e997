"""CSV and XLSX downloads shared by every list: Excel-friendly and formula-safe.

CSV for Swedish Excel: `;` separator (the comma is the decimal mark), UTF-8 with BOM.
Any text cell starting with = + - @ (or a tab/CR) is prefixed with an apostrophe so a
spreadsheet shows it as text and never executes it (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(safe_cell(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str) -> bytes:
    """One sheet, header in the first row; Decimal and dates stay numbers and dates."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    worksheet.append([safe_cell(h) for h in header])
    for row in rows:
        worksheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(content: bytes, *, filename: str, kind: str) -> HttpResponse:
    content_type = "text/csv; charset=utf-8" if kind == "csv" else XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
