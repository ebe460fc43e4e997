"""The allowances app's contracts: the error codes it can raise (the API's ``code``) and
the audit actions it writes."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    SCHEME_RULES = "scheme_rules"
    FUND_CANNOT_COVER = "fund_cannot_cover"
    SCHEME_STATE = "scheme_state"
    ALLOWANCE_CLOSED = "allowance_closed"
    OVER_ALLOWANCE = "over_allowance"
    CLAIM_STATE = "claim_state"
    RECEIPT = "receipt"
    VOUCHER_TAKEN = "voucher_taken"


class AuditAction(StrEnum):
    SCHEME_CREATED = "allowance_scheme.created"
    SCHEME_UPDATED = "allowance_scheme.recomputed"
    SCHEME_EXPIRED = "allowance_scheme.expired"
    ALLOWANCE_ADDED = "allowance.added"
    ALLOWANCE_FORFEITED = "allowance.forfeited"
    CLAIM_SUBMITTED = "allowance_claim.submitted"
    CLAIM_APPROVED = "allowance_claim.approved"
    CLAIM_REJECTED = "allowance_claim.rejected"
    CLAIM_PAID = "allowance_claim.paid"
    EMPLOYEE_LINKED = "employee.user_linked"
