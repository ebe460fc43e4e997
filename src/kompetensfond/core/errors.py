"""Domain errors. Each carries a stable ``code`` and a message in the UI language.

Views turn them into a Swedish message on the page; the API turns them into
``{"code": ..., "detail": ...}`` with the status below.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None,
                 fields: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = dict(fields or {})


class ValidationError(DomainError):
    code = "invalid"
    status = 400


class ConflictError(DomainError):
    """A state or balance conflict: illegal transition, overspend, duplicate."""

    code = "conflict"
    status = 409


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    status = 403


# Dates a municipal fund's records can carry: anything outside is a typing mistake or an
# attack (a fund ending 9999-12-31 once broke its pages for good).

FIRST_DATE = date(1990, 1, 1)
LAST_DATE = date(2100, 12, 31)


def check_dates(**dates: date | None) -> None:
    """Refuse, naming each field, any given date outside 1990–2100."""
    from django.utils.translation import gettext as _

    wrong = {field: [_("Enter a date between %(first)s and %(last)s.")
                     % {"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()}]
             for field, value in dates.items()
             if value is not None and not FIRST_DATE <= value <= LAST_DATE}
    if wrong:
        raise ValidationError(next(iter(wrong.values()))[0], fields=wrong)
