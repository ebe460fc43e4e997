"""The ledger app's contracts in one place: the error codes it can raise (the API's
``code``) and the audit actions it can write."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INSUFFICIENT_FUNDS = "insufficient_funds"
    FUND_CLOSED = "fund_closed"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    ALREADY_REVERSED = "already_reversed"
    DECISION_POSTING = "decision_posting"


class AuditAction(StrEnum):
    SIE_ACCOUNTS_SET = "ledger.sie_accounts_set"

    @classmethod
    def of_kind(cls, kind: str) -> str:
        """``ledger.<kind>`` for each transaction kind (contribution, commitment …)."""
        return f"ledger.{kind}"
