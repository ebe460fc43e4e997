"""The decision reference (beslutsreferens): body, date, § and case number (dnr). Written
one way for every record that rests on a political decision: contributions, plans,
guidelines and decisions on applications."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar


def format_reference(body: Any, on: date | None, paragraph: int | None,
                     case_number: str = "") -> str:
    """`Kommunstyrelsen 2018-04-06 § 12, dnr KS 2018/123` (empty without body or date)."""
    if body is None or on is None:
        return ""
    text = f"{body.name} {on.isoformat()}"
    if paragraph:
        text += f" §\xa0{paragraph}"
    if case_number:
        text += f", dnr {case_number}"
    return text


class DecisionReferenceMixin:
    """For models that record a decision: ``REFERENCE_FIELDS`` names their body, date, §
    and dnr fields (the dnr field may be None where the model has none)."""

    REFERENCE_FIELDS: ClassVar[tuple[str, str, str, str | None]]

    @property
    def decision_reference(self) -> str:
        body, on, paragraph, case_number = self.REFERENCE_FIELDS
        return format_reference(getattr(self, body), getattr(self, on),
                                getattr(self, paragraph),
                                getattr(self, case_number) if case_number else "")
