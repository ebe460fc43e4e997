"""Validate every row of a staff file; collect every error with its row and column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ..models import Gender
from .columns import BY_KEY, COLUMNS
from .reading import Table, cell_text

MAX_ERRORS_KEPT = 1000
FORMULA_START = ("=", "+", "-", "@")
GENDERS = {
    "kvinna": Gender.WOMAN, "k": Gender.WOMAN, "woman": Gender.WOMAN, "female": Gender.WOMAN,
    "man": Gender.MAN, "m": Gender.MAN, "male": Gender.MAN,
    "annat": Gender.OTHER, "annan": Gender.OTHER, "other": Gender.OTHER,
    "uppgift saknas": Gender.UNKNOWN, "okänt": Gender.UNKNOWN, "": Gender.UNKNOWN,
    "unknown": Gender.UNKNOWN, "not stated": Gender.UNKNOWN,
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# An address with one @, no spaces and a dot in the domain: what HR systems hold. (Django's
# validate_email is stricter about IDNA but cost 1 s per 50,000 rows.)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
ONE_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class EmployeeRow:
    row: int
    employee_number: str
    first_name: str
    last_name: str
    email: str
    gender: str
    occupation_id: int | None
    unit_id: int
    employment_rate: Decimal
    start_date: date | None
    end_date: date | None

    FIELDS = ("first_name", "last_name", "email", "gender", "occupation_id", "unit_id",
              "employment_rate", "start_date", "end_date")


@dataclass
class ValidationResult:
    rows: list[EmployeeRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)


def missing_columns(mapping: dict[str, int]) -> list[str]:
    return [c.header for c in COLUMNS if c.required and c.key not in mapping]


def _date(text: str) -> date:
    if not ISO_DATE.match(text):
        raise ValueError
    return date.fromisoformat(text)


def validate_rows(
    table: Table,
    mapping: dict[str, int],
    *,
    units_by_cost_centre: dict[str, int],
    occupations_by_code: dict[str, int],
) -> ValidationResult:
    result = ValidationResult()
    seen: dict[str, int] = {}
    columns = [(c.key, c.header, mapping[c.key]) for c in COLUMNS if c.key in mapping]
    for number, cells in table.rows:
        values: dict[str, str] = {}
        bad = False
        for key, header, index in columns:
            text = cell_text(cells[index]) if index < len(cells) else ""
            if text.startswith(FORMULA_START) and key != "employment_rate":
                result.add(RowError(number, header, _(
                    "The cell starts with ”%(char)s” and could be read as a formula by a "
                    "spreadsheet. Remove the character.") % {"char": text[0]}))
                bad = True
            values[key] = text

        def error(key: str, message: str, number: int = number) -> None:
            nonlocal bad
            bad = True
            result.add(RowError(number, BY_KEY[key].header, message))

        employee_number = values.get("employee_number", "")
        if not employee_number:
            error("employee_number", _("The employee number is missing."))
        elif len(employee_number) > 30:
            error("employee_number", _("The employee number is longer than 30 characters."))
        elif employee_number in seen:
            error("employee_number", _("Employee number %(number)s is also on row %(row)s.")
                  % {"number": employee_number, "row": seen[employee_number]})
        else:
            seen[employee_number] = number

        cost_centre = values.get("cost_centre", "")
        unit_id = units_by_cost_centre.get(cost_centre)
        if not cost_centre:
            error("cost_centre", _("The cost centre is missing."))
        elif unit_id is None:
            error("cost_centre",
                  _("No active unit has cost centre %(code)s.") % {"code": cost_centre})

        ssyk = values.get("ssyk", "")
        occupation_id = None
        if ssyk:
            occupation_id = occupations_by_code.get(ssyk)
            if occupation_id is None:
                error("ssyk", _("%(code)s is not a four-digit SSYK 2012 code.") % {"code": ssyk})

        gender_text = values.get("gender", "").lower()
        gender = GENDERS.get(gender_text)
        if gender is None:
            error("gender", _("Write kvinna, man, annat or uppgift saknas, not ”%(value)s”.")
                  % {"value": values.get("gender", "")})

        rate_text = values.get("employment_rate", "").replace("%", "").replace(",", ".").strip()
        rate = ONE_HUNDRED
        if rate_text:
            try:
                rate = Decimal(rate_text)
                if (not rate.is_finite() or not 0 <= rate <= ONE_HUNDRED
                        or rate != rate.quantize(Decimal("0.01"))):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                error("employment_rate",
                      _("The employment rate must be a number from 0 to 100, not ”%(value)s”.")
                      % {"value": values.get("employment_rate")})

        dates: dict[str, date | None] = {"start_date": None, "end_date": None}
        for key in ("start_date", "end_date"):
            text = values.get(key, "")
            if text:
                try:
                    dates[key] = _date(text)
                except ValueError:
                    error(key,
                          _("Write the date as YYYY-MM-DD, not ”%(value)s”.") % {"value": text})
        if dates["start_date"] and dates["end_date"] and dates["end_date"] < dates["start_date"]:
            error("end_date", _("The end date is before the start date."))

        email = values.get("email", "")
        if email and (len(email) > 254 or not EMAIL.match(email)):
            error("email", _("”%(value)s” is not an e-mail address.") % {"value": email})
        for key, limit in (("first_name", 100), ("last_name", 100)):
            if len(values.get(key, "")) > limit:
                error(key, _("The text is longer than %(n)s characters.") % {"n": limit})

        if not bad:
            result.rows.append(EmployeeRow(
                row=number, employee_number=employee_number,
                first_name=values.get("first_name", ""), last_name=values.get("last_name", ""),
                email=email, gender=gender or Gender.UNKNOWN, occupation_id=occupation_id,
                unit_id=unit_id or 0, employment_rate=rate.quantize(Decimal("0.01")),
                start_date=dates["start_date"], end_date=dates["end_date"],
            ))
    return result
