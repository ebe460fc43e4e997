"""Read an HR file into a header and rows of text, whatever Excel or the HR system wrote.

CSV: separator ``;``, ``,`` or tab, detected from the header line; UTF-8 with or without
BOM, or Windows-1252 as Swedish Excel saves it, detected (UTF-8 is tried strictly first).
XLSX: the only sheet, no merged cells; values as Excel stores them (numbers, dates).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kompetensfond.core.money import format_amount

MAX_FILE_BYTES = 20 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
# Bounds checked before a file is parsed: more rows than any municipality employs, more
# columns than any HR export has, and what an XLSX may unpack to (a 1.5 KB file with cells
# A1 and XFD1048576 would otherwise make the reader allocate a 512 GB grid).
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
CELL_REF = re.compile(rb'<(?:c|row)\b[^>]*?\br="([A-Z]{0,3})([0-9]+)"')


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
        _check_xlsx_bounds(content)
        return _read_xlsx(content)
    return _read_csv(content)


# What is stored of an upload: its header and rows as text, in the columns kept (see
# ``pack_table``), never the uploaded bytes themselves.
PACKED_MAGIC = b"kompetensfond-table-1\n"


def select_columns(table: Table, columns: list[int]) -> Table:
    """The table with only the given columns, every cell as text."""

    def pick(cells: list[Any]) -> list[str]:
        return [cell_text(cells[i]) if i < len(cells) else "" for i in columns]

    return Table([table.header[i] for i in columns],
                 [(number, pick(cells)) for number, cells in table.rows],
                 table.encoding, table.kind)


def pack_table(table: Table) -> bytes:
    """The table as stored between upload and import: header and rows as text, each row
    with its number in the uploaded file."""
    body = {"kind": table.kind, "encoding": table.encoding, "header": table.header,
            "rows": [[number, [cell_text(c) for c in cells]] for number, cells in table.rows]}
    return PACKED_MAGIC + json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def stored_table(content: bytes) -> Table:
    """Read what ``pack_table`` stored (or, for an upload stored before packing existed,
    the uploaded file itself)."""
    if not content.startswith(PACKED_MAGIC):
        return read_table(content)
    body = json.loads(content[len(PACKED_MAGIC):])
    return Table(body["header"], [(number, cells) for number, cells in body["rows"]],
                 body["encoding"], body["kind"])


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _too_large(rows: int, columns: int) -> FileReadError | None:
    if rows > MAX_ROWS:
        return FileReadError(_("The file has more than %(n)s rows.")
                             % {"n": format_amount(Decimal(MAX_ROWS), decimals=0)})
    if columns > MAX_COLUMNS:
        return FileReadError(_("The file has more than %(n)s columns. Export only the "
                               "columns of the template.") % {"n": MAX_COLUMNS})
    return None


def _check_xlsx_bounds(content: bytes) -> None:
    """Refuse an XLSX from what it declares, before it is loaded: what its parts unpack to,
    and the rows and columns its cells use (read as a stream, never as a grid)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise FileReadError(_("The file is not a readable XLSX file.")) from exc
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise FileReadError(_("The file unpacks to more than 200 MB."))
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            rows = columns = 0
            tail = b""
            with archive.open(name) as part:
                while chunk := part.read(1 << 20):
                    text = tail + chunk
                    for letters, digits in CELL_REF.findall(text):
                        rows = max(rows, int(digits))
                        if letters:
                            columns = max(columns, _column_number(letters))
                    if (error := _too_large(rows, columns)) is not None:
                        raise error
                    tail = text[-200:]


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
    if (error := _too_large(text.count("\n"), first_line.count(separator) + 1)) is not None:
        raise error
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = next(reader)
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except (csv.Error, StopIteration) as exc:
        raise FileReadError(_("The file is not a readable CSV file.")) from exc
    return Table([h.strip() for h in header], rows, encoding, "csv")


def _read_xlsx(content: bytes) -> Table:
    """XLSX through python-calamine (Rust): about ten times faster than openpyxl here."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = workbook.sheet_names
        if len(names) != 1:
            raise FileReadError(
                _("The workbook has %(n)s sheets. Keep only the sheet with the staff and "
                  "upload again.") % {"n": len(names)}
            )
        sheet = workbook.get_sheet_by_index(0)
        if sheet.merged_cell_ranges:
            raise FileReadError(
                _("The sheet has merged cells. Unmerge them so that every row has its own "
                  "values, and upload again.")
            )
        values = sheet.to_python(skip_empty_area=False)
    except FileReadError:
        raise
    except (CalamineError, ValueError, OSError) as exc:
        raise FileReadError(_("The file is not a readable XLSX file.")) from exc
    if not values:
        raise FileReadError(_("The file is empty."))
    header = [cell_text(h) for h in values[0]]
    while header and header[-1] == "":
        header.pop()
    rows = [(number, row) for number, row in enumerate(values[1:], start=2)
            if any(v not in (None, "") for v in row)]
    return Table(header, rows, "xlsx", "xlsx")


def cell_text(value: Any) -> str:
    """A cell as text: Excel numbers without a spurious '.0', dates as ISO."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
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
