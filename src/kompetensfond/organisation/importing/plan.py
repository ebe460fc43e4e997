"""Compare validated rows with the register: what is new, changed, unchanged, to end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..models import Employee
from .validation import EmployeeRow


@dataclass
class ImportPlan:
    new: list[EmployeeRow] = field(default_factory=list)
    changed: list[tuple[int, EmployeeRow, dict[str, list[Any]]]] = field(default_factory=list)
    unchanged: int = 0
    to_end: list[int] = field(default_factory=list)  # pks of active employees not in the file

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "changed": len(self.changed),
                "unchanged": self.unchanged, "to_end": len(self.to_end)}


def is_active(end_date: date | None, today: date) -> bool:
    return end_date is None or end_date >= today


def compute_plan(*, municipality_id: int, rows: list[EmployeeRow], today: date) -> ImportPlan:
    plan = ImportPlan()
    existing = {
        values[1]: values
        for values in Employee.objects.filter(municipality_id=municipality_id).values_list(
            "pk", "employee_number", *EmployeeRow.FIELDS
        ).iterator(chunk_size=5000)
    }
    in_file: set[str] = set()
    for row in rows:
        in_file.add(row.employee_number)
        current = existing.get(row.employee_number)
        if current is None:
            plan.new.append(row)
            continue
        changes = {
            name: [_plain(old), _plain(getattr(row, name))]
            for name, old in zip(EmployeeRow.FIELDS, current[2:], strict=True)
            if old != getattr(row, name)
        }
        if changes:
            plan.changed.append((current[0], row, changes))
        else:
            plan.unchanged += 1
    end_index = 2 + EmployeeRow.FIELDS.index("end_date")
    plan.to_end = [
        values[0] for number, values in existing.items()
        if number not in in_file and is_active(values[end_index], today)
    ]
    return plan


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is not None and not isinstance(value, str | int):
        return str(value)
    return value
