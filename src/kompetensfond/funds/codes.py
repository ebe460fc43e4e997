"""The funds app's contracts in one place: the error codes it can raise (the API's
``code``) and the audit actions it can write."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    FUND_CLOSED = "fund_closed"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"


class AuditAction(StrEnum):
    FUND_CREATED = "fund.created"
    FUND_CLOSED = "fund.closed"
    CONTRIBUTION_RECORDED = "contribution.recorded"
    EARMARK_CREATED = "earmark.created"
