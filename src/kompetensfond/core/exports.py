"""CSV and XLSX downloads shared by every list: Excel-friendly and formula-safe.

CSV for Swedish Excel: `;` separator (the comma is the decimal mark), UTF-8 with BOM.
The comma variant (``export=csv-comma``) is for other tools: `,` separator, a decimal
point, UTF-8 without BOM (RFC 4180).
Any text cell starting with = + - @ (or a tab/CR) is prefixed with an apostrophe so a
spreadsheet shows it as text and never executes it (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_FORBIDDEN = re.compile(r"[:\\/?*\[\]]")  # Excel refuses these in a sheet's name
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_EXPORTS = ("csv", "csv-comma", "xlsx")  # what ``table_download`` writes


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_text(value: Any, decimal_mark: str = ",") -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", decimal_mark)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(safe_cell(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *,
              comma: bool = False) -> bytes:
    """Semicolon-separated with decimal commas and a BOM (Swedish Excel), or with
    ``comma`` comma-separated with decimal points and no BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="," if comma else ";", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    mark = "." if comma else ","
    for row in rows:
        writer.writerow([_csv_text(v, mark) for v in row])
    return ("" if comma else "\ufeff").encode() + out.getvalue().encode("utf-8")


def _xlsx_cell(value: Any) -> Any:
    """A cell XLSX can hold: the control characters XML 1.0 forbids (a BEL typed into a
    title once made every export of the list fail) are shown as U+FFFD; the rest as
    ``safe_cell``. Whatever is stored, the export is written."""
    if isinstance(value, str):
        value = ILLEGAL_XML.sub("\ufffd", value)
    return safe_cell(value)


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str) -> bytes:
    """One sheet, header in the first row; Decimal and dates stay numbers and dates."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(
        title=SHEET_FORBIDDEN.sub("-", ILLEGAL_XML.sub("", sheet))[:31].strip() or "Data")
    worksheet.append([_xlsx_cell(h) for h in header])
    for row in rows:
        worksheet.append([_xlsx_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(content: bytes, *, filename: str, kind: str) -> HttpResponse:
    content_type = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}.get(
        kind, XLSX_TYPE)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_download(kind: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *,
                   name: str, sheet: str) -> HttpResponse:
    """A list page's table as ``name``.csv or ``name``.xlsx (``kind`` one of
    TABLE_EXPORTS)."""
    if kind in ("csv", "csv-comma"):
        return download(csv_bytes(header, rows, comma=kind == "csv-comma"),
                        filename=f"{name}.csv", kind="csv")
    return download(xlsx_bytes(header, rows, sheet=sheet), filename=f"{name}.xlsx",
                    kind="xlsx")
