"""Domain errors. Each carries a stable ``code`` and a message in the UI language.

Views turn them into a Swedish message on the page; the API turns them into
``{"code": ..., "detail": ...}`` with the status below.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


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
