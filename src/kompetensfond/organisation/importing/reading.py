"""Read an HR file into a header and rows of text, whatever Excel or the HR system wrote.

CSV: separator ``;``, ``,`` or tab, detected from the header line; UTF-8 with or without
BOM, or Windows-1252 as Swedish Excel saves it, detected (UTF-8 is tried strictly first).
XLSX: the only sheet, no merged cells; values as Excel stores them (numbers, dates).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 20 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


class FileReadError(ValueError):
    """The file as a whole cannot be read. Message in the UI language."""


@dataclass
class Table:
    header: list[str]
    # (row number as the user sees it, cells): str cells for CSV; str, int, float, datetime,
    # None for XLSX. Blank rows are left out but keep the numbering.
    rows: list[tuple[int, list[Any]]]
    encoding: str
    kind: str  # "csv" or "xlsx"


def read_table(content: bytes) -> Table:
    if not content or not content.strip():
        raise FileReadError(_("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise FileReadError(_("The file is larger than 20 MB."))
    if content.startswith(XLSX_MAGIC):
        return _read_xlsx(content)
    return _read_csv(content)


def _decode(content: bytes) -> tuple[str, str]:
    if b"\x00" in content[:65536]:
        raise FileReadError(
            _("The file is not a text file in UTF-8 or Windows-1252 (it may be UTF-16, a "
              "program or another binary format). Save it as CSV (UTF-8) or XLSX.")
        )
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileReadError(
            _("The file's characters cannot be read as UTF-8 or Windows-1252. "
              "Save it as CSV (UTF-8) or XLSX.")
        ) from exc
    return text, "windows-1252"


def _read_csv(content: bytes) -> Table:
    text, encoding = _decode(content)
    first_line = text.split("\n", 1)[0]
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    separator = max(counts, key=lambda s: counts[s])
    if counts[separator] == 0:
        separator = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = next(reader)
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except (csv.Error, StopIteration) as exc:
        raise FileReadError(_("The file is not a readable CSV file.")) from exc
    return Table([h.strip() for h in header], rows, encoding, "csv")


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b")


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        sheet_names = [n for n in archive.namelist()
                       if re.match(r"xl/worksheets/sheet\d+\.xml$", n)]
        # openpyxl's read-only mode cannot see merged cells: look in the sheet XML itself.
        merged = any(_MERGE.search(archive.read(name)) for name in sheet_names)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileReadError(_("The file is not a readable XLSX file.")) from exc
    try:
        if len(workbook.worksheets) != 1:
            raise FileReadError(
                _("The workbook has %(n)s sheets. Keep only the sheet with the staff and "
                  "upload again.") % {"n": len(workbook.worksheets)}
            )
        if merged:
            raise FileReadError(
                _("The sheet has merged cells. Unmerge them so that every row has its own "
                  "values, and upload again.")
            )
        rows_iter: Iterator[tuple[Any, ...]] = workbook.worksheets[0].iter_rows(values_only=True)
        try:
            header_row = next(rows_iter)
        except StopIteration as exc:
            raise FileReadError(_("The file is empty.")) from exc
        header = [str(h).strip() if h is not None else "" for h in header_row]
        rows = [(number, list(r)) for number, r in enumerate(rows_iter, start=2)
                if any(v not in (None, "") for v in r)]
    finally:
        workbook.close()
    while header and header[-1] == "":
        header.pop()
    return Table(header, rows, "xlsx", "xlsx")


def cell_text(value: Any) -> str:
    """A cell as text: Excel numbers without a spurious '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        text = f"{Decimal(repr(value)):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value).strip()


def csv_template() -> bytes:
    """The downloadable template: Swedish headers, `;`, UTF-8 with BOM (opens in Excel)."""
    from .columns import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    writer.writerow(["10001", "Anna", "Andersson", "anna.andersson@kommun.se", "kvinna", "5321",
                     "4110", "75", "2019-08-01", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
