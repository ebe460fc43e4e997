"""Pure rules and reads the follow-up services build on: what a grant has left to pay,
when its reports are due, what a report says it cost."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from kompetensfond.applications.models import Application, Status
from kompetensfond.ledger.selectors import subject_balance
from kompetensfond.ledger.services import Subject

from .models import FollowUp, FollowUpKind

GRANTED = frozenset({Status.GRANTED, Status.PARTLY_GRANTED})
PAYABLE = GRANTED | {Status.IN_PROGRESS}  # a grant can be paid in these statuses
MAX_VOUCHER = 40  # characters of a voucher number from the finance system
REPORT_AFTER_END = timedelta(days=60)  # the final report is due two months after the end


def voucher_text(text: str | None) -> str:
    """A voucher number as it is stored and compared: runs of spaces as one, no ends."""
    return " ".join((text or "").split())


def grant_balance(application: Application) -> Any:
    subject = Subject.of(application)
    return subject_balance(application.fund, subject.type, subject.id)


def committed_left(application: Application) -> Decimal:
    """What the decision committed and has not yet been paid (or given back)."""
    return grant_balance(application).committed  # type: ignore[no-any-return]


def follow_up_dates(decided_on: date, end: date | None) -> list[tuple[str, date]]:
    """The reports a grant owes: a yearly report on each anniversary of the decision that
    falls before the activity ends, and the final report two months after its end (a
    year after the decision when the application gives no end)."""
    end = end if end and end >= decided_on else decided_on + timedelta(days=365)
    dates: list[tuple[str, date]] = []
    year = 1
    while True:
        try:
            anniversary = decided_on.replace(year=decided_on.year + year)
        except ValueError:  # 29 February
            anniversary = decided_on.replace(year=decided_on.year + year, day=28)
        if anniversary >= end:
            break
        dates.append((FollowUpKind.YEARLY, anniversary))
        year += 1
    dates.append((FollowUpKind.FINAL, end + REPORT_AFTER_END))
    return dates


def actual_cost(follow_up: FollowUp) -> Decimal:
    return sum((Decimal(v) for v in follow_up.costs.values()), Decimal("0.00"))


