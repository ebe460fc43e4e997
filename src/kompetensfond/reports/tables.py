"""One shape for a report's figures, shown the same way everywhere: a page (chart and
table), a PDF, and CSV/XLSX rows. Each report view only builds its ``Table``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from kompetensfond.core.money import NBSP, format_amount, format_money

TEXT, MONEY, COUNT, PERCENT, DATE, TIMES = "text", "money", "count", "percent", "date", "times"


@dataclass
class Column:
    title: str  # as shown
    key: str  # the export's column name
    kind: str = TEXT


@dataclass
class Table:
    title: str
    caption: str
    columns: list[Column]
    rows: list[list[Any]]
    footer: list[Any] | None = None
    summary: list[tuple[str, Any, str]] = field(default_factory=list)  # (label, value, kind)
    notes: list[str] = field(default_factory=list)
    chart: dict[str, Any] | None = None
    chart_type: str = "bar"
    chart_unit: str = MONEY

    @property
    def header(self) -> list[str]:
        return [c.key for c in self.columns]

    def cells(self, row: list[Any]) -> list[tuple[str, bool]]:
        """(text, is_number) for each cell of ``row``, formatted the Swedish way."""
        return [(show(value, column.kind), column.kind != TEXT)
                for value, column in zip(row, self.columns, strict=True)]

    @property
    def shown_rows(self) -> list[list[tuple[str, bool]]]:
        return [self.cells(row) for row in self.rows]

    @property
    def shown_footer(self) -> list[tuple[str, bool]] | None:
        return self.cells(self.footer) if self.footer else None

    @property
    def shown_summary(self) -> list[tuple[str, str]]:
        return [(label, show(value, kind)) for label, value, kind in self.summary]

    def export_rows(self) -> list[list[Any]]:
        """The rows, then the footer (the totals), as machine values: amounts as Decimal,
        shares as Decimal per cent, dates as dates, nothing as empty."""
        rows = [*self.rows, *([self.footer] if self.footer else [])]
        return [["" if v is None else v for v in row] for row in rows]


def show(value: Any, kind: str) -> str:
    if value is None or value == "":
        return "–" if kind != TEXT else ""
    if kind == MONEY:
        return format_money(Decimal(value))
    if kind == PERCENT:
        return f"{format_amount(Decimal(value), decimals=1)}{NBSP}%"
    if kind == TIMES:
        return f"{format_amount(Decimal(value), decimals=1)}{NBSP}×"
    if kind == COUNT:
        return format_amount(Decimal(value), decimals=0)
    if kind == DATE and isinstance(value, date):
        return value.isoformat()
    return str(value)
