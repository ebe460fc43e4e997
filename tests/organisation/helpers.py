from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

HEADER = ["anställningsnummer", "förnamn", "efternamn", "e-post", "kön", "ssyk",
          "kostnadsställe", "sysselsättningsgrad", "anställd_från", "anställd_till"]


def row(number: str = "1001", first: str = "Åsa", last: str = "Öberg", email: str = "",
        gender: str = "kvinna", ssyk: str = "5321", cost_centre: str = "4110",
        rate: str = "100", start: str = "2020-01-01", end: str = "") -> list[str]:
    return [number, first, last, email, gender, ssyk, cost_centre, rate, start, end]


def csv_bytes(rows: Sequence[Sequence[str]], *, header: Sequence[str] = HEADER, sep: str = ";",
              encoding: str = "utf-8-sig") -> bytes:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]], *, header: Sequence[str] = HEADER,
               sheets: int = 1, merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for r in rows:
        sheet.append(list(r))
    if merge:
        sheet.merge_cells(merge)
    for n in range(1, sheets):
        workbook.create_sheet(f"Blad{n + 1}")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
